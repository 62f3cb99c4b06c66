/**
 * A Batcher's lifecycle: open, then draining (drain(): queued requests still run) or closing
 * (close(): queued requests are refused), then closed once nothing is queued or running and the
 * target, when owned, is released. drain() and close() return the same promise.
 */

export const OPEN = 0,
  DRAINING = 1,
  CLOSING = 2,
  CLOSED = 3;

export class Lifecycle {
  state = OPEN;
  #closed: Promise<void> | undefined;
  #resolve: (() => void) | undefined;
  #reject: ((e: unknown) => void) | undefined;
  #finishing = false;

  get open(): boolean {
    return this.state === OPEN;
  }

  /** The promise drain() and close() return (made on first call). */
  closed(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    return this.#closed;
  }

  /**
   * Once closing was asked for and the batcher is `idle`, runs `finish` (stop timers, release
   * the target) once, then marks it closed and calls `onClosed`; a failing release rejects the promise.
   */
  maybeFinish(idle: boolean, finish: () => Promise<void>, onClosed: () => void): void {
    if (this.state === OPEN || this.#finishing || this.#closed === undefined || !idle) return;
    this.#finishing = true;
    finish().then(
      () => {
        this.state = CLOSED;
        this.#resolve!();
        onClosed();
      },
      (e) => this.#reject!(e),
    );
  }
}
