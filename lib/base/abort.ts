/**
 * One 'abort' listener per AbortSignal, however many runs and requests wait on it: ortex
 * subscribes its callbacks here, and the one listener fans out to them. (A listener per run puts
 * more than 10 on a signal shared by many concurrent runs, and Node prints a
 * MaxListenersExceededWarning.) The listener is removed when the last callback unsubscribes.
 */

interface Subscribers {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const bySignal = new WeakMap<AbortSignal, Subscribers>();

/**
 * Calls `callback` once when `signal` aborts. Returns the unsubscribe function (call it when the
 * work ends; calling it twice is harmless). The signal must not be aborted yet.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let subs = bySignal.get(signal);
  if (subs === undefined) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      bySignal.delete(signal);
      for (const cb of [...callbacks]) cb();
      callbacks.clear();
    };
    subs = { callbacks, listener };
    bySignal.set(signal, subs);
    signal.addEventListener('abort', listener, { once: true });
  }
  const s = subs;
  // A fresh function per subscription, so the same callback subscribed twice is called twice.
  const entry = (): void => callback();
  s.callbacks.add(entry);
  return () => {
    if (!s.callbacks.delete(entry) || s.callbacks.size > 0) return;
    if (bySignal.get(signal) === s) bySignal.delete(signal);
    signal.removeEventListener('abort', s.listener);
  };
}
