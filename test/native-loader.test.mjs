// The addon loader and the ONNX Runtime choice explain themselves: every candidate tried, the real
// cause, the fix. Each case builds a throwaway package (dist/ copied, a package.json listing
// platform packages, its own node_modules/@ortex/<platform>/ and build/) and loads it in a child
// process (native-loader.child.mjs), so the environment and the loader's cache start clean.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const { platformId, RUNTIME_LIBRARY_FILE } = await import(pathToFileURL(join(ROOT, 'dist', 'native', 'platform-package.js')).href);
const ADDON = join(ROOT, 'build', 'Release', 'ortex.node');
const ORT = join(
  ROOT,
  'node_modules',
  'onnxruntime-node',
  'bin',
  'napi-v6',
  process.platform,
  process.arch,
  RUNTIME_LIBRARY_FILE[process.platform],
);
const PLATFORM = platformId();
const PKG = `@ortex/${PLATFORM}`;
const NOT_A_BINARY = join(ROOT, 'models', 'demo.onnx');
const LIB = RUNTIME_LIBRARY_FILE[process.platform];
const temps = [];

/**
 * A package root named ortex@9.9.9 with dist/ and the given files ({ 'rel/path': source }; a
 * source `{ link }` makes a symbolic link). `platforms`: the ids its optionalDependencies list.
 */
function fakePackage(files = {}, { platforms = [PLATFORM, 'plan9-mips'], installed = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ortex-loader-'));
  temps.push(dir);
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'ortex',
      version: '9.9.9',
      type: 'module',
      optionalDependencies: Object.fromEntries(platforms.map((p) => [`@ortex/${p}`, '9.9.9'])),
    }),
  );
  for (const [id, version] of Object.entries(installed)) {
    mkdirSync(join(dir, 'node_modules', '@ortex', id), { recursive: true });
    writeFileSync(join(dir, 'node_modules', '@ortex', id, 'package.json'), JSON.stringify({ name: `@ortex/${id}`, version }));
  }
  for (const [rel, src] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    if (typeof src === 'object') symlinkSync(src.link, join(dir, rel));
    else cpSync(src, join(dir, rel));
  }
  return dir;
}
const inPlatformPackage = (rel) => `node_modules/@ortex/${PLATFORM}/${rel}`;

/** Runs the child; { path, origin } / runtime info when it loaded, else { code, message, details }. */
function load(pkg, { env = {}, what = 'addon', library, entry = 'dist/native/loader.js', timeout = 60_000 } = {}) {
  const childEnv = { ...process.env, ...env };
  for (const k of ['ORTEX_NATIVE_PATH', 'ORTEX_ORT_LIB']) if (!(k in env)) delete childEnv[k];
  const args = [join(HERE, 'native-loader.child.mjs'), pathToFileURL(join(pkg, entry)).href, what, ...(library ? [library] : [])];
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { env: childEnv, encoding: 'utf8', timeout });
  const line = r.stdout.trim().split('\n').pop();
  if (!line) throw new Error(`child failed (exit ${r.status}, signal ${r.signal}, ${Date.now() - started} ms): ${r.stderr}`);
  return { ...JSON.parse(line), ms: Date.now() - started };
}

test('nothing installed: ERR_NATIVE_LOAD names the platform package, why it can be missing, and the install command', () => {
  const r = load(fakePackage());
  assert.is(r.code, 'ERR_NATIVE_LOAD');
  assert.match(r.message, `cannot load the ortex native addon for ${PLATFORM}`);
  assert.match(r.message, /Tried, in order:/);
  assert.equal(
    r.details.attempts.map((a) => `${a.origin}:${a.result}`),
    ['platform package:not found', 'build/Release:not found', 'build/Debug:not found'],
  );
  assert.is(r.details.attempts[0].cause, `${PKG} is not installed`);
  assert.match(r.message, `Fix: ${PKG}@9.9.9, the package with ortex's binaries for this system, is not installed`);
  assert.match(r.message, /--omit=optional/);
  assert.match(r.message, /npm install --include=optional ortex/);
  assert.match(r.message, `npm install ${PKG}@9.9.9`);
  const [os, cpu] = PLATFORM.split('-');
  assert.match(r.message, `npm install --os=${os} --cpu=${cpu} ortex`);
});

test('the platform package installed: its addon loads, and ONNX Runtime comes from beside it', () => {
  const pkg = fakePackage(
    { [inPlatformPackage('ortex.node')]: ADDON, [inPlatformPackage(LIB)]: { link: ORT } },
    { installed: { [PLATFORM]: '9.9.9' } },
  );
  const addon = load(pkg);
  assert.equal(addon, { path: join(pkg, inPlatformPackage('ortex.node')), origin: 'platform package', ms: addon.ms });
  const rt = load(pkg, { what: 'runtime', entry: 'dist/index.js' });
  assert.is(rt.librarySource, 'platform package', JSON.stringify(rt));
  assert.is(rt.libraryPath, join(pkg, inPlatformPackage(LIB)));
  assert.is(rt.ortVersion, '1.30.0');
});

