/**
 * Alarm: one timer for "call me at time T" (performance.now() ms), re-armed only for an earlier
 * time. Node's timers take at most 2^31 − 1 ms and fire after 1 ms for anything longer (with a
 * TimeoutOverflowWarning); an alarm further away than that sleeps in steps of the longest delay
 * and fires once, at its time, so a far deadline neither spins nor warns.
 */
import { MAX_TIMER_MS } from '../base/validate.js';

export class Alarm {
  #timer: NodeJS.Timeout | undefined;
  #at = Infinity;
  readonly #fire: () => void;

  constructor(fire: () => void) {
    this.#fire = fire;
  }

  /** When the alarm fires next (Infinity when not armed). */
  get at(): number {
    return this.#at;
  }

  /** Fires at `at` unless already armed for an earlier time. `at` of Infinity is ignored. */
  armAt(at: number): void {
    if (at >= this.#at) return;
    this.#at = at;
    this.#start();
  }

  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Infinity;
  }

  #start(): void {
    if (this.#timer) clearTimeout(this.#timer);
    const delay = Math.max(0, Math.ceil(this.#at - performance.now()));
    this.#timer = setTimeout(this.#wake, Math.min(delay, MAX_TIMER_MS));
  }

  readonly #wake = (): void => {
    this.#timer = undefined;
    if (performance.now() < this.#at - 1) {
      this.#start(); // a step of a longer wait
      return;
    }
    this.#at = Infinity;
    this.#fire();
  };
}
