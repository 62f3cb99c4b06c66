// Starts `ortex serve` (bin/ortex.js) as a child process and reads the address it logs.
import { spawn } from 'node:child_process';
import { BIN, ROOT } from './helpers.mjs';

/** Resolves to { child, url, logs(), exited } once the server logs that it listens. */
export function spawnServe(args, { env = {}, timeoutMs = 30_000 } = {}) {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ortex serve did not start:\n${out}`));
    }, timeoutMs);
    const onData = (d) => {
      out += d;
      for (const line of out.split('\n')) {
        if (!line.includes('ortex serve listening')) continue;
        clearTimeout(timer);
        resolve(JSON.parse(line).address);
        return;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => {
      out += d;
    });
    exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`ortex serve exited (${e.code}) before listening:\n${out}`));
    });
  });
  return ready.then((url) => ({ child, url, exited, logs: () => out }));
}
