// Virtual time for schedule tests: the real Batcher and its real schedules, run against a
// synthetic target whose cost per batch is set by the test (`fixedMs + perRowMs × rows`, or any
// function of the rows), on a fake clock (@sinonjs/fake-timers: performance.now, setTimeout,
// setImmediate). Nothing depends on how busy the machine is: time only moves when the test
// advances it, so every run of a test decides the same way.
import FakeTimers from '@sinonjs/fake-timers';
import { createSeededRandom } from '../../tools/seeded-random.mjs';
import { Batcher, Tensor } from '../../dist/index.js';

/** Fakes the clock and timers until `uninstall()`. */
export function installClock() {
  return FakeTimers.install({
    toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'performance', 'Date'],
  });
}

const meta = (name, width) => ({ name, isTensor: true, type: 'float32', shape: ['batch', width] });

/** Fake timers count whole milliseconds (a delay of 2.7 fires after 2): costs are rounded, at least 1 ms. */
const ms = (v) => Math.max(1, Math.round(v));

/**
 * A model that takes `cost(rows)` ms of virtual time per batch, running at most `parallel` batches
 * at once (the rest wait in its own queue, like ortex's run pool), optionally after a `serial(rows)`
 * ms stage that one batch at a time passes through (the JS thread's merge and split work, which
 * batches queued behind a running one can overlap). `fail(n)` makes the n-th batch fail;
 * `slowdown(now)` multiplies the cost (a noisy neighbour).
 * Output `y` = input `x` + 1, so results can be checked.
 */
export class CostTarget {
  inputNames = ['x'];
  outputNames = ['y'];
  inputMetadata = [meta('x', 2)];
  outputMetadata = [meta('y', 2)];
  released = false;
  /** Rows of every batch run, in order. */
  batches = [];
  #waiting = [];
  #running = 0;
  #serialFree = 0;

  constructor({ cost, parallel = 1, serial, fail, slowdown }) {
    this.cost = slowdown ? (rows) => cost(rows) * slowdown(performance.now()) : cost;
    this.parallel = parallel;
    this.serial = serial;
    this.fail = fail;
  }

  get parallelism() {
    return this.parallel;
  }

  run(feeds) {
    const x = feeds.x;
    const rows = x.dims[0];
    const n = this.batches.push(rows) - 1;
    return new Promise((resolve, reject) => {
      const job = () => {
        if (this.fail?.(n)) reject(new Error(`batch ${n} failed`));
        else
          resolve({
            y: new Tensor(
              'float32',
              x.data.map((v) => v + 1),
              x.dims,
            ),
          });
      };
      let ready = performance.now();
      if (this.serial) {
        // One batch at a time through the serial stage, in order of arrival.
        ready = Math.max(ready, this.#serialFree) + ms(this.serial(rows));
        this.#serialFree = ready;
      }
      const enqueue = () => {
        this.#waiting.push({ rows, job });
        this.#next();
      };
      const delay = ready - performance.now();
      if (delay > 0) setTimeout(enqueue, delay);
      else enqueue();
    });
  }

  #next() {
    while (this.#running < this.parallel && this.#waiting.length > 0) {
      const { rows, job } = this.#waiting.shift();
      this.#running++;
      setTimeout(
        () => {
          this.#running--;
          job();
          this.#next();
        },
        ms(this.cost(rows)),
      );
    }
  }

  async release() {
    this.released = true;
  }
}

export const linear = (fixedMs, perRowMs) => (rows) => fixedMs + perRowMs * rows;

/** One request of one row: x = [v, v]. */
export const row = (v = 0) => ({ x: new Tensor('float32', Float32Array.of(v, v), [1, 2]) });

/**
 * `callers` callers, each sending one-row requests back to back, for `ms` of virtual time.
 * Resolves the requests answered (each checked: y = x + 1) and any errors by code. The callers'
 * last requests are finished by running every timer, or with `tick: true` by advancing the clock
 * in steps until they are (a long timer, such as the layout probe's time limit, then stays
 * pending instead of firing early).
 */
export async function closedLoop(clock, batcher, callers, duration, { thinkMs = 0, tick = false } = {}) {
  let stop = false;
  let answered = 0;
  const errors = {};
  const caller = async (id) => {
    while (!stop) {
      try {
        const out = await batcher.run(row(id));
        if (out.y.data[0] !== id + 1) throw new Error(`caller ${id} got ${out.y.data[0]}`);
        answered++;
      } catch (e) {
        if (!e.code) throw e;
        errors[e.code] = (errors[e.code] ?? 0) + 1;
      }
      if (thinkMs > 0) await new Promise((r) => setTimeout(r, thinkMs));
    }
  };
  let finished = false;
  const all = Promise.all(Array.from({ length: callers }, (_, i) => caller(i))).finally(() => {
    finished = true;
  });
  await clock.tickAsync(duration);
  stop = true;
  if (tick) while (!finished) await clock.tickAsync(1);
  else await clock.runAllAsync();
  await all;
  return { answered, errors, perSecond: (answered * 1000) / duration };
}

/** Rows per second a fixed choice (batch cap × batches in flight) reaches on `makeTarget()`'s model, in virtual time. */
export async function fixedThroughput(clock, makeTarget, callers, duration, maxBatchSize, maxInflightBatches) {
  const b = new Batcher(makeTarget(), { schedule: 'fixed', maxBatchSize, maxInflightBatches });
  const r = await closedLoop(clock, b, callers, duration);
  await b.close();
  return r.perSecond;
}

/** The best fixed choice over a grid (what `bench/batching.mjs --sweep` does on a real model). */
export async function bestFixed(clock, makeTarget, callers, duration, caps, slots) {
  let best = { perSecond: 0 };
  for (const cap of caps)
    for (const k of slots) {
      const perSecond = await fixedThroughput(clock, makeTarget, callers, duration, cap, k);
      if (perSecond > best.perSecond) best = { perSecond, cap, slots: k };
    }
  return best;
}

/** A noisy neighbour: the cost is multiplied by 1 ± `amplitude`, a new random level every `periodMs`. */
export function neighbour(seed, amplitude, periodMs) {
  const next = createSeededRandom(seed);
  const levels = [];
  return (now) => {
    const i = Math.floor(now / periodMs);
    while (levels.length <= i) levels.push(1 + amplitude * (2 * next() - 1));
    return levels[i];
  };
}
