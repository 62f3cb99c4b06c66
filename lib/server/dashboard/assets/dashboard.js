// The ortex dashboard page: polls the server's JSON state every second (api/state), keeps a
// rolling time series per model, version and chart, and draws them with uPlot; polls the selected
// model's drift report (../v2/models/{m}/drift) and rollout state (../v2/models/{m}/rollout) and
// shows them in panels, which say so when the server has neither (404). Every request carries the
// bearer token taken from a `#token=` fragment or the form, kept in sessionStorage. No framework;
// text reaches the page through textContent only (model names come from file names). Loaded as a
// module (its scope is its own), after uPlot's script, which defines window.uPlot.
const POLL_MS = 1000;
/** Drift and rollout change slowly; a 404 (none on this server or model) is asked again much later. */
const SIDE_POLL_MS = 2000;
const SIDE_RETRY_MS = 30_000;
/** Points kept per series: five minutes at one poll a second. */
const MAX_POINTS = 300;
/** Versions drawn in the charts (the newest ones); the table lists every version. */
const MAX_CHART_VERSIONS = 6;
const TOKEN_KEY = 'ortex.dashboard.token';
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
const PERCENTILE_DASH = { p50: [], p90: [6, 3], p99: [2, 3] };

/** What the page knows, exposed for tests and for anyone poking at it from the console. */
const dash = {
  /** The last state answered by the server. */
  state: null,
  /** uPlot instances by chart name (rate, latency, batch, queue, errors). */
  charts: {},
  /** Rolling series per model. */
  history: new Map(),
  selected: '',
  polls: 0,
  /** The last drift and rollout answers for the selected model: { status, body }. */
  drift: null,
  rollout: null,
};
window.ortexDashboard = dash;

const $ = (id) => document.getElementById(id);
const el = (tag, attrs, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, String(v));
    else e[k] = v;
  }
  for (const c of children) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  return e;
};
const fmt = (v, digits) => {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (typeof v !== 'number') return String(v);
  if (digits !== undefined) return v.toFixed(digits);
  const a = Math.abs(v);
  return a === 0 ? '0' : a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 0.01 ? v.toFixed(2) : v.toExponential(1);
};
const pct = (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(v < 0.01 && v > 0 ? 2 : 1)} %`);
const badge = (text, kind) => el('span', { class: `badge ${kind ?? ''}` }, text);

// ---- token and requests ----------------------------------------------------------------
function takeTokenFromFragment() {
  const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
}
takeTokenFromFragment();
const token = () => sessionStorage.getItem(TOKEN_KEY) ?? '';

/** GET a JSON endpoint (relative to the page's base URL): { status, body }; status 0 when unreachable. */
async function getJson(path) {
  const t = token();
  let res;
  try {
    res = await fetch(path, { headers: t ? { authorization: `Bearer ${t}` } : {}, cache: 'no-store' });
  } catch (e) {
    return { status: 0, body: { error: String(e?.message ?? e) } };
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

let paused = false;
function showAuth(message) {
  paused = true;
  $('auth').hidden = false;
  $('auth-message').textContent = message;
  setStatus('needs a token (401)', true);
}
$('auth-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('auth-token').value.trim());
  $('auth-token').value = '';
  $('auth').hidden = true;
  paused = false;
  sideDue = { drift: 0, rollout: 0 };
  schedule(0);
});
function authMessage(r) {
  const why = r.body?.error ? ` The server said: ${r.body.error}.` : '';
  return `The server needs a bearer token for the dashboard's data (401).${why} Open the page as /dashboard#token=<token>, or enter it here (kept for this tab only).`;
}
function setStatus(text, bad) {
  const s = $('status');
  s.textContent = text;
  s.className = bad ? 'badge bad' : 'muted';
}

// ---- rolling series --------------------------------------------------------------------
const blank = (n) => new Array(n).fill(null);
const VERSION_FIELDS = ['rate', 'p50', 'p90', 'p99', 'batch', 'queue', 'inflight'];

