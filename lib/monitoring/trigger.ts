/**
 * The retraining trigger. When drift has held for `holdMs` (judged on at least `minSamples`
 * rows), it fires at most once per `cooldownMs`: POSTs a JSON payload (model, version, drifted
 * features and outputs, their statistics, the window's bounds, the exported reservoir sample) to
 * a webhook and/or runs a command with the payload on stdin. Delivery runs in the background:
 * it never blocks or fails a prediction, never throws into the caller, and is cancelled by close().
 *
 * Webhook: up to 1 + `retries` attempts, each with a `timeoutMs` deadline; retried on network
 * errors, timeouts, 408, 425, 429 and 5xx, after backoffMs·2^(attempt−1) (capped at maxBackoffMs;
 * a Retry-After header in seconds is honoured up to that cap); any other status gives up at once.
 * Retry timers keep the process alive until the delivery ends; close() cancels them.
 * Command: argv[0] spawned without a shell, argv[1…] its arguments; the payload is written to its
 * stdin and summarized in ORTEX_* environment variables; killed after `timeoutMs`.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, invalid } from '../base/errors.js';
import { integer, knownKeys, MAX_TIMER_MS, nonEmptyString, nonNegativeMs, object, oneOf, string } from '../base/validate.js';

export interface WebhookOptions {
  url: string;
  headers?: Record<string, string>;
  /** Per attempt (default 10000). */
  timeoutMs?: number;
  /** Attempts after the first (default 5). */
  retries?: number;
  /** First retry delay (default 1000); doubles each attempt. */
  backoffMs?: number;
  /** Longest delay (default 60000). */
  maxBackoffMs?: number;
}

export interface CommandOptions {
  /** argv[0] is the program (no shell). */
  argv: string[];
  /** Killed after this long (default 600000). */
  timeoutMs?: number;
  env?: Record<string, string>;
  cwd?: string;
}

export interface TriggerOptions {
  /** Drift must hold this long before firing (default 0: on the first drifted judgment). */
  holdMs?: number;
  /** At most one firing per cool-down (default 3600000). */
  cooldownMs?: number;
  /** Never fire on a window of fewer rows (default: the monitor's minSamples). */
  minSamples?: number;
  /** What counts as drift: input features, output columns, or either (default 'either'). */
  on?: 'inputs' | 'outputs' | 'either';
  webhook?: string | WebhookOptions;
  command?: string[] | CommandOptions;
  /**
   * Folder to write the reservoir sample to as CSV before firing (needs the monitor's reservoir);
   * the monitor's reservoir retention (`keep`, `maxAgeMs`) applies there, and the firing's file is
   * never deleted while its deliveries are in progress.
   */
  exportReservoir?: string;
}

export interface TriggerPayload {
  model: string;
  version: string;
  reason: 'drift';
  firedAt: string;
  driftSince: string;
  drifted: { features: string[]; outputs: string[] };
  window: { start: string | null; end: string | null; rows: number };
  statistics: { name: string; scope: 'inputs' | 'outputs'; statistic: string; score: number | null; threshold: number; drifted: boolean }[];
  reservoir?: { path: string; rows: number };
}

export interface TriggerResult {
  channel: 'webhook' | 'command';
  ok: boolean;
  attempts?: number;
  status?: number;
  exitCode?: number | null;
  signal?: string | null;
  error?: string;
  /** The last 4 KiB of the command's output. */
  output?: string;
}

const RETRYABLE = new Set([408, 425, 429]);

export async function postWebhook(payload: unknown, options: WebhookOptions, signal: AbortSignal): Promise<TriggerResult> {
  const retries = options.retries ?? 5;
  const base = options.backoffMs ?? 1000;
  const cap = options.maxBackoffMs ?? 60_000;
  const body = JSON.stringify(payload);
  let last: TriggerResult = { channel: 'webhook', ok: false, attempts: 0 };
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (signal.aborted) return { ...last, attempts: attempt - 1, error: 'cancelled' };
    let delay = Math.min(cap, base * 2 ** (attempt - 1));
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'ortex-monitor', ...options.headers },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs ?? 10_000)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      last = { channel: 'webhook', ok: res.ok, attempts: attempt, status: res.status };
      if (res.ok) return last;
      if (!(RETRYABLE.has(res.status) || res.status >= 500)) return { ...last, error: `HTTP ${res.status}: not retried` };
      last.error = `HTTP ${res.status}`;
      const retryAfter = res.headers.get('retry-after');
      const after = retryAfter === null || retryAfter.trim() === '' ? NaN : Number(retryAfter);
      if (Number.isFinite(after) && after >= 0) delay = Math.min(cap, after * 1000);
    } catch (e) {
      last = {
        channel: 'webhook',
        ok: false,
        attempts: attempt,
        error: (e as Error).message + ((e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ''),
      };
      if (signal.aborted) return { ...last, error: 'cancelled' };
    }
    if (attempt <= retries) {
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        return { ...last, error: 'cancelled' };
      }
    }
  }
  return { ...last, error: `gave up after ${last.attempts} attempts: ${last.error}` };
}

