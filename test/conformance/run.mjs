#!/usr/bin/env node
// Conformance runner over ONNX's backend test data (Debian/Ubuntu package
// libonnx-testdata: ONNX 1.12 cases under /usr/share/libonnx-testdata/data).
//
//   node test/conformance/run.mjs [--binding ortex|onnxruntime-node|both] [--filter REGEX]
//                                 [--json OUT.json] [--write-results] [--timeout SEC]
//                                 [--data DIR] [--verbose]
//
// Every case (<group>/<case>/model.onnx + test_data_set_N/{input,output}_K.pb) is run
// with each binding: create a session (1 intra-op thread, default optimizations), feed
// input_K to the model's K-th (non-initializer) graph input, run, and compare output_K
// with the model's K-th graph output (ONNX's runner: match by output order, rtol=1e-3,
// atol=1e-7 unless the case has a data.json; NaN==NaN, +-Inf exact, ints/bools/strings
// exact; sequences, maps and optionals structurally).
//
// Each binding runs in its own child process that executes the cases one after
// another and streams one JSON line per case back (fd 3). A child that dies
// (segfault, abort, uncaught error) yields `crash` for the case it was running and is
// restarted after it; a case over --timeout seconds (default 60) is killed: `timeout`.
//
// Failure classes: load (session create threw), bind (the binding could not represent
// an input/output), run (run threw), mismatch (wrong values), crash, timeout (and
// harness, if this runner could not decode the test data: a runner bug).
//
// Exit status: 0 when ortex passes every case onnxruntime-node passes (both ran), or
// when only one binding was requested and it ran; 1 when ortex fails a case that
// onnxruntime-node passes, when ortex was requested (default: both) but is not built
// or cannot be loaded, or when the test data is missing; 2 on a usage error.

import { execSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_DATA = '/usr/share/libonnx-testdata/data';
const GROUPS = ['node', 'pytorch-converted', 'pytorch-operator', 'real', 'simple'];
const DEFAULT_TOL = { rtol: 1e-3, atol: 1e-7 };
const CLASSES = ['load', 'bind', 'run', 'mismatch', 'crash', 'timeout', 'harness'];
const BINDING_ORDER = ['onnxruntime-node', 'ortex'];

// ------------------------------------------------------------------ arguments

function usage(msg) {
  if (msg) console.error(`run.mjs: ${msg}`);
  console.error(
    'usage: node test/conformance/run.mjs [--binding ortex|onnxruntime-node|both] [--filter REGEX] [--json OUT.json] [--write-results] [--timeout SEC] [--data DIR] [--verbose]',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    binding: 'both',
    filter: null,
    json: null,
    writeResults: false,
    timeout: 60,
    data: process.env.ONNX_TESTDATA || DEFAULT_DATA,
    verbose: false,
    child: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) usage(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--binding':
        o.binding = val();
        break;
      case '--filter':
        o.filter = val();
        break;
      case '--json':
        o.json = val();
        break;
      case '--write-results':
        o.writeResults = true;
        break;
      case '--timeout':
        o.timeout = Number(val());
        break;
      case '--data':
        o.data = val();
        break;
      case '--verbose':
        o.verbose = true;
        break;
      case '--child':
        o.child = val();
        break;
      case '-h':
      case '--help':
        usage(); // exits
        break;
      default:
        usage(`unknown argument ${a}`);
    }
  }
  if (!o.child && !['both', ...BINDING_ORDER].includes(o.binding))
    usage(`--binding must be ortex, onnxruntime-node or both (got ${o.binding})`);
  if (!(o.timeout > 0)) usage('--timeout must be a positive number of seconds');
  if (o.filter !== null) {
    try {
      new RegExp(o.filter);
    } catch (e) {
      usage(`bad --filter: ${e.message}`);
    }
  }
  return o;
}

// ------------------------------------------------------------------ case discovery

function discoverCases(root, filter) {
  const re = filter ? new RegExp(filter) : null;
  const cases = [];
  let skippedNoModel = 0;
  for (const group of GROUPS) {
    const gdir = path.join(root, group);
    if (!fs.existsSync(gdir)) continue;
    for (const name of fs.readdirSync(gdir).sort()) {
      const dir = path.join(gdir, name);
      if (!fs.statSync(dir).isDirectory()) continue;
      const id = `${group}/${name}`;
      if (re && !re.test(id)) continue;
      if (!fs.existsSync(path.join(dir, 'model.onnx'))) {
        skippedNoModel++;
        continue;
      } // real/*: model is downloaded on demand
      cases.push({ id, dir });
    }
  }
  return { cases, skippedNoModel };
}

