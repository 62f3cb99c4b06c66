// Spawning helpers: run a child process, and run a contender on a workload spec.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { REPO_ROOT } from './models.mjs';

export const CONTENDERS_DIR = join(REPO_ROOT, 'bench/contenders');

/** Run a command; resolves { code, signal, stdout, stderr, timedOut }. Never rejects on exit status. */
export function runProcess(command, args, { timeoutMs = 600_000, passStderr = false, env } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      if (passStderr) process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Last line of `text` that parses as a JSON object, or null. */
export function lastJsonLine(text) {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line);
    } catch {
      // keep looking
    }
  }
  return null;
}

/** Generous kill timeout for a spec: its duration plus setup slack. */
export function specTimeoutMs(spec) {
  return spec.seconds ? Math.ceil(spec.seconds * 1000) + 120_000 : 600_000;
}

/** Describe a failed child from its output. */
export function failureMessage(res, what) {
  if (res.timedOut) return `${what} timed out`;
  const tail = stripVTControlCharacters(res.stderr)
    .trim()
    .split('\n')
    .filter((l) => l.trim())
    .slice(-5)
    .join(' | ');
  return `${what} exited with ${res.signal ?? res.code}${tail ? `: ${tail}` : ''}`;
}

/**
 * Run bench/contenders/<name>.mjs on `spec` in its own process.
 * Resolves the contender's JSON result, or { contender, error } if it failed.
 */
export async function runContender(name, spec, { timeoutMs = specTimeoutMs(spec) + 30_000, passStderr = false } = {}) {
  const script = join(CONTENDERS_DIR, `${name}.mjs`);
  let res;
  try {
    res = await runProcess(process.execPath, [script, JSON.stringify(spec)], { timeoutMs, passStderr });
  } catch (err) {
    return { contender: name, error: `could not start: ${err.message}` };
  }
  const json = lastJsonLine(res.stdout);
  if (json && (res.code === 0 || json.error)) return { contender: name, ...json };
  return { contender: name, error: failureMessage(res, name) };
}
