// The npm tarball, as a user gets it: `npm pack`, then `npm install <tarball>` into an empty folder
// with install scripts off and no compiler on PATH (PATH holds only a link to node), onnxruntime-node
// from the registry (or npm's cache); then ortex is loaded with import and with require, runs the
// demo model shipped in the package, and a strict TypeScript consumer compiles against its .d.ts.
// A missing or stale prebuild is built first (scripts/prebuild.mjs: node-gyp, about a minute).
// If neither the registry nor npm's cache can provide onnxruntime-node, the tests are skipped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, relative } from 'node:path';
import { ensurePrebuild, prebuildStatus, root } from '../scripts/prebuild.mjs';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'ortex-pack-'));
const app = join(work, 'app');
const bin = join(work, 'bin');
const log = (m) => console.log(`# ${m}`);

/** npm's CLI script: the one running this test (npm test) or the one on PATH. */
function npmCli() {
  if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) return process.env.npm_execpath;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, 'npm');
    if (!existsSync(p)) continue;
    const real = realpathSync(p);
    if (real.endsWith('.js')) return real;
    const cli = join(dirname(dirname(real)), 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
    if (existsSync(cli)) return cli;
  }
  throw new Error('npm-cli.js not found');
}
const NPM = npmCli();

/** A clean user environment: no npm_* variables inherited from `npm test`, PATH = a folder with only node. */
function userEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_|^INIT_CWD$|^NODE_OPTIONS$|^ORTEX_/i.test(k)) env[k] = v;
  return { ...env, PATH: bin, npm_config_update_notifier: 'false', ...extra };
}

function run(cmd, args, { cwd = app, timeout = 120_000, env = userEnv() } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, signal: r.signal, error: r.error, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '' };
}
const npm = (args, opts) => run(process.execPath, [NPM, ...args], opts);
const node = (args, opts) => run(process.execPath, args, opts);
const tail = (s, n = 40) => s.split('\n').slice(-n).join('\n');

// ---- setup: prebuild, pack, install (top level, so a registry failure can skip every test) ----
const prebuilt = ensurePrebuild();
if (prebuilt.built) log(`built ${relative(root, prebuilt.file)} first (${prebuilt.reason}) in ${prebuilt.seconds.toFixed(1)} s`);
if (!existsSync(join(root, 'dist', 'cjs', 'index.js'))) {
  const r = node([join(root, 'scripts', 'build-cjs.mjs')], { cwd: root, env: process.env });
  if (r.status !== 0) throw new Error(`CommonJS build failed:\n${r.out}`);
}
mkdirSync(bin);
mkdirSync(app);
symlinkSync(process.execPath, join(bin, process.platform === 'win32' ? 'node.exe' : 'node'));

// --ignore-scripts: `npm test` has just built dist/ (prepack would empty it, prepare rebuild it).
const packed = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, env: { ...userEnv(), PATH: process.env.PATH } });
if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.out}`);
const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
const tarball = join(work, info.filename);
const files = info.files.map((f) => f.path).sort();
log(`tarball ${info.filename}: ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked, ${info.entryCount} files`);

writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'ortex-consumer', private: true, type: 'module' }, null, 2));
const installArgs = ['install', tarball, '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];
let installed = npm([...installArgs, '--prefer-offline'], { timeout: 300_000 });
let skipReason;
if (installed.status !== 0 && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|E50\d|ENOTCACHED/i.test(installed.out)) {
  log('registry unreachable: retrying from npm\'s cache only (--offline)');
  installed = npm([...installArgs, '--offline'], { timeout: 300_000 });
  if (installed.status !== 0) skipReason = `the npm registry is unreachable and onnxruntime-node@${pkg.dependencies['onnxruntime-node']} is not in npm's cache:\n${tail(installed.out, 8)}`;
}
if (!skipReason && installed.status !== 0) throw new Error(`npm install of the tarball failed (exit ${installed.status}):\n${tail(installed.out)}`);
const installedDir = join(app, 'node_modules', 'ortex');

