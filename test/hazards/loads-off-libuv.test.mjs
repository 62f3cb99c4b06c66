// Sessions load and free on ortex's lifecycle thread, never on libuv's pool (issue 11): a model
// load can take seconds, and libuv's 4 threads (UV_THREADPOOL_SIZE) serve fs, dns, zlib and
// crypto for the whole process. With one libuv thread held by a long pbkdf2, sessions still
// load, run and release; before, each create waited in libuv's queue behind the hash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lastJson, runScript } from '../helpers/index.mjs';

const CHILD = new URL('./children/load-beside-busy-libuv.mjs', import.meta.url).pathname;

test("create and release complete while libuv's only thread is busy", async () => {
  const r = await runScript(CHILD, [], { env: { UV_THREADPOOL_SIZE: '1' }, timeoutMs: 60_000 });
  assert.is(r.code, 0, r.stderr.slice(-1500));
  const { events } = lastJson(r.stdout);
  assert.equal(
    events,
    ['created 0', 'released 0', 'created 1', 'released 1', 'created 2', 'released 2', 'libuv-free'],
    'every session came and went before the hash let go of the libuv thread',
  );
});

test.run();
