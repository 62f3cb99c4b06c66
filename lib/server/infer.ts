/**
 * The request path every protocol shares: route to a version, hold it, decode and validate,
 * observers' `beforeRun`, run under the per-request time limit (and the client's connection),
 * encode, then count the outcome and tell the observers; a monitored version's inputs and
 * outputs are counted into its monitor after the answer (monitoring.ts: observeLater). Decoding happens synchronously right
 * after routing, so a swap can never retire the version between the two.
 */
import type { ServerResponse } from 'node:http';
import { OrtexError } from '../base/errors.js';
import type { FeedsType, ReturnType } from '../session/session.js';
import type { Tensor } from '../tensor/tensor.js';
import { connectionSignal } from './connection-signal.js';
import { time, untime } from './deadlines.js';
import type { AfterRunEvent, InferenceObserver, Protocol } from './hooks.js';
import { toOrtexError } from './http-errors.js';
import type { ModelVersion } from './model-version.js';
import { observeLater } from './monitoring.js';
import type { Log, ModelRepository } from './repository.js';
import type { RoutingContext, VersionRouter } from './router.js';

export interface InferenceHost {
  readonly repository: ModelRepository;
  readonly router: VersionRouter;
  readonly observers: readonly InferenceObserver[];
  readonly log: Log;
}

export interface InferenceCall extends RoutingContext {
  readonly protocol: Protocol;
  readonly model: string;
  readonly version: string | undefined;
  /** The HTTP response: a request whose client goes away before its answer is cancelled. */
  readonly response?: ServerResponse;
}

function timeoutError(timeoutMs: number, cause: unknown): OrtexError {
  return new OrtexError('ERR_TIMEOUT', `the request took longer than the model's limits.timeoutMs (${timeoutMs} ms)`, { cause });
}

export function findModel(host: InferenceHost, name: string) {
  const entry = host.repository.get(name);
  if (!entry)
    throw new OrtexError(
      'ERR_NOT_FOUND',
      `expected the name of a model this server serves (${
        host.repository
          .entries()
          .map((e) => `'${e.name}'`)
          .join(', ') || 'none'
      }), received '${name}'`,
    );
  return entry;
}

/** Called once with the request's answer, or the error it is answered with. */
export type Answered<T> = (error: OrtexError | undefined, answer?: T) => void;

/**
 * The request path with a callback instead of promises: `answered` is called exactly once, with
 * the encoded answer or the error, after the outcome is counted and the observers told. A route
 * that sends from the callback skips the promise wrappers and microtask hops an async handler,
 * an async `infer` and a timeout race would add (about 0.5 µs per request on Iris /predict).
 *
 * A request runs on `version` under its `limits.timeoutMs`, from routing to the answer. One still
 * queued at its deadline is dropped by the Batcher (it never runs); one whose batch is running is
 * answered 504 at the deadline, and the Batcher stops that run once none of its requests still
 * waits (timeoutScope 'request', model-version.ts; a batch holding others runs on for them). Only on a model whose
 * batches take long enough for it to matter (`version.cancelsOnDisconnect`) does a client that
 * closes its connection withdraw its queued request: subscribing to the connection's signal
 * costs about a µs per request, more than a small model's whole run.
 */
export function inferThen<T>(
  host: InferenceHost,
  call: InferenceCall,
  decode: (v: ModelVersion) => FeedsType,
  encode: (v: ModelVersion, out: ReturnType) => T,
  answered: Answered<T>,
): void {
  let version: ModelVersion;
  try {
    version = host.router.select(findModel(host, call.model), call.version, call);
  } catch (e) {
    tell(host, answered, toOrtexError(e), undefined);
    return;
  }
  version.acquire();
  const started = performance.now();
  let feeds: FeedsType;
  try {
    feeds = decode(version);
    if (host.observers.length > 0) {
      const info = { model: version.model, version: version.version, requestId: call.requestId, protocol: call.protocol, feeds };
      for (const o of host.observers) o.beforeRun?.(info);
    }
  } catch (e) {
    const error = toOrtexError(e);
    finish(host, call, version, started, feeds!, undefined, error);
    tell(host, answered, error, undefined);
    return;
  }
  const timeoutMs = version.limits.timeoutMs;
  // The Batcher applies limits.timeoutMs itself (model-version.ts): a request passes options only
  // for its connection's signal (connection-signal.ts).
  const signal = call.response !== undefined && version.cancelsOnDisconnect ? connectionSignal(call.response) : undefined;
  const options = signal === undefined ? undefined : { signal };
  let done = false;
  const timed = time(
    timeoutMs,
    () => {
      if (done) return;
      done = true;
      const error = timeoutError(timeoutMs, undefined);
      finish(host, call, version, started, feeds, undefined, error);
      tell(host, answered, error, undefined);
    },
    started,
  );
  const settle = () => untime(timeoutMs, timed);
  let run: Promise<ReturnType>;
  try {
    run = version.run(feeds, options);
  } catch (e) {
    run = Promise.reject(e);
  }
  run.then(
    (outputs) => {
      settle();
      if (done) return;
      done = true;
      let answer: T;
      try {
        answer = encode(version, outputs);
        if (version.monitor) observeLater(version.monitor, feeds as Record<string, Tensor>, outputs);
      } catch (e) {
        const error = toOrtexError(e);
        finish(host, call, version, started, feeds, outputs, error);
        tell(host, answered, error, undefined);
        return;
      }
      finish(host, call, version, started, feeds, outputs, undefined);
      tell(host, answered, undefined, answer);
    },
    (e: OrtexError) => {
      settle();
      if (done) return;
      done = true;
      const error = toOrtexError(e?.code === 'ERR_TIMEOUT' ? timeoutError(timeoutMs, e) : e);
      finish(host, call, version, started, feeds, undefined, error);
      tell(host, answered, error, undefined);
    },
  );
}

/**
 * Calls `answered`: what it throws (a route's reply failing) is logged, never left to become an
 * unhandled rejection or an uncaught exception in a timer.
 */
function tell<T>(host: InferenceHost, answered: Answered<T>, error: OrtexError | undefined, answer: T | undefined): void {
  try {
    answered(error, answer);
  } catch (e) {
    host.log.error({ err: (e as Error)?.message ?? String(e) }, 'answering a request failed');
  }
}

/**
 * Counts the request's outcome on its version (which it stops holding) and tells the observers'
 * `afterRun` (a request that failed before its feeds were decoded tells no observer).
 */
function finish(
  host: InferenceHost,
  call: InferenceCall,
  version: ModelVersion,
  started: number,
  feeds: FeedsType | undefined,
  outputs: ReturnType | undefined,
  error: OrtexError | undefined,
): void {
  const ended = performance.now();
  const outcome = error ? error.code : 'success';
  version.settle(outcome, started, ended, outputs && feeds ? version.rowsOf(feeds) : 1);
  if (host.observers.length === 0 || !feeds) return;
  const event: AfterRunEvent = {
    model: version.model,
    version: version.version,
    requestId: call.requestId,
    protocol: call.protocol,
    feeds,
    outcome,
    latencyMs: ended - started,
    ...(outputs ? { outputs } : {}),
    ...(error ? { error } : {}),
  };
  for (const o of host.observers) {
    try {
      o.afterRun?.(event);
    } catch (e) {
      host.log.error(
        { model: version.model, err: (e as Error).message },
        'an inference observer failed in afterRun (the request was not affected)',
      );
    }
  }
}
