// The packages as a user gets them: the tarballs `npm run pack:all` makes (scripts/pack.mjs: the
// ortex tarball and this platform's @ortex/<platform> tarball) installed into an empty project the
// way users install, with install scripts ON, and offline: ortex's own dependencies (the server's
// Fastify, prom-client, ...) are first put into a cache of this test's from the npm registry, as any
// install would fetch them; the install under test then runs with --offline and every proxy pointed
// at a closed port, so anything it tried to fetch would fail the install; its log shows it fetched
// nothing. Only node and sh are on PATH (no compiler). Then the demo
// model runs through import, require and the CLI (npx), no installed package may have an install
// script, a strict TypeScript consumer compiles, and the installed size is reported.
// A stale addon is rebuilt first (scripts/gyp-build.mjs, node-gyp: 15-60 s).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, targetId } from '../scripts/gyp-build.mjs';
import { npmCli, npxCli } from '../scripts/npm-cli.mjs';
import { DEV_ONLY_KEYS, packAll, staleOutputs } from '../scripts/pack.mjs';
import { platformTemplates, runtimeFiles, templateProblems } from '../scripts/platform-package.mjs';

const { RUNTIME_LIBRARY_FILE } = await import(pathToFileURL(join(root, 'dist', 'native', 'platform-package.js')).href);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const PLATFORM = targetId();
const template = platformTemplates().find((t) => t.id === PLATFORM);
const work = mkdtempSync(join(tmpdir(), 'ortex-pack-'));
const app = join(work, 'app');
const bin = join(work, 'bin');
// Kept between runs (only the registry's copies of ortex's dependencies live in it).
const cache = join(root, 'node_modules', '.cache', 'ortex-package-test', 'npm-cache');
const CLOSED = 'http://127.0.0.1:9/';
const log = (m) => console.log(`# ${m}`);
const MB = (n) => `${(n / 1e6).toFixed(1)} MB`;

/** The registry this machine's npm uses (the packages of ortex's dependencies come from it). */
const REGISTRY = (() => {
  const r = spawnSync(process.execPath, [npmCli(), 'config', 'get', 'registry'], { encoding: 'utf8' });
  return (r.stdout ?? '').trim() || 'https://registry.npmjs.org/';
})();

/** A user's environment: no npm_* variables from `npm test`, PATH = node and sh, npm offline with no way out (every proxy is a closed port). */
function userEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_|^INIT_CWD$|^NODE_OPTIONS$|^ORTEX_/i.test(k)) env[k] = v;
  return {
    ...env,
    PATH: bin,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_offline: 'true',
    npm_config_cache: cache,
    npm_config_registry: REGISTRY,
    npm_config_proxy: CLOSED,
    npm_config_https_proxy: CLOSED,
    npm_config_noproxy: '',
    npm_config_userconfig: join(work, 'npmrc'),
    ...extra,
  };
}

function run(cmd, args, { cwd = app, timeout = 120_000, env = userEnv() } = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  return {
    status: r.status,
    signal: r.signal,
    out: `${r.stdout ?? ''}${r.stderr ?? ''}`,
    stdout: r.stdout ?? '',
    seconds: (Date.now() - started) / 1000,
  };
}
const npm = (args, opts) => run(process.execPath, [npmCli(), ...args], opts);
const npx = (args, opts) => run(process.execPath, [npxCli(), ...args], opts);
const node = (args, opts) => run(process.execPath, args, opts);
const tail = (s, n = 40) => s.split('\n').slice(-n).join('\n');

/** Bytes in a folder tree (apparent sizes; links not followed). */
function treeSize(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? treeSize(p) : lstatSync(p).size;
  }
  return total;
}

// ---- setup: pack (the same code as npm run pack:all), then install offline with scripts on ----
if (!template) throw new Error(`no platform package template for ${PLATFORM} (npm/${PLATFORM}/package.json)`);
const packed = packAll({ out: join(work, 'tarballs'), build: false, platforms: [PLATFORM], log });
const main = packed.main;
const platform = packed.platforms.find((p) => p.id === PLATFORM);
for (const b of packed.built)
  if (b.build.built) log(`built ${relative(root, b.build.file)} first (${b.build.reason}) in ${b.build.seconds.toFixed(1)} s`);

