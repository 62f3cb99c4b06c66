/**
 * `env`: onnxruntime-common's global settings object, so `ort.env.logLevel = 'warning'` and code
 * that touches the other fields keep working after the import changes to ortex.
 *
 * - `logLevel` means what it means in onnxruntime-node: ONNX Runtime's default log level (ORT's
 *   own logging, on stderr). Unlike onnxruntime-node, which reads it once when the first session
 *   is created, a change applies at once (to the process-wide environment, so to every thread).
 *   A session's or run's `logSeverityLevel` still overrides it.
 * - `debug` and `trace` are kept but change nothing, as in onnxruntime-node (they drive the web
 *   backends' debug checks and browser trace marks).
 * - `wasm`, `webgl` and `webgpu` are the web backends' flag objects: present and writable, unused.
 * - `versions`: `common` and `node` name the onnxruntime-common / onnxruntime-node release whose
 *   API ortex follows, `ortex` ortex's own version (the loaded ONNX Runtime: `runtimeInfo()`).
 */
import { describe, invalid } from '../base/errors.js';
import { choices } from '../base/validate.js';
import { packageManifest } from './package-root.js';
import { setRuntimeLogLevel } from './runtime.js';

export type LogLevel = 'verbose' | 'info' | 'warning' | 'error' | 'fatal';

/** onnxruntime-common's `Env` (the fields onnxruntime-node has), plus `versions.ortex`. */
export interface Env {
  /** ONNX Runtime's default log level. Default 'warning'. */
  logLevel?: LogLevel;
  /** Kept for onnxruntime-common code; no effect in Node (as in onnxruntime-node). */
  debug?: boolean;
  /** Kept for onnxruntime-common code; no effect in Node (as in onnxruntime-node). */
  trace?: boolean;
  readonly versions: {
    /** The onnxruntime-common release whose API ortex follows. */
    readonly common: string;
    /** The onnxruntime-node release whose behaviour ortex follows. */
    readonly node: string;
    readonly ortex: string;
  };
  /** The web backends' flags: accepted, unused in Node. */
  readonly wasm: Record<string, unknown>;
  readonly webgl: Record<string, unknown>;
  readonly webgpu: Record<string, unknown>;
  [name: string]: unknown;
}

const LEVELS: readonly LogLevel[] = ['verbose', 'info', 'warning', 'error', 'fatal'];

/** The onnxruntime-common / onnxruntime-node release ortex's API follows. */
const FOLLOWS = '1.30.0';

let logLevel: LogLevel = 'warning';

export const env: Env = {
  versions: Object.freeze({
    common: FOLLOWS,
    node: FOLLOWS,
    ortex: packageManifest().version ?? '',
  }),
  wasm: {},
  webgl: {},
  webgpu: {},
  get logLevel(): LogLevel {
    return logLevel;
  },
  set logLevel(value: LogLevel | undefined) {
    if (value === undefined) return; // onnxruntime-common ignores it too
    const i = LEVELS.indexOf(value);
    // onnxruntime-common throws a plain Error here.
    if (typeof value !== 'string' || i === -1)
      throw invalid('ERR_INVALID_ARGUMENT', 'env.logLevel', choices(LEVELS), describe(value), 'value');
    setRuntimeLogLevel(i as 0 | 1 | 2 | 3 | 4);
    logLevel = value;
  },
};

// Enumerable like onnxruntime-common's, so the object copies (and postMessage()s) with it.
Object.defineProperty(env, 'logLevel', { enumerable: true });
