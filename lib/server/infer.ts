/**
 * The request path every protocol shares: route to a version, hold it, decode and validate,
 * observers' `beforeRun`, run under the per-request time limit (and the client's connection),
 * encode, then count the outcome and tell the observers. Decoding happens synchronously right
 * after routing, so a swap can never retire the version between the two.
 */
import { OrtexError } from '../base/errors.js';
import type { FeedsType, ReturnType } from '../session/session.js';
import type { AfterRunEvent, InferenceObserver, Protocol } from './hooks.js';
import { toOrtexError } from './http-errors.js';
import type { ModelVersion } from './model-version.js';
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
  readonly response?: import('node:http').ServerResponse;
}

const TIMEOUT = Symbol('timeout');

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
    const info = { model: version.model, version: version.version, requestId: call.requestId, protocol: call.protocol, feeds };
    for (const o of host.observers) o.beforeRun?.(info);
    const controller = new AbortController();
    const timeoutMs = version.limits.timeoutMs;
    const timer = setTimeout(() => controller.abort(TIMEOUT), timeoutMs);
    const res = call.response;
    const onClose = () => {
      if (!res!.writableFinished) controller.abort(new Error('the client closed the connection'));
    };
    res?.once('close', onClose);
    try {
      outputs = await version.run(feeds, { signal: controller.signal });
    } catch (e) {
      if (controller.signal.reason === TIMEOUT) {
        throw new OrtexError(
          'ERR_TIMEOUT',
          `the request took longer than the model's limits.timeoutMs (${timeoutMs} ms) and was cancelled`,
          { cause: e },
        );
      }
      throw e;
    } finally {
      clearTimeout(timer);
      res?.removeListener('close', onClose);
    }
    return encode(version, outputs);
  } catch (e) {
    error = toOrtexError(e);
    outcome = error.code;
    throw error;
  } finally {
    const ms = performance.now() - started;
    version.settle(outcome, ms / 1000);
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