// ------------------------------------------------------------------ child: run cases

// Drop what repeats in ONNX Runtime's messages (status prefix, model path, source
// location and C++ signature of ORT_ENFORCE) so the cause fits on a line.
function shorten(msg, n = 240) {
  let s = String(msg ?? '')
    .replace(/\[ONNXRuntimeError\] : \d+ : [A-Z_]+ : /g, '')
    .replace(/Load model from \S+ failed:/g, 'Load model failed: ')
    .replace(/\/onnxruntime_src\/\S+:\d+ (onnxruntime::.*?\)(::<lambda\(\)>)?( \[with [^\]]*\])?( const)? )?/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (s.length > n) s = `${s.slice(0, n - 1)}…`;
  return s;
}

async function childMain(opts) {
  const { loadModelInfo, loadPb, typeToString } = await import('./load-pb.mjs');
  const { compareValue } = await import('./compare.mjs');
  const { BINDINGS } = await import('./bindings.mjs');
  const send = (obj) => fs.writeSync(3, `${JSON.stringify(obj)}\n`);

  let current = null;
  const dieWith = (kind, err) => {
    if (current)
      send({
        t: 'result',
        i: current.i,
        id: current.id,
        status: 'fail',
        class: 'crash',
        error: shorten(`${kind}: ${err?.stack ?? err}`, 400),
        ms: Date.now() - current.t0,
      });
    process.exit(70);
  };
  process.on('uncaughtException', (e) => dieWith('uncaught exception', e));
  process.on('unhandledRejection', (e) => dieWith('unhandled rejection', e));

  let adapter;
  try {
    adapter = await BINDINGS[opts.child].load();
  } catch (e) {
    send({ t: 'fatal', error: `cannot load ${opts.child}: ${shorten(e?.message ?? e, 400)}` });
    process.exit(3);
  }
  send({ t: 'ready', version: adapter.version });

  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));

  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    current = { i, id: c.id, t0: Date.now() };
    send({ t: 'start', i, id: c.id });
    let r;
    try {
      r = await runCase(c, adapter, { loadModelInfo, loadPb, typeToString, compareValue });
    } catch (e) {
      r = { status: 'fail', class: 'harness', error: shorten(e?.stack ?? e, 400) };
    }
    send({ t: 'result', i, id: c.id, ...r, ms: Date.now() - current.t0 });
    current = null;
  }
  process.exit(0);
}

