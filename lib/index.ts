export { InferenceSession } from './session/session.js';
export type { FeedsType, FetchesType, ReturnType, TensorMap, RunOptions, ModelMetadata } from './session/session.js';
export { Tensor } from './tensor/tensor.js';
export type { TypedTensor, TensorConstructor, OrtexTensor, NumberTypes } from './tensor/tensor.js';
export type { TensorType, TensorData, TensorDataTypeMap, TensorElementTypeMap } from './tensor/element-types.js';
export { TENSOR_TYPES } from './tensor/element-types.js';
export type { OnnxValue } from './tensor/value-codec.js';
export type { ValueMetadata, TensorValueMetadata, NonTensorValueMetadata, TypeMetadata, Dim } from './tensor/value-metadata.js';
export type { SessionOptions, ExecutionProvider, ExecutionProviderConfig } from './session/session-options.js';
export { OrtexError, OrtexTypeError, OrtexRangeError, isOrtexError } from './base/errors.js';
export type { OrtexErrorCode, OrtexErrorFields, OrtexErrorOptions } from './base/errors.js';
export { ERROR_CODES } from './base/error-codes.js';
export type { ErrorCodeInfo } from './base/error-codes.js';
export type { ModelIO, Runnable, BaseRunOptions } from './session/model-io.js';
export { init, runtimeInfo } from './native/runtime.js';
export { env } from './native/env.js';
export type { Env, LogLevel } from './native/env.js';
export type { InitOptions, RuntimeInfo } from './native/runtime.js';
export { stats } from './session/stats.js';
export type { Stats } from './session/stats.js';
export { Batcher, PADDING } from './batching/batcher.js';
export type { BatchTarget, BatchResult } from './batching/batcher.js';
export type { BatcherOptions, BatcherCreateOptions, BatchRunOptions, BatchSessionRunOptions } from './batching/options.js';
export type { PaddingPolicy, PaddingInfo } from './batching/layout.js';
export type { BatcherStats, BatchEvent, RejectEvent } from './batching/stats.js';
export type { ScheduleReport, ScheduleMeasurement } from './batching/schedule.js';
export { SessionPool } from './session/session-pool.js';
export type { SessionPoolOptions, SessionPoolStats, SessionPoolInstanceStats } from './session/session-pool.js';
export { Histogram } from './base/histogram.js';
export type { HistogramSnapshot } from './base/histogram.js';
export { probeProviders } from './session/provider-probe.js';
export type { ProviderProbe, ProbeOptions } from './session/provider-probe.js';
export type {
  CpuProviderOptions,
  CudaProviderOptions,
  TensorRtProviderOptions,
  WebGpuProviderOptions,
  OtherProviderOptions,
} from './providers/options.js';