/** Appends one poll's numbers to the model's series (versions and codes that come later are padded with nulls). */
function record(model, t) {
  let h = dash.history.get(model.name);
  if (!h) {
    h = { t: [], versions: new Map(), codes: new Map(), errorsTotal: [] };
    dash.history.set(model.name, h);
  }
  const n = h.t.length;
  h.t.push(t);
  const seen = new Set();
  const codeRates = new Map();
  let errorRate = 0;
  for (const v of model.versions) {
    seen.add(v.version);
    let s = h.versions.get(v.version);
    if (!s) {
      s = Object.fromEntries(VERSION_FIELDS.map((f) => [f, blank(n)]));
      h.versions.set(v.version, s);
    }
    s.rate.push(v.requests.rate);
    s.p50.push(v.latency_ms?.p50 ?? null);
    s.p90.push(v.latency_ms?.p90 ?? null);
    s.p99.push(v.latency_ms?.p99 ?? null);
    s.batch.push(v.batch.rows?.mean ?? null);
    s.queue.push(v.queue.rows);
    s.inflight.push(v.inflight.requests);
    errorRate += v.errors.rate;
    for (const [code, c] of Object.entries(v.errors.by_code)) codeRates.set(code, (codeRates.get(code) ?? 0) + c.rate);
  }
  for (const [version, s] of h.versions) {
    if (seen.has(version)) continue;
    for (const f of VERSION_FIELDS) s[f].push(null);
    if (s.rate.every((x) => x === null)) h.versions.delete(version);
  }
  h.errorsTotal.push(errorRate);
  for (const code of codeRates.keys()) if (!h.codes.has(code)) h.codes.set(code, new Array(n).fill(0));
  for (const [code, series] of h.codes) series.push(codeRates.get(code) ?? 0);
  if (h.t.length > MAX_POINTS) {
    const drop = h.t.length - MAX_POINTS;
    h.t.splice(0, drop);
    h.errorsTotal.splice(0, drop);
    for (const s of h.versions.values()) for (const f of VERSION_FIELDS) s[f].splice(0, drop);
    for (const series of h.codes.values()) series.splice(0, drop);
  }
}

// ---- charts ----------------------------------------------------------------------------
/** The versions drawn for a model: the newest MAX_CHART_VERSIONS of those with a series. */
function chartVersions(h) {
  return [...h.versions.keys()].sort((a, b) => Number(a) - Number(b)).slice(-MAX_CHART_VERSIONS);
}
const colorOf = (i) => COLORS[i % COLORS.length];

/** Series (uPlot configs) and data columns of each chart for model history `h`. */
function chartSpecs(h) {
  const versions = chartVersions(h);
  const perVersion = (field, extra) =>
    versions.map((v, i) => ({ label: `v${v}`, stroke: colorOf(i), values: h.versions.get(v)[field], ...(extra ?? {}) }));
  const latency = [];
  versions.forEach((v, i) => {
    for (const p of ['p50', 'p90', 'p99'])
      latency.push({ label: `v${v} ${p}`, stroke: colorOf(i), dash: PERCENTILE_DASH[p], values: h.versions.get(v)[p] });
  });
  const queue = [];
  versions.forEach((v, i) => {
    queue.push({ label: `v${v} queue`, stroke: colorOf(i), values: h.versions.get(v).queue });
    queue.push({ label: `v${v} in-flight`, stroke: colorOf(i), dash: [4, 3], values: h.versions.get(v).inflight });
  });
  const errors = [{ label: 'all codes', stroke: '#555', width: 2, values: h.errorsTotal }];
  [...h.codes.keys()].sort().forEach((code, i) => {
    errors.push({ label: code, stroke: colorOf(i + 1), values: h.codes.get(code) });
  });
  return {
    rate: perVersion('rate'),
    latency,
    batch: perVersion('batch'),
    queue,
    errors,
  };
}

function lastValue(values) {
  for (let i = (values?.length ?? 0) - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i];
  return null;
}

function chartWidth(fig) {
  return Math.max(280, fig.clientWidth - 12);
}