async function runCase(c, A, { loadModelInfo, loadPb, typeToString, compareValue }) {
  // 1. Decode the model interface and all test data (binding-independent).
  let info;
  let sets;
  let tol = DEFAULT_TOL;
  const notes = new Set();
  try {
    info = loadModelInfo(path.join(c.dir, 'model.onnx'));
    const dj = path.join(c.dir, 'data.json');
    if (fs.existsSync(dj)) {
      const j = JSON.parse(fs.readFileSync(dj, 'utf8'));
      tol = { rtol: j.rtol ?? DEFAULT_TOL.rtol, atol: j.atol ?? DEFAULT_TOL.atol };
    }
    const dsNames = fs
      .readdirSync(c.dir)
      .filter((d) => /^test_data_set_\d+$/.test(d))
      .sort((a, b) => Number(a.slice(14)) - Number(b.slice(14)));
    sets = dsNames.map((ds) => {
      const files = fs.readdirSync(path.join(c.dir, ds));
      const count = (p) => files.filter((f) => new RegExp(`^${p}_\\d+\\.pb$`).test(f)).length;
      const read = (p, list) =>
        Array.from({ length: count(p) }, (_, k) => {
          const decl = list[k];
          if (!decl) throw new Error(`${ds}/${p}_${k}.pb has no matching graph ${p} (model has ${list.length})`);
          const r = loadPb(path.join(c.dir, ds, `${p}_${k}.pb`), decl.type);
          for (const n of r.notes) notes.add(n);
          if (r.guessed) notes.add(`${p} '${decl.name}' has no declared type; decoded as ${r.kind}`);
          return { name: decl.name, type: decl.type, value: r.value };
        });
      return { ds, inputs: read('input', info.inputs), outputs: read('output', info.outputs) };
    });
  } catch (e) {
    return { status: 'fail', class: 'harness', error: `test data: ${shorten(e?.message ?? e)}` };
  }
  const types = {
    inputs: info.inputs.map((v) => typeToString(v.type)),
    outputs: info.outputs.map((v) => typeToString(v.type)),
  };
  const fail = (cls, phase, err, extra = '') => ({
    status: 'fail',
    class: cls,
    phase,
    error: shorten(`${extra}${err?.message ?? err}`, 600),
    types,
    notes: [...notes],
  });

  // 2. Session.
  let session;
  try {
    session = await A.createSession(path.join(c.dir, 'model.onnx'));
  } catch (e) {
    return fail(A.classify('create', e), 'create', e);
  }
  try {
    for (const set of sets) {
      const where = sets.length > 1 ? `${set.ds}: ` : '';
      const feeds = {};
      for (const inp of set.inputs) {
        try {
          feeds[inp.name] = A.toValue(inp.value);
        } catch (e) {
          return fail(A.classify('feed', e), 'feed', e, `${where}input '${inp.name}' ${typeToString(inp.type)}: `);
        }
      }
      let out;
      try {
        out = await A.run(session, feeds);
      } catch (e) {
        return fail(A.classify('run', e), 'run', e, where);
      }
      try {
        for (const exp of set.outputs) {
          if (!out || !(exp.name in out)) return fail('mismatch', 'compare', `output '${exp.name}' missing from run() result`, where);
          let actual;
          try {
            actual = A.fromValue(out[exp.name]);
          } catch (e) {
            return fail(A.classify('fetch', e), 'fetch', e, `${where}output '${exp.name}' ${typeToString(exp.type)}: `);
          }
          const d = compareValue(exp.value, actual, `output '${exp.name}'`, tol);
          if (d) return fail('mismatch', 'compare', d, where);
        }
      } finally {
        try {
          A.disposeOutputs(out);
        } catch {
          /* ignore */
        }
      }
    }
  } finally {
    try {
      await A.release(session);
    } catch {
      /* ignore */
    }
  }
  return { status: 'pass', notes: notes.size ? [...notes] : undefined };
}

// ------------------------------------------------------------------ parent: supervise children

const fmtS = (ms) => `${(ms / 1000).toFixed(1)}s`;

async function runBinding(name, cases, opts) {
  const results = new Array(cases.length).fill(null);
  const t0 = Date.now();
  let version = null;
  let restarts = 0;
  let done = 0;
  let passed = 0;
  const progress = (force) => {
    if (force || done % 50 === 0)
      console.error(`[${name}] ${done}/${cases.length} cases, ${passed} passed, ${done - passed} failed (${fmtS(Date.now() - t0)})`);
  };
  const record = (i, r) => {
    if (results[i]) return;
    results[i] = r;
    done++;
    if (r.status === 'pass') passed++;
    progress(false);
  };

  let next = 0;
  while (next < cases.length) {
    const base = next;
    const batch = cases.slice(base);
    const outcome = await new Promise((resolve) => {
      const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', name, '--timeout', String(opts.timeout)], {
        stdio: ['pipe', opts.verbose ? 'inherit' : 'ignore', 'pipe', 'pipe'],
        env: { ...process.env },
      });
      let stderrTail = '';
      child.stderr.on('data', (d) => {
        if (opts.verbose) process.stderr.write(d);
        stderrTail = (stderrTail + d.toString()).slice(-2000);
      });
      let cur = -1; // absolute index of the running case
      let curStart = 0;
      let timer = null;
      let timedOut = false;
      let fatal = null;
      let buf = '';
      const onLine = (line) => {
        if (!line.trim()) return;
        let m;
        try {
          m = JSON.parse(line);
        } catch {
          return;
        }
        if (m.t === 'ready') version = m.version;
        else if (m.t === 'fatal') fatal = m.error;
        else if (m.t === 'start') {
          cur = base + m.i;
          curStart = Date.now();
          clearTimeout(timer);
          timer = setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeout * 1000);
        } else if (m.t === 'result') {
          clearTimeout(timer);
          const { t, i, ...r } = m;
          record(base + i, r);
          cur = -1;
        }
      };
      child.stdio[3].on('data', (d) => {
        buf += d.toString();
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          onLine(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
      child.stdin.on('error', () => {});
      child.stdin.end(JSON.stringify(batch));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (buf) onLine(buf);
        if (fatal) return resolve({ fatal });
        if (cur >= 0 && !results[cur]) {
          const ms = Date.now() - curStart;
          if (timedOut)
            record(cur, { id: cases[cur].id, status: 'fail', class: 'timeout', error: `no result after ${opts.timeout}s (killed)`, ms });
          else {
            const tail = shorten(stderrTail.split('\n').filter(Boolean).slice(-3).join(' | '), 300);
            record(cur, {
              id: cases[cur].id,
              status: 'fail',
              class: 'crash',
              error: `child died (${signal ? `signal ${signal}` : `exit code ${code}`})${tail ? `: ${tail}` : ''}`,
              ms,
            });
          }
        }
        // resume after the last case that has a result
        let k = base;
        while (k < cases.length && results[k]) k++;
        if (k < cases.length && k === base && cur < 0) {
          // died before starting anything: do not loop forever
          return resolve({ fatal: `child exited (${signal ?? code}) before running a case: ${shorten(stderrTail, 300)}` });
        }
        resolve({ next: k });
      });
    });
    if (outcome.fatal) return { name, available: false, reason: outcome.fatal };
    if (outcome.next < cases.length) restarts++;
    next = outcome.next;
  }
  if (done % 50 !== 0) progress(true);
  return { name, available: true, version, results, ms: Date.now() - t0, restarts };
}