export function runCommand(payload: TriggerPayload, options: CommandOptions, signal: AbortSignal): Promise<TriggerResult> {
  return new Promise((resolve) => {
    const [program, ...args] = options.argv;
    if (!program) return resolve({ channel: 'command', ok: false, error: 'empty argv' });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4096);
    };
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        ORTEX_MODEL: payload.model,
        ORTEX_VERSION: payload.version,
        ORTEX_DRIFTED_FEATURES: payload.drifted.features.join(','),
        ORTEX_DRIFTED_OUTPUTS: payload.drifted.outputs.join(','),
        ...(payload.reservoir ? { ORTEX_RESERVOIR: payload.reservoir.path } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      signal,
      killSignal: 'SIGKILL',
    });
    // our own deadline: spawn's `timeout` option leaves its timer running when the spawn fails
    const deadline = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.stdin.on('error', () => undefined); // a command that does not read its stdin
    // (no pid: the spawn failed, 'error' follows; writing to its stdin would keep the process alive)
    if (child.pid !== undefined) child.stdin.end(JSON.stringify(payload));
    else child.stdin.destroy();
    let settled = false;
    child.on('error', (e) => {
      clearTimeout(deadline);
      if (settled) return;
      settled = true;
      resolve({ channel: 'command', ok: false, error: e.message, output });
    });
    child.on('close', (code, sig) => {
      clearTimeout(deadline);
      if (settled) return;
      settled = true;
      resolve({
        channel: 'command',
        ok: code === 0,
        exitCode: code,
        signal: sig,
        output,
        ...(code === 0 ? {} : { error: sig ? `killed by ${sig}` : `exit code ${code}` }),
      });
    });
  });
}

const TRIGGER_KEYS = ['holdMs', 'cooldownMs', 'minSamples', 'on', 'webhook', 'command', 'exportReservoir'];
const WEBHOOK_KEYS = ['url', 'headers', 'timeoutMs', 'retries', 'backoffMs', 'maxBackoffMs'];
const COMMAND_KEYS = ['argv', 'timeoutMs', 'env', 'cwd'];

/** Every value of `v` a string (HTTP headers, environment variables). */
function stringMap(v: unknown, what: string): Record<string, string> {
  const o = object(v, what);
  for (const [k, x] of Object.entries(o)) string(x, `${what}.${k}`);
  return o as Record<string, string>;
}

/**
 * The webhook checked when the monitor is made, not when drift first fires (a typo in the URL
 * would otherwise surface hours later as five failed attempts): an http: or https: URL, and
 * numbers in range.
 */
function webhookOptions(v: unknown): WebhookOptions {
  const o: Record<string, unknown> = typeof v === 'string' ? { url: v } : object(v, 'trigger.webhook');
  knownKeys(o, 'trigger.webhook', WEBHOOK_KEYS);
  const url = nonEmptyString(o.url, 'trigger.webhook.url');
  const protocol = URL.canParse(url) ? new URL(url).protocol : undefined;
  if (protocol !== 'http:' && protocol !== 'https:')
    throw invalid('ERR_INVALID_ARGUMENT', 'trigger.webhook.url', 'an http: or https: URL', describe(url));
  if (o.headers !== undefined) stringMap(o.headers, 'trigger.webhook.headers');
  if (o.timeoutMs !== undefined) integer(o.timeoutMs, 'trigger.webhook.timeoutMs', 1, MAX_TIMER_MS);
  if (o.retries !== undefined) integer(o.retries, 'trigger.webhook.retries', 0, 100);
  if (o.backoffMs !== undefined) nonNegativeMs(o.backoffMs, 'trigger.webhook.backoffMs', MAX_TIMER_MS);
  if (o.maxBackoffMs !== undefined) nonNegativeMs(o.maxBackoffMs, 'trigger.webhook.maxBackoffMs', MAX_TIMER_MS);
  return o as unknown as WebhookOptions;
}