/** Draws (or updates) one chart: a new uPlot when its series change, setData otherwise. */
function draw(name, t, specs) {
  const fig = document.querySelector(`[data-chart="${name}"]`);
  const key = `${dash.selected}\u0000${specs.map((s) => s.label).join('\u0000')}`;
  const data = [t, ...specs.map((s) => s.values)];
  let u = dash.charts[name];
  if (!u || fig.dataset.key !== key) {
    u?.destroy();
    u = new window.uPlot(
      {
        width: chartWidth(fig),
        height: 180,
        scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), max > 0 ? max * 1.1 : 1] } },
        axes: [{}, { size: 56 }],
        series: [
          {},
          ...specs.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: s.width ?? 1.5,
            dash: s.dash,
            spanGaps: false,
            // The legend shows the value under the cursor, or the latest one when the cursor is elsewhere.
            value: (u, v, si, idx) => fmt(idx === null || idx === undefined ? lastValue(u.data[si]) : v),
          })),
        ],
      },
      data,
      fig,
    );
    dash.charts[name] = u;
    fig.dataset.key = key;
  } else {
    u.setData(data);
  }
  fig.dataset.points = String(t.length);
  fig.dataset.series = String(specs.length);
}

function drawCharts() {
  const h = dash.history.get(dash.selected);
  const note = $('charts-note');
  if (!h) {
    for (const u of Object.values(dash.charts)) u.destroy();
    dash.charts = {};
    for (const fig of document.querySelectorAll('[data-chart]')) {
      fig.dataset.key = '';
      fig.dataset.points = '0';
    }
    note.textContent = dash.state && dash.state.models.length === 0 ? 'No models are served.' : '';
    return;
  }
  const specs = chartSpecs(h);
  for (const [name, s] of Object.entries(specs)) draw(name, h.t, s);
  const hidden = h.versions.size - chartVersions(h).length;
  note.textContent = hidden > 0 ? `Charts show the newest ${MAX_CHART_VERSIONS} versions; ${hidden} more are in the table.` : '';
}

new ResizeObserver(() => {
  for (const [name, u] of Object.entries(dash.charts)) {
    const fig = document.querySelector(`[data-chart="${name}"]`);
    const w = chartWidth(fig);
    if (Math.abs(u.width - w) > 4) u.setSize({ width: w, height: 180 });
  }
}).observe(document.querySelector('.charts'));

// ---- tables ----------------------------------------------------------------------------
function renderModelPicker(models) {
  const select = $('model');
  const names = models.map((m) => m.name);
  if (!names.includes(dash.selected)) dash.selected = (models.find((m) => m.versions.length > 0) ?? models[0])?.name ?? '';
  const current = [...select.options].map((o) => o.value);
  if (current.join('\u0000') !== names.join('\u0000')) {
    select.replaceChildren(...names.map((n) => el('option', { value: n }, n)));
  }
  select.value = dash.selected;
}
$('model').addEventListener('change', (ev) => selectModel(ev.target.value));

function selectModel(name) {
  if (name === dash.selected) return;
  dash.selected = name;
  dash.drift = null;
  dash.rollout = null;
  $('drift').replaceChildren(el('p', { class: 'muted' }, '…'));
  $('rollout').replaceChildren(el('p', { class: 'muted' }, '…'));
  sideDue = { drift: 0, rollout: 0 };
  render();
  schedule(0);
}

const stateKind = (s) => (s === 'ready' ? 'good' : s === 'loading' || s === 'retiring' ? 'warn' : 'bad');

function renderModels(models) {
  const rows = [];
  for (const m of models) {
    const selected = m.name === dash.selected ? 'selected' : '';
    if (m.versions.length === 0) {
      rows.push(
        el(
          'tr',
          { class: selected, 'data-model': m.name },
          el('td', null, m.name),
          el('td', null, '–'),
          el('td', { colSpan: 8 }, badge(m.state, stateKind(m.state)), m.reason ? ` ${m.reason}` : ''),
        ),
      );
      continue;
    }
    for (const v of m.versions) {
      rows.push(
        el(
          'tr',
          { class: selected, 'data-model': m.name, 'data-version': v.version },
          el('td', null, m.name),
          el('td', null, v.version),
          el('td', null, badge(v.state, stateKind(v.state))),
          el('td', { class: 'num' }, fmt(v.requests.rate)),
          el('td', { class: 'num' }, fmt(v.latency_ms?.p50)),
          el('td', { class: 'num' }, fmt(v.latency_ms?.p99)),
          el('td', { class: 'num' }, `${v.errors.total}${v.errors.ratio ? ` (${pct(v.errors.ratio)})` : ''}`),
          el('td', { class: 'num' }, fmt(v.batch.rows?.mean)),
          el('td', { class: 'num' }, String(v.queue.rows)),
          el('td', { class: 'num' }, String(v.inflight.requests)),
        ),
      );
    }
  }
  if (rows.length === 0) rows.push(el('tr', null, el('td', { colSpan: 10, class: 'muted' }, 'No models are served.')));
  $('models').tBodies[0].replaceChildren(...rows);
}
$('models').addEventListener('click', (ev) => {
  const tr = ev.target.closest('tr[data-model]');
  if (tr) selectModel(tr.dataset.model);
});