// ------------------------------------------------------------------ failure causes

// Why a case fails with ONNX Runtime itself (not a binding): derived from the error text
// and the case name; used to group the remaining failures.
function causeOf(id, r) {
  const e = r.error ?? '';
  const [group, name] = id.split('/');
  if (r.class === 'bind') return 'binding cannot represent a value';
  if (r.class === 'crash') return 'child process died (crash)';
  if (r.class === 'timeout') return 'timeout';
  if (r.class === 'harness') return 'test-data decoding failed (runner bug)';
  if (/ai\.onnx\.preview\.training/.test(e)) return 'training operators (ai.onnx.preview.training) are not in the inference runtime';
  if (/Failed to construct locale/.test(e)) return 'StringNormalizer: locale en_US.UTF-8 not installed (locale-gen en_US.UTF-8)';
  if (/Batchwise recurrent operations \(layout == 1\) are not supported/.test(e))
    return 'RNN/GRU/LSTM with layout=1 (batchwise) not supported by the CPU kernels';
  const noKernel = /Could not find an implementation for (\w+)\((\d+)\)/.exec(e);
  if (noKernel) {
    const [, op, version] = noKernel;
    const v = Number(version);
    if (group.startsWith('pytorch') || v < 7)
      return `old opset: no CPU kernel for ${op}-${v} (ORT's kernels for ${op} start at a later version)`;
    return `no CPU kernel for ${op}-${v} with this element type`;
  }
  if (r.class === 'mismatch') {
    if (/^test_(bernoulli|training_dropout)/.test(name)) return "random operator: output depends on the RNG (ONNX reference used numpy's)";
    if (/^test_(cast|castlike)_FLOAT_to_STRING/.test(name))
      return 'float->string formatting: ORT prints more digits than numpy (e.g. "0.60484552" vs "0.6048455")';
    if (/^test_(dft|stft)/.test(name)) return 'DFT/STFT round-off: ~1e-4 errors where the expected value is 0 (atol=1e-7)';
    if (/^test_resize_downsample_.*align_corners/.test(name))
      return 'Resize downsample with align_corners: ORT differs from the ONNX 1.12 reference';
    if (/^test_maxunpool_export_with_output_shape/.test(name))
      return 'MaxUnpool with output_shape: ORT places values differently than the ONNX 1.12 reference';
    return 'wrong values';
  }
  if (r.class === 'load') return `model load: ${e.replace(/'[^']*'/g, "'…'").slice(0, 100)}`;
  if (r.class === 'run')
    return `runtime error: ${e
      .replace(/'[^']*'/g, "'…'")
      .replace(/\d+/g, 'N')
      .slice(0, 100)}`;
  return r.class;
}

// ------------------------------------------------------------------ report