mkdirSync(bin);
mkdirSync(app);
mkdirSync(cache, { recursive: true });
writeFileSync(join(work, 'npmrc'), '');
symlinkSync(process.execPath, join(bin, process.platform === 'win32' ? 'node.exe' : 'node'));
// npm runs scripts and bins through the shell (sh; cmd.exe via ComSpec on Windows).
if (process.platform !== 'win32') symlinkSync('/bin/sh', join(bin, 'sh'));
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'ortex-consumer', private: true, type: 'module' }, null, 2));
// A canary dependency installed alongside: its postinstall proves that this install ran dependency scripts.
const CANARY = 'install-scripts-canary';
mkdirSync(join(work, CANARY));
writeFileSync(
  join(work, CANARY, 'package.json'),
  JSON.stringify({
    name: CANARY,
    version: '1.0.0',
    scripts: { postinstall: "node -e \"require('fs').writeFileSync(process.env.INIT_CWD + '/scripts-ran', 'yes')\"" },
  }),
);
// ortex's dependencies from the registry into the cache, the way any install gets them (online, registry only).
const deps = Object.entries(pkg.dependencies ?? {}).map(([n, v]) => `${n}@${v}`);
mkdirSync(join(work, 'prime'));
writeFileSync(join(work, 'prime', 'package.json'), JSON.stringify({ name: 'prime', private: true }));
const primeEnv = userEnv({
  npm_config_offline: 'false',
  npm_config_prefer_offline: 'true',
  npm_config_proxy: '',
  npm_config_https_proxy: '',
});
const primed = npm(['install', ...deps, '--ignore-scripts', '--no-package-lock', '--no-save', '--loglevel=error'], {
  cwd: join(work, 'prime'),
  env: primeEnv,
  timeout: 300_000,
});
if (primed.status !== 0)
  throw new Error(`could not put ortex's dependencies (${deps.join(', ')}) into the cache from ${REGISTRY}:\n${tail(primed.out)}`);
const installed = npm(['install', main.file, platform.file, join(work, CANARY), '--loglevel=silly'], { timeout: 300_000 });
const installedDir = join(app, 'node_modules', 'ortex');
const platformDir = join(app, 'node_modules', ...template.manifest.name.split('/'));
log(
  `npm install ${basename(main.file)} ${basename(platform.file)}: exit ${installed.status} in ${installed.seconds.toFixed(1)} s (offline, scripts on)`,
);

// ---- tests ----
test('the platform package templates agree with package.json and with the loader', () => {
  assert.equal(templateProblems(), []);
  assert.equal(
    Object.keys(pkg.optionalDependencies).sort(),
    platformTemplates()
      .map((t) => t.manifest.name)
      .sort(),
  );
  for (const { id, manifest } of platformTemplates()) {
    assert.ok(
      manifest.files.includes(RUNTIME_LIBRARY_FILE[manifest.os[0]]),
      `npm/${id}: ships ${RUNTIME_LIBRARY_FILE[manifest.os[0]]}, the file the loader opens`,
    );
  }
  assert.not.ok(
    pkg.dependencies?.['onnxruntime-node'],
    'onnxruntime-node is not a dependency (it would bring every platform and a downloading postinstall)',
  );
  assert.is(pkg.devDependencies['onnxruntime-node'], '1.30.0');
});