// ---- tests ----
if (skipReason) {
  console.log(`SKIP package tests: ${skipReason}`);
  test.skip('tarball install and use (registry unreachable)', () => {});
} else {
  test('the tarball holds exactly what a user needs', () => {
    const allowed = [
      /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^bin\/ortex\.js$/, /^models\/demo\.onnx$/, /^models\/iris\/1\/model\.onnx$/, /^models\/iris\/config\.yaml$/,
      /^dist\/(cjs\/)?([\w-]+\/)*[\w.-]+\.(js|d\.ts)$/, /^dist\/cjs\/package\.json$/, /^prebuilds\/[\w+-]+\/[\w.+-]+\.node$/,
    ];
    const unexpected = files.filter((f) => !allowed.some((re) => re.test(f)));
    assert.equal(unexpected, [], 'no tests, sources, build trees, source maps or stray files');
    const prebuild = relative(root, prebuildStatus().file).split('\\').join('/');
    for (const need of ['package.json', 'README.md', 'LICENSE', 'bin/ortex.js', 'models/demo.onnx', 'dist/index.js', 'dist/index.d.ts',
      'dist/cli/main.js', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json', prebuild]) {
      assert.ok(files.includes(need), `${need} is in the tarball`);
    }
    // Every source file has its ESM and CommonJS build and declarations (entry scripts: a stub).
    for (const ts of readdirSync(join(root, 'lib'), { recursive: true }).map((f) => f.split('\\').join('/')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
      const js = ts.replace(/\.ts$/, '.js');
      for (const f of [`dist/${js}`, `dist/${ts.replace(/\.ts$/, '.d.ts')}`, `dist/cjs/${js}`]) assert.ok(files.includes(f), `${f} is in the tarball`);
    }
    const maps = files.filter((f) => f.endsWith('.js') && /sourceMappingURL/.test(readFileSync(join(root, f), 'utf8')));
    assert.equal(maps, [], 'no JS points at a source map that is not shipped');
    console.log(`# contents (${files.length}): ${files.filter((f) => !/^dist\//.test(f)).join(', ')}, dist/ (${files.filter((f) => /^dist\//.test(f)).length} files)`);
  });

  test('installed with scripts off and no compiler on PATH: nothing was built on install', () => {
    for (const tool of ['cc', 'gcc', 'g++', 'c++', 'clang', 'make', 'cmake', 'python3']) {
      const r = spawnSync(tool, ['--version'], { env: userEnv(), encoding: 'utf8' });
      assert.is(r.error?.code, 'ENOENT', `${tool} is not on the consumer's PATH`);
    }
    assert.not.ok(existsSync(join(installedDir, 'build')), 'no build/ in the installed package');
    assert.ok(existsSync(join(app, 'node_modules', 'onnxruntime-node', 'package.json')), 'onnxruntime-node came along');
    const ortPkg = JSON.parse(readFileSync(join(app, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8'));
    assert.is(ortPkg.version, pkg.dependencies['onnxruntime-node']);
  });

  const RUN = `
    const model = REQUIRE.resolve('ortex/models/demo.onnx');
    const session = await ortex.InferenceSession.create(model);
    const out = await session.run({ features: new ortex.Tensor('float32', Float32Array.from([0.5, -1, 2, 0.25]), [1, 4]) });
    const info = ortex.runtimeInfo();
    console.log(JSON.stringify({ model, addon: info.addonPath, source: info.librarySource, library: info.libraryPath, ort: info.ortVersion,
      data: Array.from(out.probabilities.data), error: typeof ortex.OrtexError }));
    await session.release();`;

  function check(r, label) {
    assert.is(r.status, 0, `${label} exited ${r.status}:\n${tail(r.out)}`);
    const o = JSON.parse(r.stdout.trim().split('\n').pop());
    const inApp = (p) => realpathSync(p).startsWith(realpathSync(app));
    assert.ok(inApp(o.model) && o.model.endsWith(join('ortex', 'models', 'demo.onnx')), `${label}: the package's demo model`);
    assert.ok(inApp(o.addon) && relative(installedDir, o.addon).startsWith('prebuilds'), `${label}: the shipped prebuild (${o.addon})`);
    assert.is(o.source, 'onnxruntime-node');
    assert.ok(inApp(o.library) && o.library.includes(join('node_modules', 'onnxruntime-node')), `${label}: onnxruntime-node's ORT library`);
    assert.is(o.data.length, 3);
    assert.ok(Math.abs(o.data.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'softmax output');
    assert.is(o.error, 'function');
    return o;
  }

  let esmOut;
  test('import: ESM entry loads the prebuild and runs the packaged demo model', () => {
    writeFileSync(join(app, 'esm.mjs'), `import * as ortex from 'ortex';\nimport { createRequire } from 'node:module';\nconst REQUIRE = createRequire(import.meta.url);\n${RUN}\n`);
    esmOut = check(node(['esm.mjs']), 'import');
  });

  test('require: CommonJS entry does the same, with the same result', () => {
    writeFileSync(join(app, 'cjs.cjs'), `const ortex = require('ortex');\nconst REQUIRE = require;\n(async () => {${RUN}\n})().catch((e) => { console.error(e); process.exit(1); });\n`);
    const o = check(node(['cjs.cjs']), 'require');
    assert.equal(o.data, esmOut.data);
    assert.match(realpathSync(join(installedDir, 'dist', 'cjs', 'index.js')), /cjs/);
  });

  test('import and require in one process share the addon and ORT', () => {
    writeFileSync(join(app, 'both.mjs'), `import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const c = require('ortex');
      const e = await import('ortex');
      const run = async (m) => { const s = await m.InferenceSession.create(require.resolve('ortex/models/demo.onnx'));
        const out = await s.run({ features: new m.Tensor('float32', new Float32Array(4), [1, 4]) }); await s.release(); return Array.from(out.probabilities.data); };
      const [a, b] = [await run(c), await run(e)];
      console.log(JSON.stringify({ same: JSON.stringify(a) === JSON.stringify(b), distinct: c.InferenceSession !== e.InferenceSession,
        addon: c.runtimeInfo().addonPath === e.runtimeInfo().addonPath, cross: e.isOrtexError(new c.OrtexError('ERR_RUNTIME', 'x')) }));`);
    const r = node(['both.mjs']);
    assert.is(r.status, 0, tail(r.out));
    assert.equal(JSON.parse(r.stdout.trim()), { same: true, distinct: true, addon: true, cross: true });
  });

  test('the ortex command is linked and runs', () => {
    assert.ok(existsSync(join(app, 'node_modules', '.bin', process.platform === 'win32' ? 'ortex.cmd' : 'ortex')));
    const r = node([join(installedDir, 'bin', 'ortex.js'), 'info', '--runs', '1']);
    assert.is(r.status, 0, tail(r.out));
  });

  test('TypeScript (strict) compiles against the installed .d.ts, as ESM and as CommonJS', () => {
    const consumer = `
      const opts: SessionOptions = { executionProviders: [{ name: 'cpu', onFailure: 'fallback' }, 'cpu'], graphOptimizationLevel: 'all' };
      // @ts-expect-error: not an optimization level
      const bad: SessionOptions = { graphOptimizationLevel: 'max' };
      // @ts-expect-error: not an element type
      new Tensor('float33', new Float32Array(4), [1, 4]);
      async function main(): Promise<number[]> {
        const session: InferenceSession = await InferenceSession.create('demo.onnx', opts);
        const out = await session.run({ features: new Tensor('float32', new Float32Array(4), [1, 4]) });
        const p = out['probabilities'];
        const info: RuntimeInfo = runtimeInfo();
        void info.ortVersion.toUpperCase();
        try { await session.release(); } catch (e) { if (isOrtexError(e, 'ERR_RUNTIME')) { const code: OrtexErrorCode = e.code; void code; } }
        return p instanceof Tensor ? Array.from(p.data as Float32Array) : [];
      }
      void bad; void main;`;
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(join(app, 'src', 'esm.ts'), `import { InferenceSession, Tensor, runtimeInfo, isOrtexError, type OrtexErrorCode, type RuntimeInfo, type SessionOptions } from 'ortex';\n${consumer}\n`);
    writeFileSync(join(app, 'src', 'cjs.cts'), `import ortex = require('ortex');\nimport InferenceSession = ortex.InferenceSession;\nimport Tensor = ortex.Tensor;\n` +
      `const { runtimeInfo, isOrtexError } = ortex;\ntype SessionOptions = ortex.SessionOptions;\ntype RuntimeInfo = ortex.RuntimeInfo;\ntype OrtexErrorCode = ortex.OrtexErrorCode;\n${consumer}\n`);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'],
        types: ['node'], typeRoots: [join(root, 'node_modules', '@types')], skipLibCheck: false, noUncheckedIndexedAccess: true,
      },
      include: ['src'],
    }, null, 2));
    const r = node([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--listFiles']);
    assert.is(r.status, 0, `tsc failed:\n${tail(r.out)}`);
    const listed = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).map((f) => relative(installedDir, f).split('\\').join('/'));
    assert.ok(listed.includes('dist/index.d.ts'), 'import resolved to dist/index.d.ts');
    assert.ok(listed.includes('dist/cjs/index.d.ts'), 'require resolved to dist/cjs/index.d.ts');
  });
}

test.after(() => {
  if (!process.env.ORTEX_KEEP_PACK_DIR) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work} (${basename(tarball)})`);
});

test.run();