test('the platform package without its ONNX Runtime library: ERR_NATIVE_LOAD lists where it looked', () => {
  const pkg = fakePackage({ [inPlatformPackage('ortex.node')]: ADDON }, { installed: { [PLATFORM]: '9.9.9' } });
  const r = load(pkg, { what: 'runtime', entry: 'dist/index.js' });
  assert.is(r.code, 'ERR_NATIVE_LOAD');
  assert.match(r.message, `cannot find the ONNX Runtime library for ${PLATFORM}`);
  assert.ok(
    r.details.tried.some((t) => t.startsWith(`${join(pkg, inPlatformPackage(LIB))} (platform package): not found`)),
    r.message,
  );
  assert.match(r.message, /Fix: reinstall ortex on this system .*--include=optional.*ORTEX_ORT_LIB=.*init\(\{ runtimeLibrary \}\)/);
});

test('a platform package of another version is skipped with the versions, and the fix installs the right one', () => {
  const pkg = fakePackage({ [inPlatformPackage('ortex.node')]: ADDON }, { installed: { [PLATFORM]: '9.9.8' } });
  const r = load(pkg);
  assert.is(r.code, 'ERR_NATIVE_LOAD');
  const a = r.details.attempts[0];
  assert.is(a.result, 'skipped');
  assert.is(a.cause, `${PKG}@9.9.8 is installed; ortex 9.9.9 needs exactly 9.9.9`);
  assert.match(r.message, `Fix: install the matching platform package: npm install ${PKG}@9.9.9`);
});

test('a platform package whose addon is not a binary: the loader message, its meaning, the fix', () => {
  const pkg = fakePackage({ [inPlatformPackage('ortex.node')]: NOT_A_BINARY }, { installed: { [PLATFORM]: '9.9.9' } });
  const r = load(pkg);
  const failed = r.details.attempts.find((a) => a.result === 'failed');
  assert.is(failed.origin, 'platform package');
  assert.ok(failed.cause.length > 10, 'the dynamic loader message is kept');
  assert.match(failed.hint, /not a binary for this platform/);
  assert.match(r.message, `Fix: the addon in ${PKG} is there but does not load here`);
});

test('no platform package for this system: the message lists what ships and how to build', () => {
  const r = load(fakePackage({}, { platforms: ['plan9-mips', 'aix-ppc64'] }));
  assert.is(r.code, 'ERR_NATIVE_LOAD');
  assert.is(r.details.attempts[0].cause, 'ortex has platform packages for plan9-mips, aix-ppc64 only');
  assert.match(
    r.message,
    `ortex 9.9.9 ships binaries for plan9-mips, aix-ppc64 (the platforms ONNX Runtime's own npm build covers), not ${PLATFORM}`,
  );
  assert.match(r.message, /ORTEX_NATIVE_PATH=<checkout>\/build\/Release\/ortex\.node and ORTEX_ORT_LIB=/);
});

test('a source checkout without a build says to build it', () => {
  const r = load(fakePackage({ 'native/addon.cc': NOT_A_BINARY, 'CMakeLists.txt': NOT_A_BINARY }));
  assert.match(r.message, /Fix: this is a source checkout: npm install \(or npm run build\) builds build\/Release\/ortex\.node/);
});

test('ORTEX_NATIVE_PATH is the only candidate, and a file that is not an addon says so', () => {
  const pkg = fakePackage({ [inPlatformPackage('ortex.node')]: ADDON }, { installed: { [PLATFORM]: '9.9.9' } });
  const r = load(pkg, { env: { ORTEX_NATIVE_PATH: NOT_A_BINARY } });
  assert.is(r.code, 'ERR_NATIVE_LOAD');
  assert.is(r.details.attempts.length, 1, 'no silent fallback to the platform package');
  assert.is(r.details.attempts[0].origin, 'ORTEX_NATIVE_PATH');
  assert.match(r.details.attempts[0].hint, /not a binary for this platform/);
  assert.match(r.message, /Fix: ORTEX_NATIVE_PATH is set/);
  assert.is(load(pkg, { env: { ORTEX_NATIVE_PATH: ADDON } }).path, ADDON);
});

