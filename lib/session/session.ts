/** InferenceSession: onnxruntime-common's API over the native addon, with validation and lifecycle. */
import { describe, fromNative, invalid, OrtexError } from '../base/errors.js';
import type { Encoded, NativeRunOptions, NativeSession, NativeSessionMetadata } from '../native/binding.js';
import { providerByAppendName } from '../native/provider-names.js';
import { binding, runtimeInfo } from '../native/runtime.js';
import { diagnoseProvider, shortProviderName } from '../providers/diagnosis.js';
import { normalizeSessionOptions, type SessionOptions } from './session-options.js';
import { setNativeDisposer, Tensor } from '../tensor/tensor.js';
import { asTensor, checkTensor, decodeValue, isExternal, encodeValue, type CopyCounter, type OnnxValue } from '../tensor/value-codec.js';
import { elementTypeByCode, elementTypeByName, storageLength, type TensorData, type TensorType } from '../tensor/element-types.js';
import { checkDims } from '../tensor/dims.js';
import { formatType, toTypeMetadata, toValueMetadata, type TypeMetadata, type ValueMetadata } from '../tensor/value-metadata.js';
import { asyncDispose } from '../base/async-dispose.js';
import type { Runnable } from './model-io.js';
import { defaultPoolSize } from './parallelism.js';

export type FeedsType = Record<string, OnnxValue | { type: string; data: unknown; dims: readonly number[] }>;
export type FetchesType = readonly string[] | Record<string, Tensor | null>;
export type ReturnType = Record<string, OnnxValue>;

export interface RunOptions {
  /** Cancels the run: it rejects with ERR_ABORTED (ORT stops at the next kernel boundary). */
  signal?: AbortSignal;
  tag?: string;
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  logVerbosityLevel?: number;
  /** Raw run config entries (onnxruntime_run_options_config_keys.h). */
  configEntries?: Record<string, string>;
  /**
   * 'auto' (default): tiny runs inline, others on the thread pool; 'async': always off the JS
   * thread; 'inline': always on the JS thread (blocks the event loop for the whole run).
   */
  mode?: 'auto' | 'async' | 'inline';
  /**
   * 'gpu': outputs stay in the memory of the session's GPU provider (cuda, tensorrt, webgpu) as
   * Tensors with location 'gpu', to feed later runs without a host round trip; read them with
   * `await tensor.download()`, free them with `dispose()`. Default 'cpu'.
   */
  outputLocation?: 'cpu' | 'gpu';
}

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

interface InputSpec {
  index: number;
  name: string;
  what: string;
  expected: string;
  type: TypeMetadata;
  optional: boolean;
}

type TensorMetadata = Extract<TypeMetadata, { kind: 'tensor' }>;

/** Shapes for the fast path travel in this one buffer (runs are prepared synchronously). */
const HEADER = new Float64Array(4096);

const RUN_MODES = { auto: 0, async: 1, inline: 2 } as const;
const RUN_OPTION_KEYS = new Set(['signal', 'tag', 'logSeverityLevel', 'logVerbosityLevel', 'configEntries', 'mode', 'outputLocation', 'terminate', 'extra']);
const CREATE_TOKEN = Symbol('create');

let copiedInTs = 0;
/** @internal */
export function tsCopiedBytes(): number {
  return copiedInTs;
}
function addCopiedBytes(n: number): void {
  copiedInTs += n;
}
/** Data ORT must not read in place (shared or resizable buffer): copied, and counted. */
function copyData(t: Tensor): TensorData {
  const copy = (t.data as Float32Array).slice();
  copiedInTs += copy.byteLength;
  return copy as unknown as TensorData;
}

