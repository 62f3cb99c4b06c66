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

/**
 * Runs `feeds` on `version` under its `limits.timeoutMs`, from routing to the answer. A request
 * still queued at its deadline is dropped by the Batcher (it never runs); one whose batch is
 * running is answered 504 at the deadline while the batch finishes for the others. Only on a
 * model whose batches take long enough for it to matter (`version.cancelsOnDisconnect`) does a
 * client that closes its connection withdraw its queued request: the AbortSignal that needs
 * costs several µs per request, more than a small model's whole run.
 */
function runWithinLimit(version: ModelVersion, feeds: FeedsType, res: ServerResponse | undefined, startedAt: number): Promise<ReturnType> {
  const timeoutMs = version.limits.timeoutMs;
  let controller: AbortController | undefined;
  let onClose: (() => void) | undefined;
  if (res !== undefined && version.cancelsOnDisconnect) {
    const c = new AbortController();
    onClose = () => {
      if (!res.writableFinished) c.abort(new Error('the client closed the connection'));
    };
    res.once('close', onClose);
    controller = c;
  }
  const run = version.run(feeds, controller ? { timeoutMs, signal: controller.signal } : version.runOptions);
  return new Promise<ReturnType>((resolve, reject) => {
    const timed = time(timeoutMs, () => reject(timeoutError(timeoutMs, undefined)), startedAt);
    const settle = () => {
      untime(timeoutMs, timed);
      if (onClose) res!.removeListener('close', onClose);
    };
    run.then(
      (out) => {
        settle();
        resolve(out);
      },
      (e: OrtexError) => {
        settle();
        reject(e?.code === 'ERR_TIMEOUT' ? timeoutError(timeoutMs, e) : e);
      },
    );
  });
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

export async function infer<T>(
  host: InferenceHost,
  call: InferenceCall,
  decode: (v: ModelVersion) => FeedsType,
  encode: (v: ModelVersion, out: ReturnType) => T,
): Promise<T> {
  const version = host.router.select(findModel(host, call.model), call.version, call);
  version.acquire();
  const started = performance.now();
  let outcome = 'success';
  let feeds: FeedsType | undefined;
  let outputs: ReturnType | undefined;
  let error: OrtexError | undefined;
  try {
    feeds = decode(version);
    if (host.observers.length > 0) {
      const info = { model: version.model, version: version.version, requestId: call.requestId, protocol: call.protocol, feeds };
      for (const o of host.observers) o.beforeRun?.(info);
    }
    outputs = await runWithinLimit(version, feeds, call.response, started);
    const answer = encode(version, outputs);
    if (version.monitor) observeLater(version.monitor, feeds as Record<string, Tensor>, outputs);
    return answer;
  } catch (e) {
    error = toOrtexError(e);
    outcome = error.code;
    throw error;
  } finally {
    const ended = performance.now();
    const ms = ended - started;
    version.settle(outcome, started, ended, outputs && feeds ? version.rowsOf(feeds) : 1);
    if (host.observers.length > 0 && feeds) {
      const event: AfterRunEvent = {
        model: version.model,
        version: version.version,
        requestId: call.requestId,
        protocol: call.protocol,
        feeds,
        outcome,
        latencyMs: ms,
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
  }
}