test('the ortex tarball holds the JavaScript, types, CLI and demo model, and its package.json nothing that runs', () => {
  const allowed = [
    /^package\.json$/,
    /^README\.md$/,
    /^LICENSE$/,
    /^bin\/ortex\.js$/,
    /^models\/demo\.onnx$/,
    /^models\/iris\/1\/model\.onnx$/,
    /^models\/iris\/config\.yaml$/,
    /^dist\/(cjs\/)?([\w-]+\/)*[\w.-]+\.(js|d\.ts)$/,
    /^dist\/cjs\/package\.json$/,
    // The dashboard's page, script and styles, served as they are (GET /dashboard).
    /^lib\/server\/dashboard\/assets\/[\w-]+\.(html|css|js)$/,
  ];
  assert.equal(
    main.files.filter((f) => !allowed.some((re) => re.test(f))),
    [],
    'no binaries, tests, sources, build trees or source maps',
  );
  for (const need of [
    'package.json',
    'README.md',
    'LICENSE',
    'bin/ortex.js',
    'models/demo.onnx',
    'models/iris/1/model.onnx',
    'models/iris/config.yaml',
    'dist/index.js',
    'dist/index.d.ts',
    'dist/cli/main.js',
    'dist/cjs/index.js',
    'dist/cjs/index.d.ts',
    'dist/cjs/package.json',
  ]) {
    assert.ok(main.files.includes(need), `${need} is in the tarball`);
  }
  for (const ts of readdirSync(join(root, 'lib'), { recursive: true })
    .map((f) => f.split('\\').join('/'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    const js = ts.replace(/\.ts$/, '.js');
    for (const f of [`dist/${js}`, `dist/${ts.replace(/\.ts$/, '.d.ts')}`, `dist/cjs/${js}`])
      assert.ok(main.files.includes(f), `${f} is in the tarball`);
  }
  assert.equal([...staleOutputs(main.files)], [], 'every file in dist/ is built from a source in lib/ (none left over from a deleted one)');
  assert.equal(
    main.files.filter((f) => f.endsWith('.js') && /sourceMappingURL/.test(readFileSync(join(root, f), 'utf8'))),
    [],
    'no JS points at an unshipped source map',
  );
  const shipped = JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8'));
  for (const key of DEV_ONLY_KEYS) assert.is(shipped[key], undefined, `the published package.json has no "${key}"`);
  assert.equal(shipped.optionalDependencies, pkg.optionalDependencies);
  assert.equal(shipped.dependencies, pkg.dependencies, 'the runtime dependencies (those of ortex/server) as declared');
  log(`${basename(main.file)}: ${MB(main.size)} packed, ${MB(main.unpackedSize)} unpacked, ${main.entryCount} files`);
});

test("the platform tarball: the addon beside ONNX Runtime, with ORT's license and notices", () => {
  assert.equal(platform.files, [...template.manifest.files, 'LICENSE', 'README.md', 'package.json'].sort());
  const notices = readFileSync(join(platformDir, 'ThirdPartyNotices.txt'), 'utf8');
  assert.match(notices, /THIRD PARTY SOFTWARE NOTICES AND INFORMATION/);
  assert.match(readFileSync(join(platformDir, 'ONNXRUNTIME-LICENSE.txt'), 'utf8'), /Copyright \(c\) Microsoft Corporation/);
  const readme = readFileSync(join(platformDir, 'README.md'), 'utf8');
  for (const f of ['ortex.node', ...runtimeFiles(template.manifest)]) assert.match(readme, `\`${f}\``);
  log(`${basename(platform.file)}: ${MB(platform.size)} packed, ${MB(platform.unpackedSize)} unpacked (${platform.files.join(', ')})`);
});

test('installed offline with install scripts on: nothing fetched, nothing built', () => {
  assert.is(installed.status, 0, `npm install failed:\n${tail(installed.out)}`);
  assert.is(npm(['config', 'get', 'ignore-scripts']).stdout.trim(), 'false');
  assert.ok(existsSync(join(app, 'scripts-ran')), "the canary dependency's postinstall ran: install scripts were on");
  // --offline: every request npm made was answered from the cache (a network attempt would also
  // have failed at the closed proxy port).
  const fetched = installed.out.split('\n').filter((l) => /^npm http fetch /.test(l) && !/\(cache (hit|stale)\)$/.test(l));
  assert.equal(fetched, [], 'npm fetched nothing over the network');
  // What npm looked up and could not find in the cache (a lookup that the cache then answered
  // logs its "http fetch GET 200 ... (cache ...)"): the other platforms' optional packages, which it
  // skips; never a package this install needed.
  const name = (url) => decodeURIComponent(url.slice(REGISTRY.length));
  const answered = new Set([...installed.out.matchAll(/^npm http fetch GET 200 (\S+) /gm)].map((m) => name(m[1])));
  const looked = [...installed.out.matchAll(/packumentCache full:(\S+) cache-miss/g)].map((m) => name(m[1]));
  const wanted = [...new Set(looked.filter((n) => !answered.has(n)))].sort();
  const others = Object.keys(pkg.optionalDependencies)
    .filter((n) => n !== template.manifest.name)
    .sort();
  assert.ok(
    wanted.every((w) => others.includes(w)),
    `looked up only other platforms' packages: ${wanted.join(', ')}`,
  );
  for (const tool of ['cc', 'gcc', 'g++', 'c++', 'clang', 'make', 'cmake', 'python3']) {
    assert.is(spawnSync(tool, ['--version'], { env: userEnv() }).error?.code, 'ENOENT', `${tool} is not on the consumer's PATH`);
  }
  assert.not.ok(existsSync(join(installedDir, 'build')), 'no build/ in the installed package');
  assert.not.ok(existsSync(join(app, 'node_modules', 'onnxruntime-node')), 'onnxruntime-node is not installed');
});

test('npm ls and every installed package.json: no package has an install script', () => {
  const ls = npm(['ls', '--all', '--json']);
  assert.is(ls.status, 0, ls.out);
  const names = [];
  // Installed packages only (the other platforms' optional packages are listed as missing).
  const walk = (deps = {}) => {
    for (const [n, d] of Object.entries(deps)) {
      if (!d.version || n === CANARY) continue;
      names.push(`${n}@${d.version}`);
      walk(d.dependencies);
    }
  };
  walk(JSON.parse(ls.stdout).dependencies);
  const installedNames = [...new Set(names)];
  for (const want of [`ortex@${pkg.version}`, `${template.manifest.name}@${pkg.version}`])
    assert.ok(installedNames.includes(want), `${want} is installed`);
  assert.not.ok(
    installedNames.some((n) => n.startsWith('onnxruntime-')),
    'no onnxruntime-node (or -common) in the tree',
  );
  log(`installed packages: ${installedNames.length} (ortex, its platform package and the dependencies of ortex/server)`);
  const manifests = readdirSync(join(app, 'node_modules'), { recursive: true })
    .map((f) => f.split('\\').join('/'))
    .filter((f) => /(^|\/)package\.json$/.test(f) && !f.startsWith(`${CANARY}/`));
  const withScripts = [];
  for (const rel of manifests) {
    const m = JSON.parse(readFileSync(join(app, 'node_modules', rel), 'utf8'));
    const dir = join(app, 'node_modules', rel, '..');
    // npm runs `prepare` only for git and folder dependencies, never for registry packages; the
    // ortex tarball must not carry one at all.
    const hooks = ['preinstall', 'install', 'postinstall', ...(rel === 'ortex/package.json' ? ['prepare'] : [])].filter(
      (h) => m.scripts?.[h],
    );
    if (existsSync(join(dir, 'binding.gyp')) && m.gypfile !== false) hooks.push('implicit node-gyp rebuild (binding.gyp)');
    if (hooks.length) withScripts.push(`${rel}: ${hooks.join(', ')}`);
  }
  assert.equal(withScripts, []);
  log(`npm ls: ${[...new Set(names)].join(', ')}; ${manifests.length} package.json files scanned, none with an install script`);
});

test("installed size of the consumer's node_modules", () => {
  const bytes = treeSize(join(app, 'node_modules'));
  log(
    `consumer node_modules: ${MB(bytes)} (${MB(treeSize(platformDir))} of it ${template.manifest.name}); ` +
      'with onnxruntime-node as a dependency (before the platform packages) it was 292 MB',
  );
  assert.ok(bytes < 100e6, `node_modules stays under 100 MB (${MB(bytes)})`);
});

const RUN = `
  const model = REQUIRE.resolve('ortex/models/demo.onnx');
  const session = await ortex.InferenceSession.create(model);
  const out = await session.run({ features: new ortex.Tensor('float32', Float32Array.from([0.5, -1, 2, 0.25]), [1, 4]) });
  const info = ortex.runtimeInfo();
  console.log(JSON.stringify({ model, addon: info.addonPath, source: info.librarySource, library: info.libraryPath, ort: info.ortVersion,
    data: Array.from(out.probabilities.data), error: typeof ortex.OrtexError }));
  await session.release();`;
const ESM =
  `import * as ortex from 'ortex';\nimport { createRequire } from 'node:module';\nconst REQUIRE = createRequire(import.meta.url);\n` +
  `try {${RUN}\n} catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }\n`;

function check(r, label) {
  assert.is(r.status, 0, `${label} exited ${r.status}:\n${tail(r.out)}`);
  const o = JSON.parse(r.stdout.trim().split('\n').pop());
  const inApp = (p) => realpathSync(p).startsWith(realpathSync(app));
  assert.ok(inApp(o.model) && o.model.endsWith(join('ortex', 'models', 'demo.onnx')), `${label}: the package's demo model`);
  assert.is(o.addon, join(platformDir, 'ortex.node'), `${label}: the platform package's addon`);
  assert.is(o.source, 'platform package');
  assert.is(o.library, join(platformDir, RUNTIME_LIBRARY_FILE[process.platform]), `${label}: the ORT library beside the addon`);
  assert.is(o.ort, pkg.devDependencies['onnxruntime-node']);
  assert.is(o.data.length, 3);
  assert.ok(Math.abs(o.data.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'softmax output');
  assert.is(o.error, 'function');
  return o;
}

let esmOut;
test('import: the ESM entry loads the platform package and runs the packaged demo model', () => {
  writeFileSync(join(app, 'esm.mjs'), ESM);
  esmOut = check(node(['esm.mjs']), 'import');
});

test('require: the CommonJS entry does the same, with the same result', () => {
  writeFileSync(
    join(app, 'cjs.cjs'),
    `const ortex = require('ortex');\nconst REQUIRE = require;\n(async () => {${RUN}\n})().catch((e) => { console.error(e); process.exit(1); });\n`,
  );
  const o = check(node(['cjs.cjs']), 'require');
  assert.equal(o.data, esmOut.data);
});

test('import and require in one process share the addon and ORT', () => {
  writeFileSync(
    join(app, 'both.mjs'),
    `import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const c = require('ortex');
    const e = await import('ortex');
    const run = async (m) => { const s = await m.InferenceSession.create(require.resolve('ortex/models/demo.onnx'));
      const out = await s.run({ features: new m.Tensor('float32', new Float32Array(4), [1, 4]) }); await s.release(); return Array.from(out.probabilities.data); };
    const [a, b] = [await run(c), await run(e)];
    console.log(JSON.stringify({ same: JSON.stringify(a) === JSON.stringify(b), distinct: c.InferenceSession !== e.InferenceSession,
      addon: c.runtimeInfo().addonPath === e.runtimeInfo().addonPath, cross: e.isOrtexError(new c.OrtexError('ERR_RUNTIME', 'x')) }));`,
  );
  const r = node(['both.mjs']);
  assert.is(r.status, 0, tail(r.out));
  assert.equal(JSON.parse(r.stdout.trim()), { same: true, distinct: true, addon: true, cross: true });
});

test('the CLI through npx: ortex --version and ortex info, at once and offline', () => {
  const version = npx(['ortex', '--version']);
  assert.is(version.status, 0, tail(version.out));
  assert.is(version.stdout.trim(), pkg.version);
  const info = npx(['ortex', 'info', '--runs', '1']);
  assert.is(info.status, 0, tail(info.out));
  assert.match(info.stdout, `from ${join(platformDir, RUNTIME_LIBRARY_FILE[process.platform])} [platform package]`);
  assert.match(info.stdout, join(installedDir, 'models', 'demo.onnx'));
  log(`npx ortex --version: ${version.seconds.toFixed(2)} s; npx ortex info: ${info.seconds.toFixed(2)} s`);
  assert.ok(version.seconds < 20, 'npx runs the installed bin without installing anything');
});

test('ortex/server from the install serves the dashboard: its own page and script, uPlot from the installed uplot', () => {
  writeFileSync(
    join(app, 'dashboard.mjs'),
    `import { createRequire } from 'node:module';
import { createServer } from 'ortex/server';
const model = createRequire(import.meta.url).resolve('ortex/models/demo.onnx');
const app = await createServer({ models: model, logger: false, processMetrics: false });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const out = {};
for (const path of ['/dashboard', '/dashboard/assets/dashboard.js', '/dashboard/assets/uPlot.iife.min.js', '/dashboard/api/state']) {
  const r = await fetch(url + path);
  out[path] = { status: r.status, bytes: (await r.arrayBuffer()).byteLength };
}
await app.close();
console.log(JSON.stringify(out));
`,
  );
  const r = node(['dashboard.mjs']);
  assert.is(r.status, 0, tail(r.out));
  const o = JSON.parse(r.stdout.trim().split('\n').pop());
  for (const [path, a] of Object.entries(o)) assert.is(a.status, 200, `${path}: ${r.out}`);
  assert.is(
    o['/dashboard/assets/uPlot.iife.min.js'].bytes,
    lstatSync(join(app, 'node_modules', 'uplot', 'dist', 'uPlot.iife.min.js')).size,
  );
});

test("ORTEX_ORT_LIB still overrides the platform package's ONNX Runtime", () => {
  const other = join(work, 'other-ort', RUNTIME_LIBRARY_FILE[process.platform]);
  mkdirSync(join(work, 'other-ort'));
  symlinkSync(join(platformDir, RUNTIME_LIBRARY_FILE[process.platform]), other);
  const r = node(['esm.mjs'], { env: userEnv({ ORTEX_ORT_LIB: other }) });
  const o = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.is(o.source, 'ORTEX_ORT_LIB', r.out);
  assert.is(o.library, other);
});

test('the platform package missing (installed with --omit=optional, or node_modules from another OS): ERR_NATIVE_LOAD says why and how to fix', () => {
  const aside = `${platformDir}.aside`;
  renameSync(platformDir, aside);
  try {
    const r = node(['esm.mjs']);
    const o = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.is(o.code, 'ERR_NATIVE_LOAD', r.out);
    assert.match(o.message, `${template.manifest.name} is not installed`);
    assert.match(
      o.message,
      `Fix: ${template.manifest.name}@${pkg.version}, the package with ortex's binaries for this system, is not installed`,
    );
    assert.match(o.message, 'npm install --include=optional ortex');
  } finally {
    renameSync(aside, platformDir);
  }
});

test('TypeScript (strict) compiles against the installed .d.ts, as ESM and as CommonJS', () => {
  const consumer = `
    const opts: SessionOptions = { executionProviders: [{ name: 'cpu', onFailure: 'fallback' }, 'cpu'], graphOptimizationLevel: 'all' };
    // @ts-expect-error: not an optimization level
    const bad: SessionOptions = { graphOptimizationLevel: 'max' };
    // @ts-expect-error: not an element type
    new Tensor('float33', new Float32Array(4), [1, 4]);
    // Internals are not in the .d.ts (stripInternal), and stripping left no implicit public constructor.
    // @ts-expect-error: the constructor is private (InferenceSession.create() makes sessions)
    new InferenceSession();
    // @ts-expect-error: the constructor is private (SessionPool.create() makes pools)
    new SessionPool();
    // @ts-expect-error: addon-side factory, internal
    void Tensor.fromNative;
    // @ts-expect-error: internal element code
    void new Tensor('float32', new Float32Array(4), [1, 4]).code;
    async function main(): Promise<number[]> {
      const session: InferenceSession = await InferenceSession.create('demo.onnx', opts);
      const out = await session.run({ features: new Tensor('float32', new Float32Array(4), [1, 4]) });
      const p = out['probabilities'];
      const info: RuntimeInfo = runtimeInfo();
      const batcher = new Batcher(await SessionPool.create('demo.onnx', { size: 2 }), { maxBatchSize: 4 });
      batcher.on('batch', (e) => void e);
      const queued: number = batcher.stats().queued.requests;
      await batcher.close();
      void queued;
      void info.ortVersion.toUpperCase();
      const source: 'init' | 'ORTEX_ORT_LIB' | 'platform package' | 'addon folder' | 'onnxruntime-node' = info.librarySource;
      void source;
      try { await session.release(); } catch (e) { if (isOrtexError(e, 'ERR_RUNTIME')) { const code: OrtexErrorCode = e.code; void code; } }
      return p instanceof Tensor ? Array.from(p.data as Float32Array) : [];
    }
    void bad; void main;`;
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(
    join(app, 'src', 'esm.ts'),
    `import { Batcher, InferenceSession, SessionPool, Tensor, runtimeInfo, isOrtexError, type OrtexErrorCode, type RuntimeInfo, type SessionOptions } from 'ortex';\n${consumer}\n`,
  );
  writeFileSync(
    join(app, 'src', 'cjs.cts'),
    `import ortex = require('ortex');\nimport Batcher = ortex.Batcher;\nimport InferenceSession = ortex.InferenceSession;\nimport SessionPool = ortex.SessionPool;\nimport Tensor = ortex.Tensor;\n` +
      `const { runtimeInfo, isOrtexError } = ortex;\ntype SessionOptions = ortex.SessionOptions;\ntype RuntimeInfo = ortex.RuntimeInfo;\ntype OrtexErrorCode = ortex.OrtexErrorCode;\n${consumer}\n`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022'],
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
          skipLibCheck: false,
          noUncheckedIndexedAccess: true,
        },
        include: ['src'],
      },
      null,
      2,
    ),
  );
  const r = node([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--listFiles']);
  // --listFiles output would bury the diagnostics: show those.
  const diagnostics = r.out.split('\n').filter((l) => /error TS\d+/.test(l));
  assert.is(r.status, 0, `tsc failed:\n${diagnostics.length ? diagnostics.join('\n') : tail(r.out)}`);
  const listed = r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((f) => relative(installedDir, f).split('\\').join('/'));
  assert.ok(listed.includes('dist/index.d.ts'), 'import resolved to dist/index.d.ts');
  assert.ok(listed.includes('dist/cjs/index.d.ts'), 'require resolved to dist/cjs/index.d.ts');
});

test.after(() => {
  if (!process.env.ORTEX_KEEP_PACK_DIR) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
});

test.run();
