// Drift events and structured log lines come on state changes only — drift starting, the set of
// drifting columns changing, drift ending — not on every judgment; observe() never throws (bad
// input, a throwing listener): faults are counted and logged once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Monitor } from '../../dist/monitoring/index.js';
import { profileOf, SYNTHETIC, syntheticRows } from './helpers.mjs';

const profile = await profileOf(SYNTHETIC.schema, syntheticRows(1)(1000));

function logger() {
  const lines = [];
  const at = (level) => (obj, msg) => lines.push({ level, msg, ...obj });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const make = (log) =>
  new Monitor({
    model: 'iris',
    version: '2',
    schema: SYNTHETIC.schema,
    profile,
    window: { subWindows: 2, subWindowRows: 100 },
    minSamples: 200,
    logger: log,
  });
const feed = (m, rows) => {
  for (let i = 0; i < rows.length; i += 100) m.observe(rows.slice(i, i + 100));
};

test('events and log lines on state changes only', async () => {
  const log = logger();
  const m = make(log);
  const events = [];
  m.on('drift', (e) => events.push(e));
  // seeds whose normal windows raise no chance alarm (false-alarms.test.mjs measures that rate)
  feed(m, syntheticRows(7)(600)); // normal traffic: judged 6 times, no change, no event
  assert.is(events.length, 0);
  feed(m, syntheticRows(107, { normal: { shift: 2 }, skewed: { shift: 2 }, uniform: { shift: 1 } })(400));
  assert.is(events.length, 1, 'one event as drift began, none while it held (3 more judgments)');
  assert.ok(events[0].drifted);
  assert.equal(events[0].started.sort(), ['normal', 'skewed', 'uniform']);
  assert.equal(events[0].features.sort(), ['normal', 'skewed', 'uniform']);
  assert.is(events[0].report.model, 'iris');
  feed(m, syntheticRows(207)(400));
  assert.is(events.length, 2, 'one event as it ended');
  assert.not.ok(events[1].drifted);
  assert.equal(events[1].ended.sort(), ['normal', 'skewed', 'uniform']);
  const messages = log.lines.map((l) => `${l.level} ${l.msg}`);
  assert.equal(messages, ['warn drift detected', 'info drift ended']);
  const detected = log.lines.find((l) => l.msg === 'drift detected');
  assert.equal([detected.model, detected.version], ['iris', '2']);
  assert.ok(Array.isArray(detected.features) && typeof detected.windowRows === 'number');
  await m.close();
});

test('observe() never throws: bad input and throwing listeners are counted and logged once', async () => {
  const log = logger();
  const m = make(log);
  m.on('drift', () => {
    throw new Error('listener bug');
  });
  for (const bad of [null, 5, 'x', [[1, 2]], { features: 'nope' }, [[1, 2, 3, 4, 5, 6]]]) m.observe(bad);
  m.observe([[1, 2, 3, 4, 'red']], { probabilities: 'not a tensor' });
  assert.ok(m.stats().errors >= 5, `${m.stats().errors} errors counted`);
  assert.is(log.lines.filter((l) => l.msg === 'monitor could not observe a request').length, 1, 'faults are logged once a minute at most');
  feed(m, syntheticRows(3, { normal: { shift: 2 }, skewed: { shift: 2 }, uniform: { shift: 1 } })(200));
  assert.ok(m.report().drifted, 'a throwing drift listener did not break judging');
  assert.ok(log.lines.some((l) => l.msg === 'a monitor event listener threw'));
  await m.close();
  m.observe(syntheticRows(3)(10)); // after close: ignored
  // 200 rows, the row whose outputs were unreadable, and { features: 'nope' } (a named record whose features are all missing)
  assert.is(m.stats().rows, 202);
});

test('without a profile: validation, counting and sampling only; status no-profile', async () => {
  const m = new Monitor({ model: 'bare', schema: SYNTHETIC.schema, reservoir: { size: 10 } });
  m.observe(syntheticRows(1)(50));
  const r = m.report();
  assert.is(r.status, 'no-profile');
  assert.equal([r.features, r.outputs.columns], [[], []]);
  assert.is(r.observed.rows, 50);
  assert.ok(m.stats().reservoirRows > 0);
  await m.close();
});

test('bad monitor options are ERR_INVALID_ARGUMENT naming the option', () => {
  const base = { model: 'm', schema: SYNTHETIC.schema, profile };
  const bad = (extra, pattern) =>
    assert.throws(
      () => new Monitor({ ...base, ...extra }),
      (e) => (e.code === 'ERR_INVALID_ARGUMENT' && pattern.test(e.message)) || assert.unreachable(e.message),
    );
  bad({ model: '' }, /monitor option model/);
  bad({ minSamples: 0 }, /minSamples/);
  bad({ window: { subWindows: 1.5 } }, /window\.subWindows/);
  bad({ statistic: 'mystery' }, /expected one of ks, chisquare, z, psi, jensenshannon, wasserstein/);
  bad({ columns: { colour: { statistic: 'ks' } } }, /a statistic for a categorical column/);
  bad({ columns: { nope: {} } }, /columns\.nope/);
  bad({ aggregation: { correction: 'holm' } }, /aggregation\.correction/);
  bad({ aggregation: { driftShare: 2 } }, /aggregation\.driftShare/);
  bad(
    {
      schema: {
        ...SYNTHETIC.schema,
        features: SYNTHETIC.schema.features.map((f) => (f.name === 'normal' ? { ...f, type: 'category' } : f)),
      },
    },
    /a categorical column \(the schema says category\) for the profile of feature 'normal', received a numeric column/,
  );
});

test('per-column statistics and thresholds from options', async () => {
  const m = new Monitor({
    model: 'm',
    schema: SYNTHETIC.schema,
    profile,
    statistic: 'psi',
    columns: { colour: { statistic: 'jensenshannon', threshold: 0.2 }, count: { enabled: false } },
    window: { subWindows: 2, subWindowRows: 100 },
    minSamples: 200,
  });
  feed(m, syntheticRows(9, { count: { shift: 5 } })(200));
  const r = m.report();
  const by = Object.fromEntries(r.features.map((f) => [f.name, f]));
  assert.equal([by.normal.statistic, by.normal.threshold, by.colour.statistic, by.colour.threshold], ['psi', 0.1, 'jensenshannon', 0.2]);
  assert.not.ok(by.count.drifted, 'a disabled column is reported, not judged');
  assert.ok(by.count.score > 1, 'its PSI is still computed');
  await m.close();
});

test.run();
