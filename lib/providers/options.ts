/**
 * Typed, validated options per execution provider, converted to ONNX Runtime's own keys.
 * Unknown providers and raw keys still pass through `options` (ORT's spelling).
 */
import { describe, invalid } from '../base/errors.js';
import { boolean, choices, integer, isPlainObject, nonEmptyString, object, oneOf, unknownKey } from '../base/validate.js';
import type { NativeNormalizedOptions } from '../native/binding.js';
import { PROVIDERS, providerByShort } from '../native/provider-names.js';

export type OnFailure = 'error' | 'fallback';

interface Common {
  /** 'error' (default): session creation fails with ERR_PROVIDER_UNAVAILABLE. 'fallback': skip it. */
  onFailure?: OnFailure;
  /** Raw provider options in ORT's spelling; applied after the typed ones. */
  options?: Record<string, string | number | boolean>;
}

export interface CpuProviderOptions extends Common {
  name: 'cpu';
  /** ORT's CPU arena allocator (default true). */
  useArena?: boolean;
}

export interface CudaProviderOptions extends Common {
  name: 'cuda';
  deviceId?: number;
  /** Bytes the CUDA arena may hold (a positive integer: `4 * 2 ** 30`, not `4 << 30`, which is 0). */
  gpuMemLimit?: number;
  arenaExtendStrategy?: 'nextPowerOfTwo' | 'sameAsRequested';
  /** cuDNN convolution algorithm search. */
  cudnnConvAlgoSearch?: 'exhaustive' | 'heuristic' | 'default';
  /** Use the default stream for copies (true) or separate copy streams (false). */
  doCopyInDefaultStream?: boolean;
  /** Capture and replay the graph with CUDA graphs (static shapes, IO binding). */
  enableCudaGraph?: boolean;
  /** Allow TF32 math on Ampere and later. */
  useTf32?: boolean;
  cudnnConvUseMaxWorkspace?: boolean;
}

export interface TensorRtProviderOptions extends Common {
  name: 'tensorrt';
  deviceId?: number;
  fp16?: boolean;
  int8?: boolean;
  /** Cache built engines in this folder (enables the engine cache). */
  engineCachePath?: string;
  /** Bytes TensorRT may use as workspace. */
  maxWorkspaceSize?: number;
  timingCachePath?: string;
}

export interface WebGpuProviderOptions extends Common {
  name: 'webgpu';
  deviceId?: number;
  /** Which adapter to ask for. */
  powerPreference?: 'high-performance' | 'low-power';
  preferredLayout?: 'NCHW' | 'NHWC';
  storageBufferCacheMode?: 'disabled' | 'lazyRelease' | 'simple' | 'bucket';
  enableGraphCapture?: boolean;
  validationMode?: 'disabled' | 'wgpuOnly' | 'basic' | 'full';
  dawnBackendType?: 'Vulkan' | 'D3D12';
}

export interface OtherProviderOptions extends Common {
  name: 'xnnpack' | 'coreml' | 'dml' | 'qnn' | 'openvino' | 'azure';
  deviceId?: number;
}

export type ExecutionProviderConfig =
  | CpuProviderOptions
  | CudaProviderOptions
  | TensorRtProviderOptions
  | WebGpuProviderOptions
  | OtherProviderOptions;

type Converter = (value: unknown, what: string) => string;

const bool: Converter = (v, what) => (boolean(v, what) ? '1' : '0');
const uint: Converter = (v, what) => String(integer(v, what, 0));
/** Sizes in bytes: 0 is never meant (`4 << 30` is 0 in JavaScript: write `4 * 2 ** 30`). */
const bytes: Converter = (v, what) => String(integer(v, what, 1));
const path: Converter = (v, what) => nonEmptyString(v, what);
/** One of the table's keys, converted to ORT's spelling. */
const oneOfTable =
  (table: Record<string, string>): Converter =>
  (v, what) =>
    table[oneOf(v, what, Object.keys(table))]!;
const same = (...values: string[]) => oneOfTable(Object.fromEntries(values.map((v) => [v, v])));

