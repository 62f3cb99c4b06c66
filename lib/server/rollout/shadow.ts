/**
 * Shadow traffic: after the serving version answered a request (its answer is already computed;
 * the copy is taken off the response path with setImmediate), a sampled copy of the request's
 * feeds goes to the candidate through a queue of its own, bounded: when it is full, the copy is
 * dropped and counted, never queued without bound. At most `concurrency` copies run at once.
 * The candidate's answer is compared with the serving answer (compare.ts); its failures and its
 * slowness are counted and logged, and never reach a client. Each run holds the candidate like a
 * request does (acquire/settle), so its outcome and latency count in the candidate's own
 * counters and a retiring candidate finishes the copies it accepted. Copies are not counted into
 * the candidate's drift monitor: its window (and its retraining trigger) sees only the traffic it
 * answers for clients.
 */
import { Histogram } from '../../base/histogram.js';
import type { FeedsType, ReturnType } from '../../session/session.js';
import { toOrtexError } from '../http-errors.js';
import { DURATION_BUCKETS_S, type ModelVersion } from '../model-version.js';
import type { Log } from '../repository.js';
import { compareOutputs } from './compare.js';
import type { ShadowSpec } from './spec.js';

interface Job {
  feeds: FeedsType;
  outputs: ReturnType;
}

export interface ShadowNumbers {
  sample_rate: number;
  compared: number;
  agreement: number;
  mean_distance: number;
  p99_ms: number;
  dropped: number;
  failed: number;
}

export class ShadowTraffic {
  readonly spec: Required<ShadowSpec>;
  readonly seconds = new Histogram(DURATION_BUCKETS_S);
  /** Copies compared, rows compared and agreeing, |a − b| sum and the values summed. */
  compared = 0;
  rows = 0;
  agreeing = 0;
  absSum = 0;
  values = 0;
  dropped = 0;
  failed = 0;
  readonly #candidate: () => ModelVersion | undefined;
  readonly #log: Log;
  readonly #model: string;
  readonly #queue: Job[] = [];
  #running = 0;
  #scheduled = false;
  #closed = false;
  #failureLogged = 0;
  readonly #onResult: () => void;

  constructor(o: { model: string; spec: Required<ShadowSpec>; candidate: () => ModelVersion | undefined; log: Log; onResult: () => void }) {
    this.#model = o.model;
    this.spec = o.spec;
    this.#candidate = o.candidate;
    this.#log = o.log;
    this.#onResult = o.onResult;
  }

  /** A request was answered by the serving version: maybe copy it to the candidate. O(1). */
  offer(feeds: FeedsType, outputs: ReturnType): void {
    if (this.#closed) return;
    const rate = this.spec.sampleRate;
    if (rate < 1 && !(Math.random() < rate)) return;
    if (this.#queue.length >= this.spec.queueSize) {
      this.dropped++;
      return;
    }
    this.#queue.push({ feeds, outputs });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#drain);
    }
  }

  readonly #drain = (): void => {
    this.#scheduled = false;
    while (!this.#closed && this.#running < this.spec.concurrency && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      const candidate = this.#candidate();
      if (!candidate?.ready) {
        this.dropped++;
        continue;
      }
      this.#run(candidate, job);
    }
  };

  #run(candidate: ModelVersion, job: Job): void {
    this.#running++;
    candidate.acquire();
    const started = performance.now();
    let outcome = 'success';
    candidate
      .run(job.feeds)
      .then(
        (out) => {
          const output = candidate.config.predict?.output ?? candidate.outputNames[0]!;
          const c = compareOutputs(job.outputs, out, output);
          this.compared++;
          this.rows += c.rows;
          this.agreeing += c.agreeing;
          this.absSum += c.absSum;
          this.values += c.values;
        },
        (e: unknown) => {
          const err = toOrtexError(e);
          outcome = err.code;
          this.failed++;
          // One line per second at most: a broken candidate must not flood the log.
          const now = Date.now();
          if (now - this.#failureLogged >= 1000) {
            this.#failureLogged = now;
            this.#log.warn(
              { model: this.#model, version: candidate.version, code: err.code, err: err.message, failed: this.failed },
              'shadow run failed (no client saw it)',
            );
          }
        },
      )
      .finally(() => {
        const ended = performance.now();
        this.seconds.record((ended - started) / 1000);
        candidate.settle(outcome, started, ended);
        this.#running--;
        this.#onResult();
        if (this.#queue.length > 0 && !this.#scheduled && !this.#closed) {
          this.#scheduled = true;
          setImmediate(this.#drain);
        }
      });
  }

  numbers(): ShadowNumbers {
    return {
      sample_rate: this.spec.sampleRate,
      compared: this.compared,
      agreement: this.rows === 0 ? 1 : this.agreeing / this.rows,
      mean_distance: this.values === 0 ? 0 : this.absSum / this.values,
      p99_ms: this.seconds.count === 0 ? 0 : this.seconds.percentile(99) * 1000,
      dropped: this.dropped,
      failed: this.failed,
    };
  }

  /** Stops copying; copies still queued are dropped (those running finish). */
  close(): void {
    this.#closed = true;
    this.dropped += this.#queue.length;
    this.#queue.length = 0;
  }
}