function renderErrors(model) {
  const box = $('errors');
  const rows = [];
  for (const v of model?.versions ?? [])
    for (const [code, c] of Object.entries(v.errors.by_code))
      rows.push(
        el(
          'tr',
          { 'data-code': code },
          el('td', null, el('code', null, code)),
          el('td', null, `v${v.version}`),
          el('td', { class: 'num' }, String(c.total)),
          el('td', { class: 'num' }, String(c.window)),
          el('td', { class: 'num' }, fmt(c.rate)),
        ),
      );
  if (rows.length === 0) {
    box.replaceChildren(el('p', { class: 'muted' }, model ? 'No errors since the versions loaded.' : 'No model selected.'));
    return;
  }
  const head = el('tr', null, ...['code', 'version', 'total', 'last interval', '/ s'].map((h) => el('th', null, h)));
  box.replaceChildren(el('table', null, el('thead', null, head), el('tbody', null, ...rows)));
}

// ---- drift and rollout panels ----------------------------------------------------------
function unavailable(r, what) {
  if (r.status === 404) return `No ${what} for this model.`;
  if (r.status === 401) return 'Needs the bearer token (401).';
  if (r.status === 0) return `The server is unreachable (${r.body?.error ?? 'network error'}).`;
  return `The ${what} endpoint answered ${r.status}${r.body?.error ? `: ${r.body.error}` : ''}.`;
}
const facts = (pairs) =>
  el('dl', { class: 'facts' }, ...pairs.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [el('dt', null, k), el('dd', null, v)]));

/** p-value statistics drift when the (adjusted) p-value falls below the threshold; distances when they reach it. */
const P_VALUE_STATISTICS = new Set(['ks', 'chisquare', 'z']);
const isPValue = (c) =>
  c.adjustedPValue !== undefined || c.values?.[c.statistic]?.pValue !== undefined || P_VALUE_STATISTICS.has(c.statistic);

function driftRow(c, output) {
  const test = isPValue(c);
  const score = c.adjustedPValue ?? c.score;
  // How far the column is towards its threshold (1 = at it), for the bar.
  const ratio =
    score === null || score === undefined || !c.threshold ? 0 : test ? c.threshold / Math.max(score, 1e-12) : score / c.threshold;
  const bar = el('span', { class: `bar ${c.drifted ? 'bad' : ''}` });
  bar.style.width = `${Math.min(100, Math.round(ratio * 50))}px`;
  return el(
    'tr',
    { 'data-feature': c.name, 'data-scope': output ? 'outputs' : 'inputs', 'data-drifted': String(Boolean(c.drifted)) },
    el('td', null, output ? `${c.name} (output)` : c.name),
    el('td', null, c.statistic),
    el('td', { class: 'num' }, fmt(score)),
    el('td', { class: 'num' }, `${test ? '<' : '≥'} ${fmt(c.threshold)}`),
    el('td', null, bar),
    el('td', null, c.drifted ? badge('drift', 'bad') : badge('ok', 'good')),
  );
}

/** Says in `box` that there is nothing to show. */
const showNone = (box, text) => box.replaceChildren(el('p', { class: 'muted', 'data-state': 'none' }, text));

/** The body of a side panel's last answer, or undefined (after saying why in its box) when there is none to render. */
function sideBody(kind, what) {
  const r = dash[kind];
  if (!r) return undefined;
  if (r.status === 200 && r.body) return r.body;
  showNone($(kind), unavailable(r, what));
  return undefined;
}

