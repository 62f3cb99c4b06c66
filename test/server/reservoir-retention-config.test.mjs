// The retention keys are checked when the config is loaded, not when the disk fills: in a model's
// config file (the model does not load, its index entry names the key; the others serve), in a
// server config file (`ortex serve --config`), and in the Monitor's own options (ERR_INVALID_ARGUMENT
// naming the key, like the trigger options).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkConfig } from '../../dist/server/config.js';
import { Monitor } from '../../dist/monitoring/index.js';
import { IRIS, makeRepository, postJson, removeDir, startServer } from './helpers.mjs';

const schema = { version: 1, inputs: { features: { type: 'float32' } }, features: [{ name: 'x', type: 'number' }] };
const invalidArgument = (pattern) => (e) => e.code === 'ERR_INVALID_ARGUMENT' && pattern.test(e.message);

const BAD = [
  [{ size: 10, keep: -1 }, /keep/],
  [{ size: 10, keep: 1.5 }, /keep/],
  [{ size: 10, keep: '3' }, /keep/],
  [{ size: 10, maxAgeMs: 0 }, /maxAgeMs/],
  [{ size: 10, maxAgeMs: 'a day' }, /maxAgeMs/],
  [{ size: 10, kep: 3 }, /kep/],
];

test('Monitor options: bad keep or maxAgeMs, or an unknown key, throw ERR_INVALID_ARGUMENT naming it', () => {
  for (const [reservoir, pattern] of BAD)
    assert.throws(() => new Monitor({ model: 'm', schema, reservoir }), invalidArgument(pattern), JSON.stringify(reservoir));
  assert.throws(() => new Monitor({ model: 'm', schema, reservoir: { size: 1, dir: '' } }), invalidArgument(/reservoir\.dir/));
  assert.throws(
    () => new Monitor({ model: 'm', schema, reservoir: { size: 1, kep: 3 } }),
    invalidArgument(/only known keys \(size, seed, dir, keep, maxAgeMs\) for the monitor option reservoir, received unknown key "kep"/),
  );
});

test('an export without a folder names the setting', async () => {
  const m = new Monitor({ model: 'm', schema, reservoir: { size: 1 } });
  try {
    await m.exportReservoirTo();
    assert.unreachable('an export without a folder');
  } catch (e) {
    assert.ok(invalidArgument(/set reservoir\.dir/)(e), e.message);
  }
  await m.close();
});

test('server config file: bad retention values are refused at load', () => {
  for (const [reservoir, pattern] of BAD)
    assert.throws(
      () => checkConfig('server', { defaults: { monitoring: { reservoir } } }, 'config file x.yaml'),
      invalidArgument(pattern),
      JSON.stringify(reservoir),
    );
  checkConfig('server', { defaults: { monitoring: { reservoir: { size: 10, keep: 0, maxAgeMs: 86_400_000 } } } }, 'x');
});

test('a model config with a bad key does not load, its index names it, the others serve', async () => {
  const repo = makeRepository({
    'iris/1': IRIS,
    'bad/1': IRIS,
    'bad/config.yaml': JSON.stringify({ monitoring: { features: ['a', 'b', 'c', 'd'], reservoir: { size: 10, keep: -1 } } }),
  });
  const server = await startServer({ models: repo, config: { watch: false } });
  try {
    const index = (await postJson(`${server.url}/v2/repository/index`, {})).body;
    const bad = index.find((e) => e.name === 'bad');
    assert.is(bad.state, 'UNAVAILABLE');
    assert.match(bad.reason, /keep/);
    assert.is((await postJson(`${server.url}/v1/models/iris/predict`, { features: [5.1, 3.5, 1.4, 0.2] })).status, 200);
  } finally {
    await server.close();
    removeDir(repo);
  }
});

test.run();
