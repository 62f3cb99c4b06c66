// A failed run reaches the caller as an ERR_RUNTIME error carrying ORT's message; at the default
// log level ORT no longer also prints it to stderr (a red line per failed request in a server's
// logs). A log level chosen for the session (or the run) is honoured: then ORT prints again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

const CHILD = new URL('./children/failed-run-output.mjs', import.meta.url).pathname;
const run = (...args) =>
  spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, FORCE_COLOR: '0' } });

test('at the default level a failed run prints nothing', () => {
  const r = run();
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), ['ERR_RUNTIME', 'ERR_RUNTIME', 'ERR_RUNTIME', 'ERR_RUNTIME']);
  assert.is(r.stderr, '', `stderr: ${r.stderr}`);
});

test('with logSeverityLevel chosen (warning), ORT logs each failed run', () => {
  const r = run('2');
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), ['ERR_RUNTIME', 'ERR_RUNTIME', 'ERR_RUNTIME', 'ERR_RUNTIME']);
  const lines = r.stderr.split('\n').filter((l) => /Non-zero status code returned while running Gather node/.test(l));
  assert.is(lines.length, 4, r.stderr);
});

test.run();
