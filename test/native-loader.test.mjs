// The addon loader explains itself: every candidate it tried, the real cause, the fix. Each case
// builds a throwaway package (dist/ copied, its own prebuilds/ and build/) and loads it in a child
// process, so the environment (ORTEX_NATIVE_PATH) and the loader's cache start clean.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ADDON = join(ROOT, 'build', 'Release', 'ortex.node');
const PLATFORM = `${process.platform}-${process.arch}`;
const LIBC = process.platform === 'linux' ? (existsSync('/etc/alpine-release') ? 'musl' : 'glibc') : undefined;
const OTHER_LIBC = LIBC === 'glibc' ? 'musl' : 'glibc';
const tag = (...t) => `${['ortex', 'napi', ...t].join('.')}.node`;
const NOT_A_BINARY = join(ROOT, 'models', 'demo.onnx');
const temps = [];

/** A package root with dist/ and node_modules (linked), plus the given files: { 'rel/path': sourcePath }. */
function fakePackage(files = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ortex-loader-'));
  temps.push(dir);
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'ortex', version: '9.9.9', type: 'module' }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'junction');
  for (const [rel, src] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    cpSync(src, join(dir, rel));
  }
  return dir;
}

/** loadNative() in a child: { path } when it loaded, else { code, message, attempts }. */
function load(pkg, env = {}, entry = 'dist/native/loader.js') {
  const url = pathToFileURL(join(pkg, entry)).href;
  const code = `
    const m = await import(${JSON.stringify(url)});
    try {
      const r = m.loadNative ? m.loadNative() : { path: m.runtimeInfo().addonPath };
      console.log(JSON.stringify({ path: r.path }));
    } catch (e) {
      console.log(JSON.stringify({ code: e.code, name: e.name, message: e.message, attempts: e.details?.attempts }));
    }`;
  const childEnv = { ...process.env, ...env };
  if (!('ORTEX_NATIVE_PATH' in env)) delete childEnv.ORTEX_NATIVE_PATH;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: childEnv, encoding: 'utf8', timeout: 60_000 });
  const line = r.stdout.trim().split('\n').pop();
  if (!line) throw new Error(`child failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(line);
}

test('no addon anywhere: ERR_NATIVE_LOAD lists every place looked at and says how to build', () => {
  const r = load(fakePackage());
  assert.is(r.code, 'ERR_NATIVE_LOAD');
  assert.match(r.message, `cannot load the ortex native addon for ${PLATFORM}`);
  assert.match(r.message, /Tried, in order:/);
  const origins = r.attempts.map((a) => `${a.origin}:${a.result}`);
  assert.equal(origins, ['prebuild:not found', 'build/Release:not found', 'build/Debug:not found']);
  assert.match(r.message, `prebuilds/${PLATFORM}`);
  assert.match(r.message, /build[\\/]Release[\\/]ortex\.node \(build from source, build\/Release\): not found/);
  assert.match(r.message, /Fix: .*npm run build/);
});

test('ORTEX_NATIVE_PATH is the only candidate, and a file that is not an addon says so', () => {
  const pkg = fakePackage({ [`prebuilds/${PLATFORM}/${tag(...(LIBC ? [LIBC] : []))}`]: ADDON });
  const r = load(pkg, { ORTEX_NATIVE_PATH: NOT_A_BINARY });
  assert.is(r.code, 'ERR_NATIVE_LOAD');
  assert.is(r.attempts.length, 1, 'no silent fallback to the prebuild');
  assert.is(r.attempts[0].origin, 'ORTEX_NATIVE_PATH');
  assert.is(r.attempts[0].result, 'failed');
  assert.ok(r.attempts[0].cause.length > 10, 'the dynamic loader message is kept');
  assert.match(r.attempts[0].hint, /not a binary for this platform/);
  assert.match(r.message, /-> this file is not a binary/);
  assert.match(r.message, /Fix: ORTEX_NATIVE_PATH is set/);

  const ok = load(pkg, { ORTEX_NATIVE_PATH: ADDON });
  assert.is(ok.path, ADDON);
});

test('prebuild choice follows node-gyp-build tags; a mismatched libc is skipped with the reason', () => {
  if (!LIBC) return console.log(`# libc tags apply to Linux only (here: ${process.platform})`);
  const pkg = fakePackage({
    [`prebuilds/${PLATFORM}/${tag(OTHER_LIBC)}`]: ADDON,
    [`prebuilds/${PLATFORM}/${tag(LIBC)}`]: NOT_A_BINARY,
  });
  const r = load(pkg);
  assert.is(r.code, 'ERR_NATIVE_LOAD');
  const skipped = r.attempts.find((a) => a.result === 'skipped');
  assert.match(skipped.path, tag(OTHER_LIBC));
  assert.is(skipped.cause, `built for ${OTHER_LIBC}, this system uses ${LIBC}`);
  const failed = r.attempts.find((a) => a.result === 'failed');
  assert.match(failed.path, tag(LIBC));
  assert.match(r.message, new RegExp(`Fix: the prebuild for ${PLATFORM} is there but does not load here`));

  const good = fakePackage({ [`prebuilds/${PLATFORM}/${tag(LIBC)}`]: ADDON, [`prebuilds/${PLATFORM}/${tag(OTHER_LIBC)}`]: NOT_A_BINARY });
  assert.is(load(good).path, join(good, 'prebuilds', PLATFORM, tag(LIBC)));
});