/** The command: argv (a program and its arguments, no shell), and the rest in range. */
function commandOptions(v: unknown): CommandOptions {
  const o: Record<string, unknown> = Array.isArray(v) ? { argv: v } : object(v, 'trigger.command');
  knownKeys(o, 'trigger.command', COMMAND_KEYS);
  if (!Array.isArray(o.argv) || o.argv.length === 0)
    throw invalid('ERR_INVALID_ARGUMENT', 'trigger.command argv', 'a non-empty array (the program, then its arguments)', describe(o.argv));
  nonEmptyString(o.argv[0], 'trigger.command argv[0] (the program)');
  for (let i = 1; i < o.argv.length; i++) string(o.argv[i], `trigger.command argv[${i}]`);
  if (o.timeoutMs !== undefined) integer(o.timeoutMs, 'trigger.command.timeoutMs', 1, MAX_TIMER_MS);
  if (o.env !== undefined) stringMap(o.env, 'trigger.command.env');
  if (o.cwd !== undefined) nonEmptyString(o.cwd, 'trigger.command.cwd');
  return o as unknown as CommandOptions;
}

/** Decides when drift has held long enough and fires; the monitor calls evaluate() after each judgment. */
export class RetrainTrigger {
  private onset: number | undefined;
  private lastFired: number | undefined;
  private readonly abort = new AbortController();
  private readonly pending = new Set<Promise<unknown>>();
  readonly holdMs: number;
  readonly cooldownMs: number;
  readonly minSamples: number;
  readonly webhook?: WebhookOptions;
  readonly command?: CommandOptions;

  constructor(
    readonly options: TriggerOptions,
    defaultMinSamples: number,
  ) {
    knownKeys(object(options, 'the trigger'), 'the trigger', TRIGGER_KEYS);
    this.holdMs = options.holdMs === undefined ? 0 : nonNegativeMs(options.holdMs, 'trigger.holdMs');
    this.cooldownMs = options.cooldownMs === undefined ? 3_600_000 : nonNegativeMs(options.cooldownMs, 'trigger.cooldownMs');
    this.minSamples = options.minSamples === undefined ? defaultMinSamples : integer(options.minSamples, 'trigger.minSamples', 1);
    if (options.on !== undefined) oneOf(options.on, 'trigger.on', ['inputs', 'outputs', 'either']);
    if (options.webhook !== undefined) this.webhook = webhookOptions(options.webhook);
    if (options.command !== undefined) this.command = commandOptions(options.command);
  }

  /** When drift began (ms), while it holds. */
  get driftSince(): number | undefined {
    return this.onset;
  }

  /** Whether to fire now, given the judgment's drift state and window size. Records the onset and the firing. */
  due(drifted: boolean, rows: number, now: number): boolean {
    if (!drifted) {
      this.onset = undefined;
      return false;
    }
    this.onset ??= now;
    if (now - this.onset < this.holdMs || rows < this.minSamples) return false;
    if (this.lastFired !== undefined && now - this.lastFired < this.cooldownMs) return false;
    this.lastFired = now;
    return true;
  }

  /**
   * Delivers the payload on every configured channel in the background; `done` hears each result.
   * The promise (never rejected) settles when every channel has finished: the command exited (or
   * was killed), the webhook answered or gave up.
   */
  deliver(payload: TriggerPayload, done: (r: TriggerResult) => void): Promise<void> {
    const channels: Promise<TriggerResult>[] = [];
    if (this.webhook) channels.push(postWebhook(payload, this.webhook, this.abort.signal));
    if (this.command) channels.push(runCommand(payload, this.command, this.abort.signal));
    const delivered: Promise<void>[] = [];
    for (const c of channels) {
      const p = c
        .then(done, (e: unknown) => done({ channel: 'webhook', ok: false, error: String(e) }))
        .catch(() => undefined)
        .finally(() => this.pending.delete(p));
      this.pending.add(p);
      delivered.push(p);
    }
    return Promise.all(delivered).then(() => undefined);
  }

  /** Resolves when every delivery in flight has finished (tests, graceful shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Cancels deliveries in flight (their results report 'cancelled'). */
  close(): void {
    this.abort.abort();
  }
}
