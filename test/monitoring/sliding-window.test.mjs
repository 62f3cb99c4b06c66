// The sliding window: after any number of rotations its totals equal a fresh count of just the
// rows still inside it (exact, not approximate); it forgets — drift ends once a window of normal
// traffic has replaced the shifted rows; time-based sub-windows expire while idle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Monitor, SlidingWindow } from '../../dist/monitoring/index.js';
import { profileOf, SYNTHETIC, syntheticRows } from './helpers.mjs';

const profile = await profileOf(SYNTHETIC.schema, syntheticRows(1)(1000));
const make = (extra = {}) =>
  new Monitor({ model: 'w', schema: SYNTHETIC.schema, profile, window: { subWindows: 4, subWindowRows: 50 }, minSamples: 100, ...extra });
const strip = (r) => JSON.stringify([r.features, r.outputs, r.window.rows, r.window.subWindows]);

test('after 400 rotations the window equals a fresh count of its last 4 sub-windows', async () => {
  const rows = syntheticRows(2, { normal: { shift: 0.3 } })(20_000);
  const long = make();
  for (let i = 0; i < rows.length; i += 10) long.observe(rows.slice(i, i + 10));
  const fresh = make();
  for (let i = rows.length - 200; i < rows.length; i += 10) fresh.observe(rows.slice(i, i + 10));
  const a = long.report(),
    b = fresh.report();
  assert.is(a.window.rows, 200);
  // sums are floating point: means may differ in the last bits; counts, tests and distances agree
  const round = (r) => JSON.parse(strip(r), (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(9)) : v));
  assert.equal(round(a), round(b));
  assert.equal(
    a.features.map((f) => f.current.rows),
    b.features.map((f) => f.current.rows),
  );
  await long.close();
  await fresh.close();
});

test('the window forgets: drift ends once normal traffic has replaced the shifted rows', async () => {
  const m = make();
  const events = [];
  m.on('drift', (e) => events.push({ drifted: e.drifted, started: e.started, ended: e.ended }));
  const shifted = syntheticRows(3, { normal: { shift: 1 }, skewed: { shift: 1 }, uniform: { shift: 0.5 } })(200);
  for (let i = 0; i < 200; i += 10) m.observe(shifted.slice(i, i + 10));
  assert.ok(m.report().drifted);
  // a window of normal traffic that does not alarm by chance (seed 4's does, on 'normal' at p = 0.048)
  const normal = syntheticRows(6)(200);
  for (let i = 0; i < 150; i += 10) m.observe(normal.slice(i, i + 10));
  assert.ok(m.report().drifted, 'still inside the window: 50 shifted rows of 200');
  for (let i = 150; i < 200; i += 10) m.observe(normal.slice(i, i + 10));
  const r = m.report();
  assert.not.ok(r.drifted, 'the last shifted sub-window expired');
  assert.equal(
    r.features.filter((f) => f.drifted).map((f) => f.name),
    [],
  );
  assert.ok(events[0].drifted && events.at(-1).drifted === false);
  assert.equal(events.at(-1).ended.sort(), ['normal', 'skewed', 'uniform'].filter((n) => events[0].started.includes(n)).sort());
  await m.close();
});

test('time-based sub-windows: closing on time, expiring while idle, emptied after a whole idle window', async () => {
  let now = 1_000_000;
  const m = make({ window: { subWindows: 4, subWindowMs: 1000 }, now: () => now });
  const rows = syntheticRows(5)(400);
  for (let i = 0; i < 4; i++) {
    m.observe(rows.slice(i * 100, i * 100 + 100));
    now += 1000;
  }
  let r = m.report();
  assert.is(r.window.rows, 400);
  assert.is(r.window.subWindows, 4);
  assert.is(r.status, 'ok');
  assert.is(Date.parse(r.window.end) - Date.parse(r.window.start), 4000);
  now += 2000; // two idle sub-windows close empty, pushing two full ones out
  r = m.report();
  assert.is(r.window.rows, 200);
  now += 60_000;
  r = m.report();
  assert.is(r.window.rows, 0);
  assert.is(r.status, 'insufficient-data');
  await m.close();
});

test('SlidingWindow: O(width) rotations, exact integer totals, empty bins reset their sums', () => {
  const sums = new Int32Array([-1, 0]); // slot 1 is the sum of the values counted in slot 0
  const w = new SlidingWindow(2, sums, { subWindows: 3, subWindowRows: 1 }, 0);
  const add = (v) => {
    w.current[0] += 1;
    w.current[1] += v;
    w.currentRows++;
    w.advance(0);
  };
  for (const v of [0.1, 0.2, 0.7, 1e16, 0.3]) add(v);
  assert.equal(Array.from(w.totals), [3, 1e16 + 0.7 + 0.3]);
  const empty = new SlidingWindow(2, sums, { subWindows: 2, subWindowRows: 1 }, 0);
  empty.current[0] = 1;
  empty.current[1] = 0.1 + 0.2;
  empty.currentRows = 1;
  empty.advance(0);
  for (let i = 0; i < 2; i++) {
    empty.currentRows = 1;
    empty.advance(0);
  }
  assert.equal(Array.from(empty.totals), [0, 0], 'no rounding residue left in an empty bin');
});

test.run();
