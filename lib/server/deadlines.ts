/**
 * Per-request time limits without a timer per request. Every request on a model version has the
 * same `limits.timeoutMs`, so requests started in order expire in order: one FIFO list per
 * timeout and one timer armed for the oldest live deadline. Starting a request appends to the
 * list; finishing one marks it done and drops the finished ones at the head (requests mostly
 * finish in order, so the list holds about what is in flight). The timer fires at the head's
 * deadline (±1 ms, like setTimeout), expires every request past its deadline, and re-arms for
 * the next live one. A `setTimeout` + `clearTimeout` pair per request cost about 0.4 µs, a
 * measurable share of a small model's request.
 */

/** A request being timed: `expire` runs once at its deadline unless the request finished first. */
export interface Timed {
  readonly deadline: number;
  expire: (() => void) | undefined;
}

class DeadlineList {
  readonly #items: Timed[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  #armedFor = Infinity;

  constructor(readonly timeoutMs: number) {}

  add(expire: () => void, now: number): Timed {
    const t: Timed = { deadline: now + this.timeoutMs, expire };
    this.#items.push(t);
    // Armed for an earlier deadline (even one whose request finished): it re-arms when it fires.
    if (this.#timer === undefined) this.#arm(t.deadline, now);
    return t;
  }

  done(t: Timed): void {
    t.expire = undefined;
    this.#dropFinished();
  }

  #dropFinished(): void {
    const items = this.#items;
    while (this.#head < items.length && items[this.#head]!.expire === undefined) this.#head++;
    if (this.#head === items.length) {
      items.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= items.length) {
      items.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #arm(deadline: number, now: number): void {
    this.#armedFor = deadline;
    this.#timer = setTimeout(this.#fire, Math.max(1, Math.ceil(deadline - now)));
    // A pending request keeps the process alive through its connection or its run, not this timer.
    this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    const items = this.#items;
    // setTimeout may fire a fraction of a millisecond before performance.now() reaches the deadline.
    const due = Math.max(now, this.#armedFor);
    while (this.#head < items.length) {
      const t = items[this.#head]!;
      if (t.expire !== undefined) {
        if (t.deadline > due) break;
        const expire = t.expire;
        t.expire = undefined;
        expire();
      }
      this.#head++;
    }
    this.#dropFinished();
    if (this.#head < items.length) this.#arm(items[this.#head]!.deadline, now);
  };
}

const lists = new Map<number, DeadlineList>();

/** Starts timing a request: `expire` runs at `now + timeoutMs` unless {@link untime} comes first. */
export function time(timeoutMs: number, expire: () => void, now = performance.now()): Timed {
  let list = lists.get(timeoutMs);
  if (list === undefined) {
    list = new DeadlineList(timeoutMs);
    lists.set(timeoutMs, list);
  }
  return list.add(expire, now);
}

/** The request finished (answered or failed) before its deadline: its `expire` never runs. */
export function untime(timeoutMs: number, t: Timed): void {
  lists.get(timeoutMs)?.done(t);
}