function toModelBytes(model: unknown): string | Uint8Array {
  if (typeof model === 'string') {
    if (model === '') throw invalid('ERR_INVALID_ARGUMENT', 'model', 'a file path or model bytes', 'an empty string');
    return model;
  }
  let bytes: Uint8Array | undefined;
  if (model instanceof Uint8Array) bytes = model;
  else if (model instanceof ArrayBuffer) bytes = new Uint8Array(model);
  else if (ArrayBuffer.isView(model)) bytes = new Uint8Array(model.buffer, model.byteOffset, model.byteLength);
  else if (typeof SharedArrayBuffer !== 'undefined' && model instanceof SharedArrayBuffer) bytes = new Uint8Array(model);
  if (!bytes) throw invalid('ERR_INVALID_ARGUMENT', 'model', 'a file path, Uint8Array or ArrayBuffer', describe(model));
  if (bytes.byteLength === 0) throw invalid('ERR_INVALID_ARGUMENT', 'model', 'non-empty model bytes', '0 bytes');
  // The addon copies the bytes before it returns (JS may detach or change them while ORT parses).
  if (bytes.constructor !== Uint8Array) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes;
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
  readonly #specs: Map<string, InputSpec>;
  readonly #required: number;
  /** Every input and output is a tensor: runs take the header fast path. */
  readonly #tensorsOnly: boolean;
  readonly #copyBelow: number;
  readonly #outputIndex: Map<string, number>;
  readonly #allOutputs: number[];
  #inflight = 0;
  #drained: (() => void) | undefined;
  #releasing: Promise<void> | undefined;

  /** @internal Use InferenceSession.create(). */
  constructor(token: symbol, native: NativeSession, meta: NativeSessionMetadata, copyBelow: number, parallelism: number) {
    if (token !== CREATE_TOKEN) throw new OrtexError('ERR_INVALID_ARGUMENT', 'use InferenceSession.create() to make a session');
    this.parallelism = parallelism;
    this.#copyBelow = copyBelow;
    this.#native = native;
    this.inputNames = Object.freeze(meta.inputs.map((i) => i.name));
    this.outputNames = Object.freeze(meta.outputs.map((o) => o.name));
    this.inputMetadata = Object.freeze(meta.inputs.map((i) => toValueMetadata(i.name, i)));
    this.outputMetadata = Object.freeze(meta.outputs.map((o) => toValueMetadata(o.name, o)));
    this.providers = Object.freeze(meta.providers.map((p) => providerByAppendName(p)?.short ?? p));
    this.providerFailures = Object.freeze(meta.providerFailures.map((f) => {
      const name = shortProviderName(f.name);
      const d = diagnoseProvider(name, f.message, runtimeInfo().libraryPath);
      return { name, message: f.message.trim(), fix: d.fix, ...(d.missingLibrary ? { missingLibrary: d.missingLibrary } : {}) };
    }));
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
    this.#specs = new Map();
    let required = 0;
    meta.inputs.forEach((input, index) => {
      const type = toTypeMetadata(input);
      const optional = type.kind === 'optional';
      if (!optional) required++;
      this.#specs.set(input.name, { index, name: input.name, what: `input '${input.name}'`, expected: `a ${formatType(type)} tensor`, type, optional });
    });
    this.#required = required;
    this.#tensorsOnly = meta.inputs.every((i) => i.kind === 1) && meta.outputs.every((o) => o.kind === 1);
    this.#outputIndex = new Map(meta.outputs.map((o, i) => [o.name, i]));
    this.#allOutputs = meta.outputs.map((_, i) => i);
  }

  /** Loads a model from a file path (external data next to it is found) or from bytes. */
  static async create(model: string | Uint8Array | ArrayBuffer | ArrayBufferView, options?: SessionOptions): Promise<InferenceSession> {
    const bytes = toModelBytes(model);
    const { native: opts, inlineThresholdUs, copyOutputsBelowBytes } = normalizeSessionOptions(options);
    const b = binding();
    let native: NativeSession;
    try {
      native = await b.createSession(bytes, opts, inlineThresholdUs, copyOutputsBelowBytes);
    } catch (e) {
      const where = typeof bytes === 'string' ? `cannot load model ${bytes}` : `cannot load model from ${bytes.byteLength} bytes`;
      const err = fromNative(e, 'ERR_MODEL_LOAD', where);
      if (err.code !== 'ERR_PROVIDER_UNAVAILABLE') throw err;
      // Name the provider as the user did, what is missing, and the fix.
      const appendName = /execution provider '([^']+)'/.exec(err.message)?.[1] ?? '';
      const provider = shortProviderName(appendName);
      const diagnosis = diagnoseProvider(provider, err.message, runtimeInfo().libraryPath);
      const message = err.message.replace(`execution provider '${appendName}'`, `execution provider '${provider}'`);
      throw new OrtexError('ERR_PROVIDER_UNAVAILABLE', `${message.trimEnd()}\nFix: ${diagnosis.fix}`, {
        cause: e, details: { ...diagnosis }, ...(err.ortCode !== undefined ? { ortCode: err.ortCode, ortCodeName: err.ortCodeName! } : {}),
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
  async run(feeds: FeedsType, fetchesOrOptions?: FetchesType | RunOptions, maybeOptions?: RunOptions): Promise<ReturnType> {
    const native = this.#native;
    if (native === undefined) throw new OrtexError('ERR_SESSION_RELEASED', 'the session has been released');
    if (feeds === null || typeof feeds !== 'object' || feeds instanceof Tensor || Array.isArray(feeds)) {
      throw invalid('ERR_INVALID_INPUT', 'feeds', 'an object of input name → value', describe(feeds));
    }
    // Outputs and options.
    let outputs = this.#allOutputs;
    let fetchTensors: (Tensor | undefined)[] | undefined;
    let options: RunOptions | undefined = maybeOptions;
    if (fetchesOrOptions !== undefined) {
      const parsed = this.#parseFetches(fetchesOrOptions);
      if (parsed) ({ outputs, fetchTensors } = parsed);
      else options = fetchesOrOptions as RunOptions;
    }
    let mode = 0;
    let runOptions: NativeRunOptions | null = null;
    let onAbort: (() => void) | undefined;
    const signal = options?.signal;
    const onDevice = options?.outputLocation === 'gpu';
    if (options !== undefined) {
      ({ mode, runOptions } = this.#runOptions(options));
      if (signal) {
        if (signal.aborted) throw new OrtexError('ERR_ABORTED', 'the run was aborted before it started', { cause: signal.reason });
        const ro = runOptions!;
        onAbort = () => ro.terminate();
        signal.addEventListener('abort', onAbort, { once: true });
      }
    }
    let result: Encoded | Promise<Encoded>;
    let header: Float64Array | undefined;
    try {
      const payloads = this.#tensorsOnly && !onDevice ? this.#encodeTensors(feeds, outputs, fetchTensors, HEADER) : undefined;
      if (payloads) {
        header = HEADER;
        result = native.runTensors(header, payloads, runOptions, mode);
      } else {
        const [indices, encoded] = this.#encodeValues(feeds);
        const fetchEncoded = fetchTensors && this.#encodeFetches(outputs, fetchTensors);
        result = native.run(indices, encoded, outputs, fetchEncoded, runOptions, mode, onDevice ? 1 : 0);
      }
    } catch (e) {
      if (onAbort) signal!.removeEventListener('abort', onAbort);
      throw fromNative(e, 'ERR_RUNTIME');
    }
    const out: ReturnType = {};
    const names = this.outputNames;
    if (Array.isArray(result)) {
      if (onAbort) signal!.removeEventListener('abort', onAbort);
      if (header) {
        // Inline fast path: data in `result`, (type, rank, dims...) per output in the header.
        let p = 0;
        for (let i = 0; i < outputs.length; i++) {
          const code = header[p++]!;
          const rank = header[p++]!;
          const name = names[outputs[i]!]!;
          if (code === 0) {
            out[name] = fetchTensors![i]!;
            continue;
          }
          const dims = new Array<number>(rank);
          for (let d = 0; d < rank; d++) dims[d] = header[p++]!;
          const data = result[i] as TensorData;
          out[name] = Tensor.fromNative(elementTypeByCode(code)!, data, dims, isExternal(data, this.#copyBelow));
        }
        return out;
      }
    } else {
      this.#inflight++;
      try {
        result = await result;
      } catch (e) {
        if (signal?.aborted) throw new OrtexError('ERR_ABORTED', 'the run was aborted', { cause: e });
        throw fromNative(e, 'ERR_RUNTIME');
      } finally {
        if (onAbort) signal!.removeEventListener('abort', onAbort);
        if (--this.#inflight === 0 && this.#drained) this.#drained();
      }
    }
    for (let i = 0; i < outputs.length; i++) out[names[outputs[i]!]!] = decodeValue(result, i * 3, fetchTensors?.[i], this.#copyBelow);
    return out;
  }

  /**
   * Fast path (tensor-only models): shapes into `h`, data into the returned array. Returns
   * undefined when a feed is a GPU tensor (the general path handles those).
   */
  #encodeTensors(feeds: FeedsType, outputs: number[], fetchTensors: (Tensor | undefined)[] | undefined, h: Float64Array): unknown[] | undefined {
    const payloads: unknown[] = [];
    let p = 2;
    let present = 0;
    for (const name in feeds) {
      const spec = this.#specs.get(name);
      if (spec === undefined) throw this.#unknownInput(name);
      const t = asTensor(feeds[name], spec.what, spec.expected);
      checkTensor(t, spec.type as TensorMetadata, spec.what);
      if (t.location === 'gpu') return undefined;
      const dims = t.dims;
      const rank = dims.length;
      if (p + 3 + rank > h.length) throw invalid('ERR_INVALID_INPUT', 'feeds', 'fewer inputs', 'more than fit the header');
      h[p++] = spec.index;
      h[p++] = t.code;
      h[p++] = rank;
      for (let d = 0; d < rank; d++) h[p++] = dims[d]!;
      payloads.push(t.mustCopy ? copyData(t) : t.data);
      present++;
    }
    if (present !== this.#required) throw this.#missingInputs(feeds);
    h[0] = present;
    h[1] = outputs.length;
    for (let i = 0; i < outputs.length; i++) {
      const fetched = fetchTensors?.[i];
      if (p + 4 + (fetched ? fetched.dims.length : 0) > h.length) throw invalid('ERR_INVALID_INPUT', 'fetches', 'fewer outputs', 'more than fit the header');
      h[p++] = outputs[i]!;
      if (fetched) {
        h[p++] = 1;
        h[p++] = fetched.code;
        h[p++] = fetched.dims.length;
        for (const d of fetched.dims) h[p++] = d;
        payloads.push(fetched.data);
      } else {
        h[p++] = 0;
      }
    }
    return payloads;
  }

  /** General path: any value kind, as [code, payload, dims] triples. */
  #encodeValues(feeds: FeedsType): [number[], Encoded] {
    const indices: number[] = [];
    const encoded: Encoded = [];
    const copies: CopyCounter = { bytes: 0 };
    let present = 0;
    for (const name in feeds) {
      const spec = this.#specs.get(name);
      if (spec === undefined) throw this.#unknownInput(name);
      const value = feeds[name];
      if (spec.optional && (value === null || value === undefined)) continue;  // optional without a value
      if (!spec.optional) present++;
      encodeValue(value, spec.type, spec.what, encoded, copies);
      indices.push(spec.index);
    }
    if (present !== this.#required) throw this.#missingInputs(feeds);
    if (copies.bytes) addCopiedBytes(copies.bytes);
    return [indices, encoded];
  }

  #encodeFetches(outputs: number[], fetchTensors: (Tensor | undefined)[]): Encoded {
    const encoded: Encoded = [];
    for (let i = 0; i < outputs.length; i++) {
      const t = fetchTensors[i];
      if (t) encoded.push(t.code, t.data, t.dims);
      else encoded.push(0, null, null);
    }
    return encoded;
  }

  #unknownInput(name: string): OrtexError {
    return invalid('ERR_INVALID_INPUT', 'feeds', `only the model's inputs (${this.inputNames.map((n) => `'${n}'`).join(', ')})`, `unknown input '${name}'`);
  }

  #missingInputs(feeds: FeedsType): OrtexError {
    const missing = [...this.#specs.values()].filter((s) => !s.optional && feeds[s.name] == null);
    return invalid('ERR_INVALID_INPUT', 'feeds', 'a value for every required input', `no value for ${missing.map((s) => `'${s.name}'`).join(', ')}`);
  }

  #parseFetches(arg: FetchesType | RunOptions): { outputs: number[]; fetchTensors?: (Tensor | undefined)[] } | undefined {
    const indexOf = (name: unknown): number => {
      const i = typeof name === 'string' ? this.#outputIndex.get(name) : undefined;
      if (i === undefined) throw invalid('ERR_INVALID_INPUT', 'fetches', `names of the model's outputs (${this.outputNames.map((n) => `'${n}'`).join(', ')})`, describe(name));
      return i;
    };
    if (Array.isArray(arg)) {
      if (arg.length === 0) throw invalid('ERR_INVALID_INPUT', 'fetches', 'at least one output name', 'an empty array');
      return { outputs: arg.map(indexOf) };
    }
    if (arg === null || typeof arg !== 'object') throw invalid('ERR_INVALID_ARGUMENT', 'run options', 'an object', describe(arg));
    const keys = Object.keys(arg);
    const isFetches = keys.length > 0 && keys.every((k) => this.#outputIndex.has(k));
    if (!isFetches) {
      for (const k of keys) if (!RUN_OPTION_KEYS.has(k)) throw invalid('ERR_INVALID_ARGUMENT', 'the second argument of run()', `fetches (output names) or run options (${[...RUN_OPTION_KEYS].join(', ')})`, `key '${k}'`);
      return undefined;
    }
    const outputs: number[] = [];
    const fetchTensors: (Tensor | undefined)[] = [];
    for (const k of keys) {
      const index = indexOf(k);
      const v = (arg as Record<string, unknown>)[k];
      outputs.push(index);
      const spec = this.outputMetadata[index]!;
      if (v === null || v === undefined) {
        fetchTensors.push(undefined);
      } else {
        if (!(v instanceof Tensor) || !spec.isTensor || v.location === 'gpu') throw invalid('ERR_INVALID_INPUT', `fetches.${k}`, 'null or a CPU ortex Tensor for a tensor output', describe(v));
        if (v.mustCopy) throw invalid('ERR_INVALID_INPUT', `fetches.${k}`, 'a tensor over a plain ArrayBuffer (ORT writes into it)', 'a shared or resizable buffer');
        checkTensor(v, { kind: 'tensor', type: spec.type, shape: spec.shape }, `fetches.${k}`);
        fetchTensors.push(v);
      }
    }
    return { outputs, fetchTensors };
  }

  #runOptions(o: RunOptions): { mode: number; runOptions: NativeRunOptions | null } {
    if (typeof o !== 'object' || o === null) throw invalid('ERR_INVALID_ARGUMENT', 'run options', 'an object', describe(o));
    for (const k in o) if (!RUN_OPTION_KEYS.has(k)) throw invalid('ERR_INVALID_ARGUMENT', 'run options', `only known keys (${[...RUN_OPTION_KEYS].join(', ')})`, `key '${k}'`);
    let mode = 0;
    if (o.mode !== undefined) {
      if (!(o.mode in RUN_MODES)) throw invalid('ERR_INVALID_ARGUMENT', 'run options mode', "'auto', 'async' or 'inline'", describe(o.mode));
      mode = RUN_MODES[o.mode];
    }
    if (o.outputLocation !== undefined && o.outputLocation !== 'cpu' && o.outputLocation !== 'gpu') throw invalid('ERR_INVALID_ARGUMENT', 'run options outputLocation', "'cpu' or 'gpu'", describe(o.outputLocation));
    if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalid('ERR_INVALID_ARGUMENT', 'run options signal', 'an AbortSignal', describe(o.signal));
    if (o.tag !== undefined && typeof o.tag !== 'string') throw invalid('ERR_INVALID_ARGUMENT', 'run options tag', 'a string', describe(o.tag));
    if (o.logSeverityLevel !== undefined && ![0, 1, 2, 3, 4].includes(o.logSeverityLevel)) throw invalid('ERR_INVALID_ARGUMENT', 'run options logSeverityLevel', 'an integer from 0 to 4', describe(o.logSeverityLevel));
    const needsNative = o.signal !== undefined || o.tag !== undefined || o.logSeverityLevel !== undefined || o.logVerbosityLevel !== undefined || o.configEntries !== undefined;
    if (!needsNative) return { mode, runOptions: null };
    const entries = o.configEntries ? Object.entries(o.configEntries).map(([k, v]) => [k, String(v)] as [string, string]) : undefined;
    let runOptions: NativeRunOptions;
    try {
      runOptions = new (binding().RunOptions)(o.tag, o.logSeverityLevel, o.logVerbosityLevel, entries);
    } catch (e) {
      throw fromNative(e, 'ERR_INVALID_ARGUMENT');
    }
    // A run that can be aborted must not hold the JS thread.
    if (o.signal !== undefined && mode === 0) mode = RUN_MODES.async;
    return { mode, runOptions };
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
    if (!info || !info.array) throw invalid('ERR_INVALID_ARGUMENT', 'pinned tensor type', 'a numeric tensor type', describe(type));
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
      if (this.#inflight > 0) await new Promise<void>((resolve) => { this.#drained = resolve; });
      await native.release();
    })();
    return this.#releasing;
  }

  [asyncDispose](): Promise<void> {
    return this.release();
  }
}

setNativeDisposer((data) => binding().disposeBuffer(data as unknown as ArrayBufferView));