function renderDrift() {
  const d = sideBody('drift', 'monitoring (drift report)');
  if (!d) return;
  const box = $('drift');
  if (d.status === 'not-monitored') return showNone(box, d.message ?? 'No monitoring for this model.');
  const statusKind = d.status === 'drift' ? 'bad' : d.status === 'ok' ? 'good' : 'warn';
  const summary = facts([
    ['status', el('span', { 'data-field': 'status' }, badge(d.status, statusKind))],
    ['version', d.model_version ?? d.version],
    [
      'drifted features',
      `${pct(d.share)} (drift when ≥ ${pct(d.aggregation?.driftShare)}, ${d.aggregation?.correction ?? 'no'} correction)`,
    ],
    ['window', `${d.window?.rows ?? 0} rows (judged from ${d.window?.minSamples ?? '?'})`],
    ['outputs', d.outputs ? badge(d.outputs.drifted ? 'drifted' : 'stable', d.outputs.drifted ? 'bad' : 'good') : undefined],
    [
      'violations',
      d.violations?.length ? d.violations.map((v) => `${v.feature} ${v.rule} (${v.action}): ${v.count}`).join(' · ') : undefined,
    ],
  ]);
  const head = el('tr', null, ...['column', 'statistic', 'score', 'threshold', '', 'drifted'].map((h) => el('th', null, h)));
  const rows = [...(d.features ?? []).map((c) => driftRow(c, false)), ...(d.outputs?.columns ?? []).map((c) => driftRow(c, true))];
  box.replaceChildren(summary, el('table', null, el('thead', null, head), el('tbody', null, ...rows)));
}

const stickyText = (s) => (!s ? '' : typeof s === 'string' ? s : s.header ? `header ${s.header}` : s.feature ? `feature ${s.feature}` : '');

function renderRollout() {
  const s = sideBody('rollout', 'rollout');
  if (!s) return;
  const box = $('rollout');
  if ((!s.mode || s.mode === 'none') && !s.decisions?.length) return showNone(box, `No rollout: version ${s.serving ?? '–'} serves.`);
  const sticky = stickyText(s.sticky);
  const split =
    s.mode === 'canary' || s.mode === 'ab'
      ? `${s.percent ?? 0} % to the candidate${sticky ? `, sticky by ${sticky}` : ''}`
      : s.mode === 'shadow'
        ? 'every answer from serving; copies to the candidate'
        : undefined;
  const parts = [
    facts([
      ['mode', el('span', { 'data-field': 'mode' }, badge(s.mode ?? 'none'))],
      ['serving', el('span', { 'data-field': 'serving' }, s.serving ?? '–')],
      [
        'candidate',
        el('span', { 'data-field': 'candidate' }, s.candidate ?? '–', s.candidate && s.candidate_ready === false ? ' (not ready)' : ''),
      ],
      ['split', split],
      ['phase', el('span', { 'data-field': 'phase' }, s.phase ?? '–')],
      ['step', s.step ? `${s.step.index} of ${s.step.of}` : undefined],
      ['since', s.since],
    ]),
  ];
  const arms = Object.entries(s.arms ?? {}).filter(([, a]) => a);
  if (arms.length) {
    const head = el(
      'tr',
      null,
      ...['arm', 'version', 'requests', 'errors', 'error rate', 'p50 ms', 'p99 ms'].map((h) => el('th', null, h)),
    );
    const rows = arms.map(([arm, a]) =>
      el(
        'tr',
        { 'data-arm': arm },
        el('td', null, a.label ?? arm),
        el('td', null, a.version ?? '–'),
        el('td', { class: 'num' }, String(a.requests ?? 0)),
        el('td', { class: 'num' }, String(a.errors ?? 0)),
        el('td', { class: 'num' }, pct(a.error_rate)),
        el('td', { class: 'num' }, fmt(a.p50_ms)),
        el('td', { class: 'num' }, fmt(a.p99_ms)),
      ),
    );
    parts.push(el('table', null, el('thead', null, head), el('tbody', null, ...rows)));
  }
  if (s.shadow) {
    const sh = s.shadow;
    parts.push(
      el('h3', null, 'Shadow'),
      facts([
        ['sample rate', pct(sh.sample_rate)],
        ['compared', String(sh.compared ?? 0)],
        ['agreement', el('span', { 'data-field': 'agreement' }, pct(sh.agreement))],
        ['mean distance', fmt(sh.mean_distance)],
        ['p99 ms', fmt(sh.p99_ms)],
        ['dropped · failed', `${sh.dropped ?? 0} · ${sh.failed ?? 0}`],
      ]),
    );
  }
  const decisions = [...(s.decisions ?? [])].reverse();
  parts.push(el('h3', null, `Decisions (${decisions.length})`));
  if (decisions.length === 0) parts.push(el('p', { class: 'muted' }, 'None yet.'));
  else
    parts.push(
      el(
        'ol',
        { class: 'decisions', reversed: true },
        ...decisions
          .slice(0, 50)
          .map((d) =>
            el(
              'li',
              { 'data-action': d.action, 'data-reason': d.reason },
              el('strong', null, d.action),
              ` ${d.reason ?? ''} · ${d.at ?? ''}`,
              d.detail ? el('div', null, d.detail) : null,
              d.evidence && Object.keys(d.evidence).length ? el('div', { class: 'muted' }, evidenceText(d.evidence)) : null,
            ),
          ),
      ),
    );
  box.replaceChildren(...parts);
}
/** The numbers a decision was made on, one level of nesting flattened (`candidate.error_rate=0`), at most 12. */
function evidenceText(e) {
  if (typeof e !== 'object' || e === null) return String(e);
  const out = [];
  const add = (key, v) => {
    if (typeof v === 'number') out.push(`${key}=${fmt(v)}`);
    else if (typeof v === 'string' || typeof v === 'boolean') out.push(`${key}=${v}`);
  };
  for (const [k, v] of Object.entries(e)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k2, v2] of Object.entries(v)) add(`${k}.${k2}`, v2);
    else add(k, v);
  }
  return out.length > 12 ? `${out.slice(0, 12).join(' · ')} · …` : out.join(' · ');
}