function summarize(runs, cases) {
  const byName = Object.fromEntries(runs.map((r) => [r.name, r]));
  const counts = (run) => {
    const c = { passed: 0, failed: 0 };
    for (const k of CLASSES) c[k] = 0;
    run.results.forEach((r) => {
      if (r.status === 'pass') c.passed++;
      else {
        c.failed++;
        c[r.class] = (c[r.class] ?? 0) + 1;
      }
    });
    return c;
  };
  const shownClasses = CLASSES.filter(
    (k) => k !== 'harness' || runs.some((r) => r.available && r.results.some((x) => x.class === 'harness')),
  );
  const table = [['binding', 'passed', 'failed', ...shownClasses, 'time', 'restarts']];
  for (const run of runs) {
    if (!run.available) {
      table.push([run.name, '-', '-', ...shownClasses.map(() => '-'), '-', '-']);
      continue;
    }
    const c = counts(run);
    table.push([run.name, c.passed, c.failed, ...shownClasses.map((k) => c[k]), fmtS(run.ms), run.restarts]);
  }
  const widths = table[0].map((_, j) => Math.max(...table.map((row) => String(row[j]).length)));
  const tableText = table.map((row) =>
    row
      .map((v, j) => (j === 0 ? String(v).padEnd(widths[j]) : String(v).padStart(widths[j])))
      .join('  ')
      .trimEnd(),
  );

  const base = byName['onnxruntime-node']?.available ? byName['onnxruntime-node'] : null;
  const ox = byName.ortex?.available ? byName.ortex : null;
  const regressions = [];
  if (base && ox)
    cases.forEach((c, i) => {
      if (base.results[i].status === 'pass' && ox.results[i].status !== 'pass') regressions.push({ id: c.id, r: ox.results[i] });
    });
  const bindOnly = base
    ? cases
        .map((c, i) => ({ id: c.id, r: base.results[i], o: ox?.results[i] }))
        .filter((x) => x.r.status !== 'pass' && x.r.class === 'bind')
    : [];

  // Remaining failures: everything that is not a regression and not a baseline bind failure.
  const skip = new Set([...regressions.map((x) => x.id), ...bindOnly.map((x) => x.id)]);
  const groups = new Map();
  cases.forEach((c, i) => {
    if (skip.has(c.id)) return;
    for (const run of [base, ox]) {
      if (!run) continue;
      const r = run.results[i];
      if (r.status === 'pass') continue;
      const cause = causeOf(c.id, r);
      if (!groups.has(cause)) groups.set(cause, new Map());
      const g = groups.get(cause);
      if (!g.has(c.id)) g.set(c.id, { id: c.id, byBinding: {} });
      g.get(c.id).byBinding[run.name] = r;
    }
  });
  const sortedGroups = [...groups]
    .map(([cause, m]) => ({ cause, items: [...m.values()] }))
    .sort((a, b) => b.items.length - a.items.length || a.cause.localeCompare(b.cause));
  return {
    tableText,
    counts: Object.fromEntries(runs.filter((r) => r.available).map((r) => [r.name, counts(r)])),
    regressions,
    bindOnly,
    groups: sortedGroups,
    base,
    ox,
  };
}

function itemText(it) {
  const rs = Object.entries(it.byBinding);
  const first = rs[0][1];
  const same = rs.every(([, r]) => r.class === first.class && r.error === first.error);
  if (same) return `${it.id} [${first.class}${rs.length > 1 ? ', both' : `, ${rs[0][0]}`}]: ${shorten(first.error, 160)}`;
  return `${it.id}: ${rs.map(([b, r]) => `${b} ${r.class}: ${shorten(r.error, 120)}`).join(' / ')}`;
}

function printReport(S, runs) {
  const out = [];
  out.push('', 'Summary', ...S.tableText.map((l) => `  ${l}`));
  for (const r of runs) if (!r.available) out.push(`  ${r.name} skipped: ${r.reason}`);
  if (S.base && S.ox) {
    out.push('', `Cases ortex fails that onnxruntime-node passes: ${S.regressions.length}${S.regressions.length ? '' : ' (none)'}`);
    for (const x of S.regressions) out.push(`  ${x.id} [${x.r.class}]: ${shorten(x.r.error, 200)}`);
  } else if (runs.some((r) => !r.available)) {
    out.push(
      '',
      `Regression check (ortex vs onnxruntime-node) not done: ${runs
        .filter((r) => !r.available)
        .map((r) => r.reason)
        .join('; ')}`,
    );
  } else {
    out.push('', 'Regression check (ortex vs onnxruntime-node) not done: only one binding was run (use --binding both)');
  }
  if (S.base) {
    out.push('', `Cases onnxruntime-node fails only because of its binding (bind): ${S.bindOnly.length}`);
    for (const x of S.bindOnly)
      out.push(`  ${x.id}: ${shorten(x.r.error, 140)}${x.o ? `  -> ortex: ${x.o.status === 'pass' ? 'pass' : `${x.o.class}`}` : ''}`);
  }
  const nRemaining = S.groups.reduce((a, g) => a + g.items.length, 0);
  out.push('', `Remaining failures (ONNX Runtime's own), ${nRemaining} cases in ${S.groups.length} groups:${nRemaining ? '' : ' (none)'}`);
  for (const g of S.groups) {
    out.push(`  ${g.cause} (${g.items.length})`);
    for (const it of g.items) out.push(`    ${itemText(it)}`);
  }
  console.log(out.join('\n'));
}

