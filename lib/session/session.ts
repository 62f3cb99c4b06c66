/** InferenceSession: onnxruntime-common's API over the native addon, with validation and lifecycle. */
import { onAbort } from '../base/abort.js';
import { describe, fromNative, invalid, OrtexError } from '../base/errors.js';
import { integer, isPlainObject } from '../base/validate.js';
import { checkFreeDimensionOverrides } from './model-dims.js';
import type { Encoded, NativeRunOptions, NativeSession, NativeSessionMetadata } from '../native/binding.js';
import { providerByAppendName } from '../native/provider-names.js';
import { afterInlineRun } from '../native/lone-caller.js';
import { binding, runtimeInfo } from '../native/runtime.js';
import { diagnoseProvider, shortProviderName } from '../providers/diagnosis.js';
import { normalizeSessionOptions, type ExecutionProvider, type SessionOptions } from './session-options.js';
import { isTensor, setNativeDisposer, Tensor } from '../tensor/tensor.js';
import type { OnnxValue } from '../tensor/value-codec.js';
import { elementTypeByName, storageLength, type TensorData, type TensorType } from '../tensor/element-types.js';
import { checkDims } from '../tensor/dims.js';
import { toValueMetadata, type ValueMetadata } from '../tensor/value-metadata.js';
import { FeedPlan } from './feed-plan.js';
import { type Fetches, OutputPlan } from './output-plan.js';
import { isRunOptionKey, parseRunOptions, runOptionKeys, terminatedError, type RunOptions } from './run-options.js';
import { asyncDispose } from '../base/async-dispose.js';
import type { Runnable } from './model-io.js';
import { defaultPoolSize } from './parallelism.js';

export type FeedsType = Record<string, OnnxValue | { type: string; data: unknown; dims: readonly number[] }>;
export type FetchesType = readonly string[] | Record<string, Tensor | null>;
/** Outputs by name: every kind of value (tensors, sequences as arrays, maps as `Map`, absent optionals as `null`). */
export type ReturnType = Record<string, OnnxValue>;
/**
 * Outputs by name as `run()` types them by default: tensors, as in onnxruntime-common (whose
 * outputs are always tensors). For a model with sequence, map or optional outputs, name the
 * wider type: `session.run<InferenceSession.ReturnType>(feeds)` (or {@link ReturnType}).
 */
export type TensorMap = Record<string, Tensor>;

export type { RunOptions } from './run-options.js';

export interface ModelMetadata {
  producer: string;
  producerVersion?: string;
  graphName: string;
  domain: string;
  description: string;
  graphDescription: string;
  version?: number;
  irVersion?: number;
  opsets: { domain: string; version: number }[];
  custom: Record<string, string>;
}

/**
 * Shapes for the fast path travel in this one buffer. Safe to share: a run writes it and calls the
 * addon with no user code in between (see FeedPlan), and reads the inline outputs back before any.
 */
const HEADER = new Float64Array(4096);

const CREATE_TOKEN = Symbol('create');

function toModelBytes(model: unknown): string | Uint8Array {
  if (typeof model === 'string') {
    if (model === '') throw invalid('ERR_INVALID_ARGUMENT', 'model', 'a file path or model bytes', 'an empty string', 'value');
    return model;
  }
  let bytes: Uint8Array | undefined;
  if (model instanceof Uint8Array) bytes = model;
  else if (model instanceof ArrayBuffer) bytes = new Uint8Array(model);
  else if (ArrayBuffer.isView(model)) bytes = new Uint8Array(model.buffer, model.byteOffset, model.byteLength);
  else if (typeof SharedArrayBuffer !== 'undefined' && model instanceof SharedArrayBuffer) bytes = new Uint8Array(model);
  if (!bytes) throw invalid('ERR_INVALID_ARGUMENT', 'model', 'a file path, Uint8Array or ArrayBuffer', describe(model));
  if (bytes.byteLength === 0) throw invalid('ERR_INVALID_ARGUMENT', 'model', 'non-empty model bytes', '0 bytes', 'value');
  // The addon copies the bytes before it returns (JS may detach or change them while ORT parses).
  if (bytes.constructor !== Uint8Array) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes;
}

