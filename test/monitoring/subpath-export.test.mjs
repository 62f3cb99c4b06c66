// `ortex/monitoring` is a subpath export with ESM and CommonJS builds; `ortex` itself never loads
// it (nor csv-parse, prom-client or node:http), and the monitoring entry loads prom-client only
// when metrics are registered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { ROOT } from './helpers.mjs';

const node = (code, type = 'commonjs') => {
  const r = spawnSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.trim();
};

test('ESM and CommonJS entries resolve and work', () => {
  const script = (load) => `${load}
    const m = new Monitor({ model: 'x', schema: { version: 1, features: [{ name: 'a', type: 'number', max: 1 }] } });
    let code;
    try { m.validate({ a: 2 }); } catch (e) { code = e.code; }
    console.log(typeof Monitor, code, typeof ksTest);
    m.close();`;
  assert.is(node(script("import { Monitor, ksTest } from 'ortex/monitoring';"), 'module'), 'function ERR_INVALID_INPUT function');
  assert.is(node(script("const { Monitor, ksTest } = require('ortex/monitoring');")), 'function ERR_INVALID_INPUT function');
  assert.match(node("console.log(require.resolve('ortex/monitoring'))"), /dist\/cjs\/monitoring\/index\.js$/);
});

test("require('ortex') loads no monitoring, csv, metrics or HTTP modules", () => {
  const loaded = node(`require('ortex');
    console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /monitoring|prom-client|csv-(parse|stringify)/.test(k))));
    console.log(process.moduleLoadList.some((m) => m === 'NativeModule http'));`);
  assert.equal(loaded.split('\n'), ['[]', 'false']);
});

test('prom-client is loaded on the first collect(), not by importing ortex/monitoring', () => {
  const out = node(`const { Monitor } = require('ortex/monitoring');
    const has = () => Object.keys(require.cache).some((k) => k.includes('prom-client'));
    const before = has();
    const m = new Monitor({ model: 'x', schema: { version: 1, features: [{ name: 'a', type: 'number' }] } });
    m.collect(new (require('prom-client').Registry)());
    console.log(before, has());
    m.close();`);
  assert.is(out, 'false true');
});

test.run();