/** Typed option → [ORT key, converter] per provider (keys as ORT 1.29/1.30 read them). */
const TYPED: Record<string, Record<string, [string, Converter]>> = {
  cpu: { useArena: ['use_arena', bool] },
  cuda: {
    deviceId: ['device_id', uint],
    gpuMemLimit: ['gpu_mem_limit', bytes],
    arenaExtendStrategy: ['arena_extend_strategy', oneOfTable({ nextPowerOfTwo: 'kNextPowerOfTwo', sameAsRequested: 'kSameAsRequested' })],
    cudnnConvAlgoSearch: ['cudnn_conv_algo_search', oneOfTable({ exhaustive: 'EXHAUSTIVE', heuristic: 'HEURISTIC', default: 'DEFAULT' })],
    doCopyInDefaultStream: ['do_copy_in_default_stream', bool],
    enableCudaGraph: ['enable_cuda_graph', bool],
    useTf32: ['use_tf32', bool],
    cudnnConvUseMaxWorkspace: ['cudnn_conv_use_max_workspace', bool],
  },
  tensorrt: {
    deviceId: ['device_id', uint],
    fp16: ['trt_fp16_enable', bool],
    int8: ['trt_int8_enable', bool],
    engineCachePath: ['trt_engine_cache_path', path],
    maxWorkspaceSize: ['trt_max_workspace_size', bytes],
    timingCachePath: ['trt_timing_cache_path', path],
  },
  webgpu: {
    deviceId: ['deviceId', uint],
    powerPreference: ['powerPreference', oneOfTable({ 'high-performance': 'HighPerformance', 'low-power': 'LowPower' })],
    preferredLayout: ['preferredLayout', same('NCHW', 'NHWC')],
    storageBufferCacheMode: ['storageBufferCacheMode', same('disabled', 'lazyRelease', 'simple', 'bucket')],
    enableGraphCapture: ['enableGraphCapture', bool],
    validationMode: ['validationMode', same('disabled', 'wgpuOnly', 'basic', 'full')],
    dawnBackendType: ['dawnBackendType', same('Vulkan', 'D3D12')],
  },
};
const DEVICE_ID_ONLY: Record<string, [string, Converter]> = { deviceId: ['device_id', uint] };

/** Converts the typed options of provider `short` into ORT key/value pairs. */
export function providerOptionPairs(short: string, config: Record<string, unknown>, what: string): [string, string][] {
  const table = TYPED[short] ?? DEVICE_ID_ONLY;
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(config)) {
    if (key === 'name' || key === 'onFailure' || key === 'options' || value === undefined) continue;
    const entry = table[key];
    if (!entry) throw unknownKey(`${what} (${short})`, ['name', 'onFailure', 'options', ...Object.keys(table)], key);
    pairs.push([entry[0], entry[1](value, `${what}.${key}`)]);
    if (short === 'tensorrt' && key === 'engineCachePath') pairs.push(['trt_engine_cache_enable', '1']);
    if (short === 'tensorrt' && key === 'timingCachePath') pairs.push(['trt_timing_cache_enable', '1']);
  }
  return pairs;
}

function providerOptionValue(v: unknown, what: string): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return v;
  throw invalid('ERR_INVALID_ARGUMENT', what, 'a string, finite number or boolean', describe(v));
}

/** Validates `executionProviders` and converts it to the addon's form (ORT names, key/value pairs). */
export function normalizeProviders(eps: unknown, what = 'executionProviders'): NativeNormalizedOptions['executionProviders'] {
  if (!Array.isArray(eps))
    throw invalid('ERR_INVALID_ARGUMENT', what, 'an array of provider names or { name, ... } objects', describe(eps));
  return eps.map((ep: unknown, i: number) => {
    const at = `${what}[${i}]`;
    const config = typeof ep === 'string' ? { name: ep } : ep;
    if (!isPlainObject(config) || typeof config.name !== 'string')
      throw invalid('ERR_INVALID_ARGUMENT', at, 'a provider name or { name, ... }', describe(ep));
    const known = providerByShort(config.name);
    if (!known) throw invalid('ERR_INVALID_ARGUMENT', `${at}.name`, choices(PROVIDERS.map((p) => p.short)), describe(config.name));
    if (config.onFailure !== undefined) oneOf(config.onFailure, `${at}.onFailure`, ['error', 'fallback']);
    const options = providerOptionPairs(known.short, config, at);
    if (config.options !== undefined) {
      for (const [k, v] of Object.entries(object(config.options, `${at}.options`)))
        options.push([k, providerOptionValue(v, `${at}.options.${k}`)]);
    }
    return { name: known.append, options, fallback: config.onFailure === 'fallback' };
  });
}
