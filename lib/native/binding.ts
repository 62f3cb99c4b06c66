/** The whole native surface, typed once. The rest of lib/ talks only to these types. */

export interface NativeRuntimeInfo {
  libraryPath: string;
  version: string;
  apiVersion: number;
  availableProviders: string[];
}

export interface NativeTypeInfo {
  kind: number; // ORT ONNXType: 1 tensor, 2 sequence, 3 map, 4 opaque, 5 sparse tensor, 6 optional
  elementType?: number;
  shape?: (number | string | null)[];
  keyType?: number;
  element?: NativeTypeInfo;
}

export interface NativeValueInfo extends NativeTypeInfo {
  name: string;
}

export interface NativeSessionMetadata {
  inputs: NativeValueInfo[];
  outputs: NativeValueInfo[];
  producer: string;
  graphName: string;
  domain: string;
  description: string;
  graphDescription: string;
  version: number;
  custom: Record<string, string>;
  providers: string[];
  providerFailures: { name: string; message: string }[];
  /** Read by the addon from the very bytes ORT loaded (absent fields: not in the model). */
  irVersion?: number;
  producerVersion: string;
  opsets: { domain: string; version: number }[];
}

/** Flat triples: [code, payload, dims, code, payload, dims, ...]; see native/value_encoding.h. */
export type Encoded = unknown[];

export interface NativeSession {
  metadata(): NativeSessionMetadata;
  /** Returns the results directly when the run executed inline, else a promise. */
  run(
    inputIndices: number[],
    inputs: Encoded,
    outputIndices: number[],
    fetches: Encoded | undefined,
    runOptions: NativeRunOptions | null,
    mode: number,
    outputLocation?: number,
  ): Encoded | Promise<Encoded>;
  /** Fast path for tensor-only models; see native/session.cc for the header layout. */
  runTensors(header: Float64Array, payloads: unknown[], runOptions: NativeRunOptions | null, mode: number): unknown[] | Promise<Encoded>;
  release(): Promise<void>;
  endProfiling(): string;
  /** Page-locked host memory from the session's CUDA provider. */
  allocatePinned(bytes: number): ArrayBuffer;
  scheduling(inlineThresholdUs?: number): { averageRunUs: number; runs: number; inlineThresholdUs: number };
}

/** A tensor kept in a GPU provider's memory. */
export interface NativeDeviceTensor {
  /** Resolves [elementType, ArrayBuffer, dims]. */
  download(): Promise<[number, ArrayBuffer, number[]]>;
  dispose(): void;
}

export interface NativeRunOptions {
  terminate(): void;
}

export interface NativeStats {
  inputBytesZeroCopy: number;
  inputBytesCopied: number;
  /** Of inputBytesCopied: copied by the run's pool worker, awake already, while the JS thread waited in the call. */
  inputBytesCopiedByWorker: number;
  outputBytesZeroCopy: number;
  outputBytesCopied: number;
  fetchBytesInPlace: number;
  /** Fetch targets in V8 memory of runs off the JS thread: written into native memory, copied back. */
  fetchBytesCopied: number;
  runsInline: number;
  runsAsync: number;
  sessionsCreated: number;
  /** Sessions whose last holder let go (release(), GC, their last output); freed on the lifecycle thread. */
  sessionsReleased: number;
  outputBuffersLive: number;
  /** Times the lifecycle thread handed freed heap back to the OS (glibc's malloc_trim; 0 where there is none). */
  heapTrims: number;
}

export interface NativeNormalizedOptions {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: number;
  executionMode?: number;
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  logSeverityLevel?: number;
  logVerbosityLevel?: number;
  logId?: string;
  enableProfiling?: boolean;
  profileFilePrefix?: string;
  optimizedModelFilePath?: string;
  /** A real, absolute directory path (validated by lib/session/session-options.ts). */
  externalDataDirectory?: string;
  freeDimensionOverrides?: [string, string][];
  freeDimensionOverridesByDenotation?: [string, string][];
  configEntries?: [string, string][];
  executionProviders?: { name: string; options: [string, string][]; fallback: boolean }[];
}

/** This thread's run pool (native/run_pool.h). */
export interface NativeRunQueue {
  maxConcurrentRuns: number;
  activeRuns: number;
  waitingRuns: number;
  /** Threads started so far (on demand, up to maxConcurrentRuns). */
  runThreads: number;
  /** Threads the OS refused (thread or pid limit, address space): runs share the threads that exist. */
  runThreadStartFailures: number;
  /** Why the last thread was refused. */
  runThreadStartError?: string;
  /** Runs a worker found while it waited awake after the run before (no wake-up needed). */
  spinHits: number;
  /** Waits awake after a run that ended with no new run (the worker then slept). */
  spinMisses: number;
}

/** Limits the addon enforces (native/limits.h). */
export interface NativeLimits {
  /** Dimensions per tensor. */
  maxRank: number;
  /** Upper bound of runQueue(n) / init({ maxConcurrentRuns }). */
  maxConcurrentRuns: number;
}

export interface NativeBinding {
  abiVersion: number;
  /** The N-API version the addon was built for (native/build.json). */
  napiVersion: number;
  limits: NativeLimits;
  init(libraryPath: string): NativeRuntimeInfo;
  runtimeInfo(): NativeRuntimeInfo | null;
  stats(): NativeStats;
  disposeBuffer(data: ArrayBufferView | ArrayBuffer): boolean;
  /** Sets the process-wide environment's default log level (0 verbose .. 4 fatal). */
  setLogLevel(level: number): void;
  /** Reads (and with n, sets) this thread's limit on runs executing on the thread pool at once. */
  runQueue(maxConcurrentRuns?: number): NativeRunQueue;
  createSession(
    model: string | Uint8Array,
    options: NativeNormalizedOptions,
    inlineThresholdUs: number,
    copyOutputsBelowBytes: number,
  ): Promise<NativeSession>;
  /** The addon's lone-caller state, shared with lib/native/lone-caller.ts (native/addon_data.h). */
  loneCaller: Int32Array;
  /** Resolves once the lifecycle thread has done everything queued before (sessions loaded and freed) and trimmed the heap: for memory measurements. */
  lifecycleIdle(): Promise<void>;
  /** Tests only: a promise operation that fails at the step `mode` names, on the libuv pool or the lifecycle thread (native/worker_probe.h). */
  _probePromiseWorker(
    mode: 'ok' | 'execute-std' | 'execute-failure' | 'execute-other' | 'result-napi' | 'result-std',
    executor?: 'libuv' | 'lifecycle',
  ): Promise<string>;
  RunOptions: new (
    tag?: string,
    logSeverityLevel?: number,
    logVerbosityLevel?: number,
    configEntries?: [string, string][],
  ) => NativeRunOptions;
}

export const NATIVE_ABI_VERSION = 1;