function resultsMarkdown(S, runs, meta) {
  const L = [];
  L.push('# Conformance results: ONNX backend test data', '');
  L.push(`Generated by \`node test/conformance/run.mjs${meta.argsText}\` on ${meta.date} (${meta.host}).`);
  L.push(
    `Data: \`${meta.data}\` (libonnx-testdata ${meta.dataVersion}), ${meta.nCases} runnable cases${meta.filter ? ` matching \`${meta.filter}\`` : ''}; ${meta.skippedNoModel} cases without a model.onnx (real/*, downloaded on demand by ONNX) are not counted.`,
  );
  L.push(
    `Comparison: rtol=${DEFAULT_TOL.rtol}, atol=${DEFAULT_TOL.atol} (data.json overrides), NaN==NaN, ±Inf exact, ints/bools/strings exact; outputs matched by model output order. Sessions: 1 intra-op thread, default graph optimizations.`,
  );
  L.push(`Locale en_US.UTF-8 available: ${meta.locale ? 'yes' : 'no'}.`, '');
  L.push(`| binding | version | passed | failed | ${CLASSES.join(' | ')} | time |`);
  L.push(`|---|---|---:|---:|${CLASSES.map(() => '---:').join('|')}|---:|`);
  for (const run of runs) {
    if (!run.available) {
      L.push(`| ${run.name} | — | — | — | ${CLASSES.map(() => '—').join(' | ')} | ${run.reason} |`);
      continue;
    }
    const c = S.counts[run.name];
    L.push(
      `| ${run.name} | ${run.version ?? ''} | ${c.passed} | ${c.failed} | ${CLASSES.map((k) => c[k]).join(' | ')} | ${fmtS(run.ms)} |`,
    );
  }
  L.push('');
  if (S.base && S.ox) {
    L.push(`## ortex failures where onnxruntime-node passes (${S.regressions.length})`, '');
    if (!S.regressions.length) L.push('None.');
    for (const x of S.regressions) L.push(`- \`${x.id}\` [${x.r.class}]: ${shorten(x.r.error, 200)}`);
    L.push('');
  }
  if (S.base) {
    L.push(`## onnxruntime-node failures caused by its binding (${S.bindOnly.length})`, '');
    L.push(
      'onnxruntime-node cannot represent bfloat16 tensors (session metadata throws "Unsupported data type: 16"), sequences, or optionals (its `OnnxValue` is `Tensor` only): these are not ONNX Runtime failures.',
      '',
    );
    for (const x of S.bindOnly)
      L.push(`- \`${x.id}\`: ${shorten(x.r.error, 140)}${x.o ? ` — ortex: ${x.o.status === 'pass' ? 'pass' : x.o.class}` : ''}`);
    L.push('');
  }
  const nRemaining = S.groups.reduce((a, g) => a + g.items.length, 0);
  L.push(`## Remaining failures, grouped by cause (${nRemaining})`, '');
  for (const g of S.groups) {
    L.push(`### ${g.cause} (${g.items.length})`, '');
    for (const it of g.items) L.push(`- ${itemText(it).replace(/^(\S+)/, '`$1`')}`);
    L.push('');
  }
  return L.join('\n');
}

const sh = (cmd) => execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** true/false, or null when `locale -a` is unavailable */
function hasLocale(name) {
  const norm = (x) =>
    x
      .trim()
      .toLowerCase()
      .replace(/utf-?8/, 'utf8');
  try {
    return sh('locale -a')
      .split('\n')
      .some((l) => norm(l) === norm(name));
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.child) return childMain(opts);

  if (!fs.existsSync(opts.data)) {
    console.error(
      `ONNX backend test data not found at ${opts.data}.\nInstall it with: sudo apt-get install libonnx-testdata   (or point --data / $ONNX_TESTDATA at a copy)`,
    );
    console.log('conformance: 0 passed, 0 failed');
    process.exit(1);
  }
  const { cases, skippedNoModel } = discoverCases(opts.data, opts.filter);
  if (!cases.length) {
    console.error(`no cases under ${opts.data}${opts.filter ? ` match /${opts.filter}/` : ''}`);
    process.exit(2);
  }
  const { BINDINGS } = await import('./bindings.mjs');
  const wanted = opts.binding === 'both' ? BINDING_ORDER : [opts.binding];
  const locale = hasLocale('en_US.UTF-8');
  console.log(
    `conformance: ${cases.length} cases from ${opts.data}${opts.filter ? ` matching /${opts.filter}/` : ''} (${skippedNoModel} without model.onnx skipped), bindings: ${wanted.join(', ')}, timeout ${opts.timeout}s/case`,
  );
  if (locale === false)
    console.log('note: locale en_US.UTF-8 is not installed; StringNormalizer cases may fail (CI generates it: locale-gen en_US.UTF-8)');

  const runs = [];
  for (const name of wanted) {
    const av = BINDINGS[name].available();
    if (!av.ok) {
      console.log(`${name}: skipped: ${av.reason}`);
      runs.push({ name, available: false, reason: av.reason });
      continue;
    }
    const run = await runBinding(name, cases, opts);
    if (!run.available) console.log(`${name}: skipped: ${run.reason}`);
    else console.log(`${name}: ${run.version}: done in ${fmtS(run.ms)}`);
    runs.push(run);
  }

  const ran = runs.filter((r) => r.available);
  const S = ran.length ? summarize(runs, cases) : null;
  if (S) printReport(S, runs);

  if (opts.json) {
    const doc = {
      data: opts.data,
      filter: opts.filter,
      date: new Date().toISOString(),
      tolerance: DEFAULT_TOL,
      cases: cases.map((c) => c.id),
      bindings: Object.fromEntries(
        runs.map((r) => [
          r.name,
          r.available
            ? {
                version: r.version,
                ms: r.ms,
                restarts: r.restarts,
                counts: S.counts[r.name],
                results: Object.fromEntries(cases.map((c, i) => [c.id, (({ id, ...x }) => x)(r.results[i])])),
              }
            : { skipped: r.reason },
        ]),
      ),
      regressions: S ? S.regressions.map((x) => x.id) : [],
      bindOnly: S ? S.bindOnly.map((x) => x.id) : [],
    };
    fs.writeFileSync(opts.json, `${JSON.stringify(doc, null, 1)}\n`);
    console.log(`wrote ${opts.json}`);
  }
  if (opts.writeResults && S) {
    let dataVersion = '?';
    try {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${Version} is dpkg-query's format syntax, not a JS placeholder
      dataVersion = sh("dpkg-query -W -f='${Version}' libonnx-testdata").trim();
    } catch {
      /* not dpkg */
    }
    const md = resultsMarkdown(S, runs, {
      argsText: process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : '',
      date: new Date().toISOString().slice(0, 10),
      host: `${os.platform()}-${os.arch()}, node ${process.version}`,
      data: opts.data,
      dataVersion,
      nCases: cases.length,
      filter: opts.filter,
      skippedNoModel,
      locale,
    });
    const file = path.join(HERE, 'RESULTS.md');
    fs.writeFileSync(file, `${md}\n`);
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }

  const ox = runs.find((r) => r.name === 'ortex');
  const subject = ox?.available ? ox : ran[0];
  const c = subject && S ? S.counts[subject.name] : { passed: 0, failed: 0 };
  let code = 0;
  if (ox && !ox.available) code = 1; // ortex requested but not built / not loadable
  if (S?.regressions.length) code = 1;
  if (!ran.length) code = 1;
  // With both bindings, a case ortex fails counts as failed only when onnxruntime-node passes it
  // (a regression); cases both fail are the runtime's own (listed above with their cause): skipped.
  const both = ox?.available && S && runs.some((r) => r.name === 'onnxruntime-node' && r.available);
  if (both) {
    const regressions = S.regressions.length;
    console.log(`conformance: ${c.passed} passed, ${regressions} failed, ${c.failed - regressions} skipped`);
  } else {
    console.log(`conformance: ${c.passed} passed, ${c.failed} failed`);
  }
  process.exitCode = code;
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(2);
});