// ---- the poll loop ---------------------------------------------------------------------
let timer;
let sideDue = { drift: 0, rollout: 0 };
function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(tick, ms);
}

function render() {
  const s = dash.state;
  if (!s) return;
  renderModelPicker(s.models);
  renderModels(s.models);
  renderErrors(s.models.find((m) => m.name === dash.selected));
  drawCharts();
  renderDrift();
  renderRollout();
}

async function pollSide(kind, path) {
  const model = dash.selected;
  if (!model || Date.now() < sideDue[kind]) return;
  const r = await getJson(`../v2/models/${encodeURIComponent(model)}/${path}`);
  if (model !== dash.selected) return;
  dash[kind] = r;
  sideDue[kind] = Date.now() + (r.status === 200 ? SIDE_POLL_MS : SIDE_RETRY_MS);
}

async function tick() {
  if (paused) return;
  if (document.hidden) return schedule(POLL_MS);
  const r = await getJson('api/state');
  if (r.status === 401) return showAuth(authMessage(r));
  if (r.status !== 200 || !r.body) {
    setStatus(r.status === 0 ? 'server unreachable, retrying' : `state answered ${r.status}, retrying`, true);
    return schedule(POLL_MS * 2);
  }
  const s = r.body;
  dash.state = s;
  dash.polls++;
  const t = Date.parse(s.time) / 1000;
  for (const m of s.models) record(m, t);
  for (const name of dash.history.keys()) if (!s.models.some((m) => m.name === name)) dash.history.delete(name);
  $('server').textContent = `v${s.server.version} · ${s.server.ready ? 'ready' : 'not ready'} · up ${Math.round(s.server.uptime_s)} s`;
  setStatus(`updated ${new Date(t * 1000).toLocaleTimeString()} · ${s.models.length} model${s.models.length === 1 ? '' : 's'}`);
  if (!dash.selected || s.models.some((m) => m.name === dash.selected)) {
    renderModelPicker(s.models);
    await Promise.all([pollSide('drift', 'drift'), pollSide('rollout', 'rollout')]);
  }
  render();
  schedule(POLL_MS);
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && !paused) schedule(0);
});
schedule(0);
