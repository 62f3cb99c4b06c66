// The OS refuses new run-pool threads (a thread or pid limit, or address space as here): the
// pool keeps running on the threads it has and reports the refusal in stats(); with no thread
// at all a run rejects with ERR_RUNTIME; the process never aborts (std::system_error used to
// escape RunPool::Submit). The child (children/thread-limit.mjs) runs with 256 MiB thread
// stacks, so an address-space cap (prlimit --as, soft limit) decides how many threads fit; a cap
// half a stack above a whole number of stacks leaves V8 half a stack to grow into.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';

const CHILD = new URL('./children/thread-limit.mjs', import.meta.url).pathname;
const STACK = 256 * 1024 * 1024; // bytes per thread stack
const MiB = 1024; // in the kB that /proc reports
const hasPrlimit = process.platform === 'linux' && spawnSync('prlimit', ['--version']).status === 0;

test('refused threads: runs fall back to the threads that exist, the refusal is reported', async () => {
  if (!hasPrlimit) {
    console.log('  skipped: needs Linux and prlimit (util-linux)');
    return;
  }
  const child = spawn('prlimit', [`--stack=${STACK}`, process.execPath, CHILD], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, MALLOC_ARENA_MAX: '1' }, // no 64 MiB malloc arena per thread
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const next = async () => {
    const { value, done } = await lines.next();
    assert.ok(!done, `the child ended early: ${stderr.slice(-1500)}`);
    return JSON.parse(value);
  };
  // prlimit --pid finds the node process: prlimit execs it, so the pid is the same.
  const cap = (kb) => execFileSync('prlimit', ['--pid', String(child.pid), `--as=${kb === undefined ? 'unlimited' : kb * 1024}:`]);
  const ask = async (line) => {
    child.stdin.write(`${line}\n`);
    return next();
  };
  try {
    let r = await next();
    assert.ok(r.ready);

    // Room for V8, none for a thread stack: no thread starts, runs reject coded.
    cap(r.vmKb + 128 * MiB);
    r = await ask('runs 50');
    assert.is(r.fulfilled, 0, JSON.stringify(r));
    assert.equal(r.errors, ['ERR_RUNTIME: no run thread could be started: Resource temporarily unavailable']);
    assert.is(r.runThreads, 0);
    assert.ok(r.runThreadStartFailures >= 1);
    assert.is(r.maxConcurrentRuns, 1024);

    // Room for two threads: 400 runs at once all succeed on them; the refusal is reported.
    cap(r.vmKb + 640 * MiB);
    r = await ask('retry');
    r = await ask('runs 400');
    assert.is(r.fulfilled, 400, JSON.stringify(r));
    assert.is(r.wrong, 0);
    assert.ok(r.runThreads >= 1 && r.runThreads < 400, `${r.runThreads} threads`);
    assert.ok(r.runThreadStartFailures >= 2, JSON.stringify(r));
    assert.match(r.runThreadStartError, /Resource temporarily unavailable/);
    const { runThreads: capped, runThreadStartFailures: refused } = r;

    // Cap lifted and the pool asked again: threads start again as needed, none is refused.
    cap(undefined);
    r = await ask('retry');
    r = await ask('runs 400');
    assert.is(r.fulfilled, 400, JSON.stringify(r));
    assert.is(r.wrong, 0);
    assert.is(r.runThreadStartFailures, refused, 'no thread refused once the cap is gone');
    assert.ok(r.runThreads >= capped);
    child.stdin.write('exit\n');
    const { code, signal } = await exited;
    assert.is(signal, null, `the child died with ${signal}: ${stderr.slice(-1500)}`);
    assert.is(code, 0, stderr.slice(-1500));
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
});

test.run();
