/**
 * Emitting events from the request path without letting a listener break it. EventEmitter.emit()
 * lets a throwing listener's exception escape into the emitter's own code (in a batcher: inside a
 * promise callback, an unhandled rejection that ends the process) and skips the listeners after
 * it. emitSafely() calls every listener, catches what each throws, and reports it: to the
 * emitter's 'error' listeners when it has any, else as a process warning (code
 * ORTEX_LISTENER_ERROR). It never throws.
 */
import type { EventEmitter } from 'node:events';

export const LISTENER_ERROR_WARNING = 'ORTEX_LISTENER_ERROR';

function report(emitter: EventEmitter, source: string, event: string, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  if (event !== 'error' && emitter.listenerCount('error') > 0) {
    for (const fn of emitter.rawListeners('error')) {
      try {
        (fn as (e: unknown) => void).call(emitter, error);
      } catch (e) {
        report(emitter, source, 'error', e);
      }
    }
    return;
  }
  process.emitWarning(`a '${event}' listener of the ${source} threw: ${error.message}`, {
    type: 'OrtexWarning',
    code: LISTENER_ERROR_WARNING,
    detail: error.stack ?? '',
  });
}

/** Calls every `event` listener of `emitter` with `payload`; see the module comment. `source` names the emitter in warnings. */
export function emitSafely(emitter: EventEmitter, source: string, event: string, payload?: unknown): void {
  for (const fn of emitter.rawListeners(event)) {
    try {
      (fn as (p: unknown) => void).call(emitter, payload);
    } catch (e) {
      report(emitter, source, event, e);
    }
  }
}