/**
 * onnxruntime-common's `(buffer, byteOffset, byteLength?, options?)`: a slice of an ArrayBuffer
 * (or SharedArrayBuffer). Offsets out of range are RangeErrors, as in onnxruntime-common.
 */
function bufferSlice(buffer: unknown, byteOffset: number, byteLength: unknown, options: unknown): [Uint8Array, SessionOptions | undefined] {
  const isBuffer = buffer instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer);
  if (!isBuffer) throw invalid('ERR_INVALID_ARGUMENT', 'session options', 'an object', describe(byteOffset));
  const size = buffer.byteLength;
  if (size === 0) throw invalid('ERR_INVALID_ARGUMENT', 'model', 'non-empty model bytes', '0 bytes', 'value');
  const offset = integer(byteOffset, 'byteOffset', 0, size - 1);
  const length = byteLength === undefined ? size - offset : integer(byteLength, 'byteLength', 1, size - offset);
  return [toModelBytes(new Uint8Array(buffer, offset, length)) as Uint8Array, options as SessionOptions | undefined];
}

export class InferenceSession implements Runnable {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  /** Providers that registered, in priority order (short names, e.g. ['cuda', 'cpu']). */
  readonly providers: readonly string[];
  /** Providers requested with onFailure: 'fallback' that did not register, and why. */
  readonly providerFailures: readonly { name: string; message: string; fix: string; missingLibrary?: string }[];
  readonly modelMetadata: ModelMetadata;
  /**
   * Capacity hint ({@link Runnable}): runs of this session that usefully execute at once. With
   * `intraOpNumThreads` ≥ 1 given, cores ÷ intraOpNumThreads (ORT runs concurrent calls of one
   * session in parallel); otherwise 1, since ORT's default intra-op pool already uses every core.
   */
  readonly parallelism: number;

  #native: NativeSession | undefined;
  readonly #feeds: FeedPlan;
  readonly #outputs: OutputPlan;
  /** Every input and output is a tensor: runs take the header fast path. */
  readonly #tensorsOnly: boolean;
  readonly #copyBelow: number;
  #inflight = 0;
  #drained: (() => void) | undefined;
  #releasing: Promise<void> | undefined;

  // Private rather than tagged internal: stripInternal would drop it, and the .d.ts would then declare an
  // implicit public `new InferenceSession()`.
  /** Use InferenceSession.create(). */
  private constructor(token: symbol, native: NativeSession, meta: NativeSessionMetadata, copyBelow: number, parallelism: number) {
    if (token !== CREATE_TOKEN) throw new OrtexError('ERR_INVALID_ARGUMENT', 'use InferenceSession.create() to make a session');
    this.parallelism = parallelism;
    this.#copyBelow = copyBelow;
    this.#native = native;
    this.inputNames = Object.freeze(meta.inputs.map((i) => i.name));
    this.outputNames = Object.freeze(meta.outputs.map((o) => o.name));
    this.inputMetadata = Object.freeze(meta.inputs.map((i) => toValueMetadata(i.name, i)));
    this.outputMetadata = Object.freeze(meta.outputs.map((o) => toValueMetadata(o.name, o)));
    this.providers = Object.freeze(meta.providers.map((p) => providerByAppendName(p)?.short ?? p));
    this.providerFailures = Object.freeze(
      meta.providerFailures.map((f) => {
        const name = shortProviderName(f.name);
        const d = diagnoseProvider(name, f.message, runtimeInfo().libraryPath);
        return { name, message: f.message.trim(), fix: d.fix, ...(d.missingLibrary ? { missingLibrary: d.missingLibrary } : {}) };
      }),
    );
    const metadata: ModelMetadata = {
      producer: meta.producer,
      graphName: meta.graphName,
      domain: meta.domain,
      description: meta.description,
      graphDescription: meta.graphDescription,
      // From the very bytes ORT loaded (the addon reads a model file once).
      opsets: meta.opsets,
      custom: meta.custom,
    };
    // ORT reports INT64_MAX when the model has no version.
    if (meta.version < 2 ** 53) metadata.version = meta.version;
    if (meta.irVersion !== undefined) metadata.irVersion = meta.irVersion;
    if (meta.producerVersion) metadata.producerVersion = meta.producerVersion;
    this.modelMetadata = metadata;
    this.#feeds = new FeedPlan(this.inputMetadata);
    this.#outputs = new OutputPlan(this.outputMetadata);
    this.#tensorsOnly = meta.inputs.every((i) => i.kind === 1) && meta.outputs.every((o) => o.kind === 1);
  }