test('a FIFO or a directory as ORTEX_NATIVE_PATH / ORTEX_ORT_LIB / runtimeLibrary: a coded error at once, never a hang in dlopen', () => {
  if (process.platform === 'win32') return console.log('# no FIFOs on Windows');
  const pkg = fakePackage(
    { [inPlatformPackage('ortex.node')]: ADDON, [inPlatformPackage(LIB)]: { link: ORT } },
    { installed: { [PLATFORM]: '9.9.9' } },
  );
  const fifo = join(pkg, 'pipe');
  const mk = spawnSync('mkfifo', [fifo]);
  if (mk.error || mk.status !== 0) return console.log(`# mkfifo unavailable (${mk.error?.code ?? mk.status}): skipped`);
  const quick = { timeout: 20_000 };
  const addon = load(pkg, { ...quick, env: { ORTEX_NATIVE_PATH: fifo } });
  assert.is(addon.code, 'ERR_NATIVE_LOAD');
  assert.is(addon.details.attempts[0].cause, 'expected a regular file for ORTEX_NATIVE_PATH, received a named pipe (FIFO)');
  const env = load(pkg, { ...quick, what: 'runtime', entry: 'dist/index.js', env: { ORTEX_ORT_LIB: fifo } });
  assert.is(env.code, 'ERR_NATIVE_LOAD');
  assert.is(
    env.message,
    `expected a regular file for ORTEX_ORT_LIB, received a named pipe (FIFO): ${fifo}. Fix: point ORTEX_ORT_LIB at an existing libonnxruntime, or unset it to use the default.`,
  );
  const dir = load(pkg, { ...quick, what: 'runtime', entry: 'dist/index.js', library: join(pkg, 'dist') });
  assert.is(dir.code, 'ERR_NATIVE_LOAD');
  assert.match(dir.message, `expected a regular file for runtimeLibrary, received a directory: ${join(pkg, 'dist')}`);
  for (const r of [addon, env, dir]) assert.ok(r.ms < 15_000, `answered in ${r.ms} ms`);
});

test("ORTEX_ORT_LIB overrides the platform package's library", () => {
  const pkg = fakePackage(
    { [inPlatformPackage('ortex.node')]: ADDON, [inPlatformPackage(LIB)]: NOT_A_BINARY },
    { installed: { [PLATFORM]: '9.9.9' } },
  );
  const rt = load(pkg, { what: 'runtime', entry: 'dist/index.js', env: { ORTEX_ORT_LIB: ORT } });
  assert.is(rt.librarySource, 'ORTEX_ORT_LIB', JSON.stringify(rt));
  assert.is(rt.libraryPath, ORT);
});

test('a source build without onnxruntime-node takes ORT from the platform package built in the checkout (npm/<platform>/)', () => {
  const pkg = fakePackage({ 'build/Release/ortex.node': ADDON, [`npm/${PLATFORM}/${LIB}`]: { link: ORT } });
  const rt = load(pkg, { what: 'runtime', entry: 'dist/index.js' });
  assert.is(rt.addonPath, join(pkg, 'build', 'Release', 'ortex.node'), JSON.stringify(rt));
  assert.is(rt.librarySource, 'platform package');
  assert.is(rt.libraryPath, join(pkg, 'npm', PLATFORM, LIB));
});

test('ORTEX_NATIVE_PATH into a folder that also holds ORT: the library beside it is used (addon folder)', () => {
  const pkg = fakePackage({ 'custom/ortex.node': ADDON, [`custom/${LIB}`]: { link: ORT } });
  const rt = load(pkg, { what: 'runtime', entry: 'dist/index.js', env: { ORTEX_NATIVE_PATH: join(pkg, 'custom', 'ortex.node') } });
  assert.is(rt.librarySource, 'addon folder', JSON.stringify(rt));
  assert.is(rt.libraryPath, join(pkg, 'custom', LIB));
});

test("a build from source newer than the platform package's addon wins; an older one does not", () => {
  const packaged = inPlatformPackage('ortex.node');
  const pkg = fakePackage({ [packaged]: ADDON, 'build/Release/ortex.node': ADDON }, { installed: { [PLATFORM]: '9.9.9' } });
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(join(pkg, packaged), past, past);
  assert.is(load(pkg).path, join(pkg, 'build', 'Release', 'ortex.node'), 'a fresh npm run build is not shadowed');
  utimesSync(join(pkg, 'build', 'Release', 'ortex.node'), new Date(past - 60_000), new Date(past - 60_000));
  assert.is(load(pkg).path, join(pkg, packaged), 'the platform package first otherwise');
});

test('through the public API: init() throws OrtexError ERR_NATIVE_LOAD with the attempts', () => {
  const r = load(fakePackage(), { what: 'runtime', entry: 'dist/index.js', env: { ORTEX_NATIVE_PATH: NOT_A_BINARY } });
  assert.is(r.name, 'OrtexError');
  assert.is(r.code, 'ERR_NATIVE_LOAD');
  assert.is(r.details.attempts[0].path, NOT_A_BINARY);
});

test('the CommonJS build finds the same package root and platform package', () => {
  const pkg = fakePackage({ [inPlatformPackage('ortex.node')]: ADDON }, { installed: { [PLATFORM]: '9.9.9' } });
  const code = `const m = require(${JSON.stringify(join(pkg, 'dist', 'cjs', 'native', 'loader.js'))});
    console.log(JSON.stringify({ root: m.packageRoot, path: m.loadNative().path }));`;
  const env = { ...process.env };
  delete env.ORTEX_NATIVE_PATH;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env, timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim()), { root: pkg, path: join(pkg, inPlatformPackage('ortex.node')) });
});

test.after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

test.run();