test('only other platforms shipped: the message names them and the way to build for this one', () => {
  const pkg = fakePackage({ 'prebuilds/plan9-mips/ortex.napi.node': NOT_A_BINARY });
  const r = load(pkg);
  assert.is(r.code, 'ERR_NATIVE_LOAD');
  assert.match(r.attempts[0].cause, `no prebuild for ${PLATFORM}`);
  assert.match(r.message, `ortex 9.9.9 ships prebuilds for plan9-mips, not ${PLATFORM}`);
  assert.match(r.message, /ORTEX_NATIVE_PATH=<checkout>\/build\/Release\/ortex\.node/);
});

test('a build from source newer than the prebuild wins; an older one does not', () => {
  const prebuild = `prebuilds/${PLATFORM}/${tag(...(LIBC ? [LIBC] : []))}`;
  const pkg = fakePackage({ [prebuild]: ADDON, 'build/Release/ortex.node': ADDON });
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(join(pkg, prebuild), past, past);
  assert.is(load(pkg).path, join(pkg, 'build', 'Release', 'ortex.node'), 'fresh npm run build is not shadowed');
  utimesSync(join(pkg, 'build', 'Release', 'ortex.node'), new Date(past - 60_000), new Date(past - 60_000));
  assert.is(load(pkg).path, join(pkg, prebuild), 'the prebuild first otherwise');
});

test('through the public API: init() throws OrtexError ERR_NATIVE_LOAD with the attempts', () => {
  const r = load(fakePackage(), { ORTEX_NATIVE_PATH: NOT_A_BINARY }, 'dist/index.js');
  assert.is(r.name, 'OrtexError');
  assert.is(r.code, 'ERR_NATIVE_LOAD');
  assert.is(r.attempts[0].path, NOT_A_BINARY);
});

test('the CommonJS build finds the same package root and addon', () => {
  const pkg = fakePackage({ 'build/Release/ortex.node': ADDON });
  const code = `const m = require(${JSON.stringify(join(pkg, 'dist', 'cjs', 'native', 'loader.js'))});
    console.log(JSON.stringify({ root: m.packageRoot, path: m.loadNative().path }));`;
  const env = { ...process.env };
  delete env.ORTEX_NATIVE_PATH;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env, timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim());
  assert.is(out.root, pkg, 'not dist/cjs (which has its own package.json)');
  assert.is(out.path, join(pkg, 'build', 'Release', 'ortex.node'));
});

test.after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

test.run();