  /**
   * Loads a model from a file path (external data next to it is found) or from bytes: a
   * Uint8Array (any ArrayBufferView), an ArrayBuffer, or onnxruntime-common's
   * `(buffer, byteOffset, byteLength?, options?)` slice of an ArrayBuffer.
   */
  static create(path: string, options?: SessionOptions): Promise<InferenceSession>;
  static create(buffer: ArrayBufferLike, options?: SessionOptions): Promise<InferenceSession>;
  static create(buffer: ArrayBufferLike, byteOffset: number, byteLength?: number, options?: SessionOptions): Promise<InferenceSession>;
  static create(buffer: Uint8Array | ArrayBufferView, options?: SessionOptions): Promise<InferenceSession>;
  static create(model: string | ArrayBufferLike | ArrayBufferView, options?: SessionOptions): Promise<InferenceSession>;
  static async create(model: unknown, a1?: unknown, a2?: unknown, a3?: unknown): Promise<InferenceSession> {
    const [bytes, options] =
      typeof a1 === 'number' ? bufferSlice(model, a1, a2, a3) : [toModelBytes(model), a1 as SessionOptions | undefined];
    const where = typeof bytes === 'string' ? `cannot load model ${bytes}` : `cannot load model from ${bytes.byteLength} bytes`;
    const { native: opts, inlineThresholdUs, copyOutputsBelowBytes } = normalizeSessionOptions(options);
    const b = binding();
    // Started before any await: the addon copies model bytes when called, and the caller may
    // detach (transfer) them as soon as create() yields.
    let creating: Promise<NativeSession>;
    try {
      creating = b.createSession(bytes, opts, inlineThresholdUs, copyOutputsBelowBytes);
    } catch (e) {
      creating = Promise.reject(e);
    }
    try {
      await checkFreeDimensionOverrides(bytes, opts.freeDimensionOverrides, opts.freeDimensionOverridesByDenotation);
    } catch (e) {
      creating.then(
        (s) => s.release(),
        () => {},
      );
      throw e;
    }
    let native: NativeSession;
    try {
      native = await creating;
    } catch (e) {
      const err = fromNative(e, 'ERR_MODEL_LOAD', where);
      if (err.code !== 'ERR_PROVIDER_UNAVAILABLE') throw err;
      // Name the provider as the user did, what is missing, and the fix.
      const appendName = /execution provider '([^']+)'/.exec(err.message)?.[1] ?? '';
      const provider = shortProviderName(appendName);
      const diagnosis = diagnoseProvider(provider, err.message, runtimeInfo().libraryPath);
      const message = err.message.replace(`execution provider '${appendName}'`, `execution provider '${provider}'`);
      throw new OrtexError('ERR_PROVIDER_UNAVAILABLE', `${message.trimEnd()}\nFix: ${diagnosis.fix}`, {
        cause: e,
        details: { ...diagnosis },
        ...(err.ortCode !== undefined ? { ortCode: err.ortCode, ortCodeName: err.ortCodeName! } : {}),
      });
    }
    const intra = opts.intraOpNumThreads;
    const parallelism = typeof intra === 'number' && intra >= 1 ? defaultPoolSize(intra) : 1;
    return new InferenceSession(CREATE_TOKEN, native, native.metadata(), copyOutputsBelowBytes, parallelism);
  }

  /**
   * Runs the model. `fetches` (optional) names the outputs to compute, or maps names to
   * caller-provided tensors that ORT writes in place. Resolves to outputs by name.
   */
  run<R extends ReturnType = TensorMap>(feeds: FeedsType, options?: RunOptions): Promise<R>;
  run<R extends ReturnType = TensorMap>(feeds: FeedsType, fetches: FetchesType, options?: RunOptions): Promise<R>;
  run<R extends ReturnType = TensorMap>(feeds: FeedsType, fetchesOrOptions?: FetchesType | RunOptions, options?: RunOptions): Promise<R>;
  async run(feeds: FeedsType, fetchesOrOptions?: FetchesType | RunOptions, maybeOptions?: RunOptions): Promise<ReturnType> {
    const native = this.#native;
    if (native === undefined) throw new OrtexError('ERR_SESSION_RELEASED', 'the session has been released');
    // Phase one: read and check everything a caller's code can touch (fetches, options, feeds).
    let fetches = this.#outputs.all;
    let options: unknown = maybeOptions;
    if (fetchesOrOptions !== undefined) {
      const parsed = this.#parseSecondArgument(fetchesOrOptions);
      if (parsed) fetches = parsed;
      else options = fetchesOrOptions;
    }
    const settings = options === undefined ? undefined : parseRunOptions(options);
    if (settings?.terminate) throw terminatedError();
    const signal = settings?.signal;
    if (signal?.aborted) throw new OrtexError('ERR_ABORTED', 'the run was aborted before it started', { cause: signal.reason });
    let runOptions: NativeRunOptions | null = null;
    if (settings?.native) {
      try {
        runOptions = new (binding().RunOptions)(...settings.native);
      } catch (e) {
        throw fromNative(e, 'ERR_INVALID_ARGUMENT');
      }
    }
    const mode = settings?.mode ?? 0;
    const onDevice = settings?.outputLocation === 1;
    const ro = runOptions;
    const unsubscribe = signal && ro ? onAbort(signal, () => ro.terminate()) : undefined;
    let result: Encoded | Promise<Encoded>;
    let header: Float64Array | undefined;
    try {
      const collected = this.#feeds.collect(feeds);
      // Phase two: encode and call the addon, with no user code in between.
      if (this.#tensorsOnly && !onDevice && collected.cpuTensors) {
        const payloads = this.#feeds.encodeTensors(collected, fetches.outputs, fetches.fetchTensors, HEADER);
        header = HEADER;
        result = native.runTensors(header, payloads, runOptions, mode);
      } else {
        const [indices, encoded] = this.#feeds.encodeValues(collected);
        const fetchEncoded = this.#outputs.encodeFetches(fetches);
        result = native.run(indices, encoded, fetches.outputs as number[], fetchEncoded, runOptions, mode, onDevice ? 1 : 0);
      }
    } catch (e) {
      unsubscribe?.();
      afterInlineRun();
      throw fromNative(e, 'ERR_RUNTIME');
    }
    if (Array.isArray(result)) {
      unsubscribe?.();
      afterInlineRun();
      // Inline: data in `result`; with the fast path, (type, rank, dims...) per output in the header.
      return header
        ? this.#outputs.decodeInline(header, result, fetches, this.#copyBelow)
        : this.#outputs.decode(result, fetches, this.#copyBelow);
    }
    this.#inflight++;
    try {
      result = await result;
    } catch (e) {
      if (signal?.aborted) throw new OrtexError('ERR_ABORTED', 'the run was aborted', { cause: e });
      throw fromNative(e, 'ERR_RUNTIME');
    } finally {
      unsubscribe?.();
      if (--this.#inflight === 0 && this.#drained) this.#drained();
    }
    return this.#outputs.decode(result, fetches, this.#copyBelow);
  }

  /** The second argument of run(): fetches (returned) or run options (undefined). */
  #parseSecondArgument(arg: FetchesType | RunOptions): Fetches | undefined {
    if (Array.isArray(arg)) return this.#outputs.fromNames(arg);
    if (!isPlainObject(arg) || isTensor(arg) || ArrayBuffer.isView(arg))
      throw invalid('ERR_INVALID_ARGUMENT', 'the second argument of run()', 'fetches (output names) or run options', describe(arg));
    const keys = Object.keys(arg);
    if (this.#outputs.isFetchesObject(keys)) return this.#outputs.fromObject(arg, keys);
    for (const k of keys) {
      if (!isRunOptionKey(k))
        throw invalid(
          'ERR_INVALID_ARGUMENT',
          'the second argument of run()',
          `fetches (output names) or run options (${runOptionKeys('run').join(', ')})`,
          `key '${k}'`,
        );
    }
    return undefined;
  }

  /** Runs in flight right now. */
  get pendingRuns(): number {
    return this.#inflight;
  }

  /** True once release() was called. */
  get released(): boolean {
    return this.#native === undefined;
  }

  /** How this session schedules runs: measured average run time and the inline threshold. */
  scheduling(inlineThresholdUs?: number): { averageRunUs: number; runs: number; inlineThresholdUs: number } {
    const native = this.#native;
    if (!native) throw new OrtexError('ERR_SESSION_RELEASED', 'the session has been released');
    if (inlineThresholdUs !== undefined && !(typeof inlineThresholdUs === 'number' && inlineThresholdUs >= 0)) {
      throw invalid('ERR_INVALID_ARGUMENT', 'inlineThresholdUs', 'a non-negative number', describe(inlineThresholdUs));
    }
    return native.scheduling(inlineThresholdUs);
  }

  /**
   * A tensor over page-locked host memory from this session's CUDA provider (cuda or tensorrt):
   * fill it and feed it, and ORT uploads it to the GPU faster than from ordinary memory; or pass
   * it in `fetches` to receive outputs. Zero-filled. Freed when collected.
   */
  allocatePinned(type: TensorType, dims: readonly number[]): Tensor {
    const native = this.#native;
    if (!native) throw new OrtexError('ERR_SESSION_RELEASED', 'the session has been released');
    const info = elementTypeByName(type);
    if (!info?.array) throw invalid('ERR_INVALID_ARGUMENT', 'pinned tensor type', 'a numeric tensor type', describe(type));
    const shape = checkDims(dims, 'pinned tensor dims');
    const count = shape.reduce((a, b) => a * b, 1);
    const length = storageLength(info, count);
    let buffer: ArrayBuffer;
    try {
      buffer = native.allocatePinned(length * info.array.BYTES_PER_ELEMENT);
    } catch (e) {
      throw fromNative(e, 'ERR_RUNTIME');
    }
    return Tensor.fromPinned(info, new info.array(buffer, 0, length) as unknown as TensorData, shape);
  }

  /**
   * onnxruntime-common's call; a no-op, as in onnxruntime-node: profiling starts when the session
   * is created with `enableProfiling: true`.
   */
  startProfiling(): void {
    if (!this.#native) throw new OrtexError('ERR_SESSION_RELEASED', 'the session has been released');
  }

  /** Ends profiling (enableProfiling) and returns the profile file's path. */
  endProfiling(): string {
    const native = this.#native;
    if (!native) throw new OrtexError('ERR_SESSION_RELEASED', 'the session has been released');
    try {
      return native.endProfiling();
    } catch (e) {
      throw fromNative(e, 'ERR_RUNTIME');
    }
  }

  /**
   * Stops accepting runs, waits for runs in flight, then releases the native session off the JS
   * thread. Idempotent. Output tensors stay valid: they keep what they need alive.
   */
  release(): Promise<void> {
    if (this.#releasing) return this.#releasing;
    const native = this.#native!;
    this.#native = undefined;
    this.#releasing = (async () => {
      if (this.#inflight > 0)
        await new Promise<void>((resolve) => {
          this.#drained = resolve;
        });
      await native.release();
    })();
    return this.#releasing;
  }

  [asyncDispose](): Promise<void> {
    return this.release();
  }
}

setNativeDisposer((data) => binding().disposeBuffer(data as unknown as ArrayBufferView));

/**
 * onnxruntime-common's `InferenceSession` namespace of types, for code written against it:
 * `InferenceSession.SessionOptions`, `InferenceSession.RunOptions`, `InferenceSession.ValueMetadata`, ...
 */
export declare namespace InferenceSession {
  type SessionOptions = import('./session-options.js').SessionOptions;
  type RunOptions = import('./run-options.js').RunOptions;
  type ExecutionProviderConfig = ExecutionProvider;
  type FeedsType = import('./session.js').FeedsType;
  type FetchesType = import('./session.js').FetchesType;
  /** Outputs of every kind (see {@link TensorMap} for the tensor-only default of `run()`). */
  type ReturnType = import('./session.js').ReturnType;
  type OnnxValueMapType = { readonly [name: string]: OnnxValue };
  type NullableOnnxValueMapType = { readonly [name: string]: OnnxValue | null };
  type ValueMetadata = import('../tensor/value-metadata.js').ValueMetadata;
  type TensorValueMetadata = import('../tensor/value-metadata.js').TensorValueMetadata;
  type NonTensorValueMetadata = import('../tensor/value-metadata.js').NonTensorValueMetadata;
}
