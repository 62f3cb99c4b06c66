#!/usr/bin/env node
// `npm run prebuild`: builds the addon for this platform with node-gyp (binding.gyp) through
// `prebuildify --napi --strip` into prebuilds/<platform>-<arch>/ortex.napi[.glibc|.musl].node,
// the folder the loader (lib/native/loader.ts) and the npm tarball take it from.
//
// - node-gyp `rebuild` deletes ./build, which is cmake-js's build tree (build/Release/ortex.node,
//   the dev build): so node-gyp runs in a staging folder, build-gyp/, holding copies of
//   binding.gyp and native/ (node_modules still resolves from there, one level up). A lock
//   (build-gyp.lock/) makes concurrent runs (two `npm test` in one checkout) wait for each other.
// - Offline: node-gyp gets Node's own headers (npm_config_nodedir = the folder above Node's bin/
//   when it has include/node/node_api.h) instead of downloading them.
// - node-gyp itself: a local node_modules/node-gyp if present, else the copy bundled with npm.
// - A stamp (build-gyp/stamp.json: hash of the sources + hash of the binary) lets tests reuse a
//   prebuild that is current and rebuild one that is not (`--if-stale`, ensurePrebuild()).
//
// Usage: node scripts/prebuild.mjs [--if-stale] [--quiet]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stage = join(root, 'build-gyp');
const lockDir = `${stage}.lock`;
const stampFile = join(stage, 'stamp.json');
const requireFromRoot = createRequire(join(root, 'package.json'));

const isMusl = () => process.platform === 'linux' && existsSync('/etc/alpine-release');

/** Where prebuildify puts the addon for this platform, and the name it gives it. */
export function prebuildPath() {
  const tags = ['ortex', 'napi'];
  if (process.platform === 'linux') tags.push(isMusl() ? 'musl' : 'glibc');
  return join(root, 'prebuilds', `${process.platform}-${process.arch}`, `${tags.join('.')}.node`);
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** Hash of everything that goes into the binary: native/*, binding.gyp, header package versions. */
export function sourcesHash() {
  const h = createHash('sha256');
  const nativeDir = join(root, 'native');
  for (const f of readdirSync(nativeDir).sort()) {
    h.update(`${f}\0`).update(readFileSync(join(nativeDir, f)));
  }
  h.update(readFileSync(join(root, 'binding.gyp')));
  for (const pkg of ['node-addon-api', 'com.github.asus4.onnxruntime']) {
    try {
      h.update(`${pkg}@${requireFromRoot(`${pkg}/package.json`).version}`);
    } catch {
      h.update(`${pkg}@missing`);
    }
  }
  h.update(`${process.env.ORT_INCLUDE_DIR ?? ''}|${process.platform}|${process.arch}`);
  return h.digest('hex');
}

/** Is there a prebuild made by this script from the current sources? */
export function prebuildStatus() {
  const file = prebuildPath();
  if (!existsSync(file)) return { file, fresh: false, reason: `${relative(root, file)} does not exist` };
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return { file, fresh: false, reason: `no build stamp (${relative(root, stampFile)})` };
  }
  if (stamp.file !== relative(root, file) || stamp.binary !== sha256(readFileSync(file))) {
    return { file, fresh: false, reason: `${relative(root, file)} is not the binary the last prebuild made` };
  }
  if (stamp.sources !== sourcesHash()) return { file, fresh: false, reason: 'native sources changed since the last prebuild' };
  return { file, fresh: true, reason: 'current' };
}

/** Node's own headers, so node-gyp needs no download: the prefix above bin/node, if it has them. */
export function nodeDir() {
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  const configured = process.env.npm_config_nodedir;
  if (configured && existsSync(join(configured, 'include', 'node', 'node_api.h'))) return configured;
  return undefined;
}

/** node-gyp's CLI script: a local install, else the one bundled with npm. */
export function nodeGypScript() {
  const tried = [];
  try {
    return requireFromRoot.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    tried.push(join(root, 'node_modules', 'node-gyp'));
  }
  const npmRoots = [];
  if (process.env.npm_execpath) npmRoots.push(dirname(dirname(process.env.npm_execpath)));
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of process.platform === 'win32' ? ['npm.cmd', 'npm'] : ['npm']) {
      const bin = join(dir, name);
      if (!existsSync(bin)) continue;
      try {
        npmRoots.push(dirname(dirname(realpathSync(bin))));
      } catch {
        /* broken link */
      }
      npmRoots.push(join(dir, 'node_modules', 'npm'));
    }
  }
  const prefix = dirname(dirname(process.execPath));
  npmRoots.push(join(prefix, 'lib', 'node_modules', 'npm'), join(dirname(process.execPath), 'node_modules', 'npm'));
  for (const npmRoot of npmRoots) {
    const script = join(npmRoot, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(script)) return script;
    tried.push(script);
  }
  throw new Error(`node-gyp not found (tried: ${[...new Set(tried)].join(', ')}). Install it: npm install -g node-gyp`);
}

/** prebuildify calls `<node-gyp> rebuild ...` without a shell: give it an executable wrapper. */
function writeNodeGypWrapper(script) {
  if (process.platform === 'win32') {
    const cmd = join(stage, 'node-gyp.cmd');
    writeFileSync(cmd, `@"${process.execPath}" "${script}" %*\r\n`);
    return cmd;
  }
  const sh = join(stage, 'node-gyp');
  writeFileSync(sh, `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
  chmodSync(sh, 0o755);
  return sh;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};

/** Runs fn holding build-gyp.lock/ (waits for another process's build; breaks a dead one's lock). */
function withLock(fn, { timeoutMs = 20 * 60_000, onWait } = {}) {
  const deadline = Date.now() + timeoutMs;
  let waited = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = 0;
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
        pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        /* being created or removed */
      }
      if ((pid && !alive(pid)) || (!pid && age > 30_000)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${relative(root, lockDir)} (held by pid ${pid || '?'})`);
      if (!waited) onWait?.(pid);
      waited = true;
      sleep(500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * A prebuild made from the current sources: reuses it when the stamp says it is current, else
 * builds it (force: always). Safe to call from concurrent processes. Returns { file, built, seconds, reason }.
 */
export function ensurePrebuild({ force = false, quiet = true } = {}) {
  return withLock(
    () => {
      const status = prebuildStatus();
      if (status.fresh && !force) return { file: status.file, built: false, seconds: 0, reason: status.reason };
      const r = buildUnlocked({ quiet });
      return { ...r, built: true, reason: force ? 'forced' : status.reason };
    },
    { onWait: (pid) => console.log(`# waiting for the prebuild another process (pid ${pid || '?'}) is making ...`) },
  );
}

/**
 * Builds the prebuild. Returns { file, seconds }; throws with node-gyp's output tail on failure.
 * quiet: capture the compiler output instead of streaming it.
 */
export function buildPrebuild({ quiet = false } = {}) {
  return withLock(() => buildUnlocked({ quiet }), {
    onWait: (pid) => console.log(`prebuild: waiting for pid ${pid || '?'}, which is building too`),
  });
}

function buildUnlocked({ quiet }) {
  const started = Date.now();
  const gyp = nodeGypScript();
  const nodedir = nodeDir();
  rmSync(join(stage, 'native'), { recursive: true, force: true });
  rmSync(join(stage, 'build'), { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  cpSync(join(root, 'native'), join(stage, 'native'), { recursive: true });
  cpSync(join(root, 'binding.gyp'), join(stage, 'binding.gyp'));
  rmSync(stampFile, { force: true });
  const sources = sourcesHash();

  const file = prebuildPath();
  const args = [
    requireFromRoot.resolve('prebuildify/bin.js'),
    '--napi',
    '--strip',
    '--name',
    'ortex.napi',
    '--target',
    process.versions.node,
    '--cwd',
    stage,
    '--out',
    root,
    '--node-gyp',
    writeNodeGypWrapper(gyp),
  ];
  if (process.platform === 'linux') args.push('--tag-libc');
  const env = { ...process.env };
  if (nodedir) env.npm_config_nodedir = nodedir;
  else console.warn(`prebuild: no Node headers next to ${process.execPath}; node-gyp will try to download them`);
  if (!quiet)
    console.log(`prebuild: prebuildify --napi --strip (node-gyp ${gyp}, nodedir ${nodedir ?? '(download)'}) in ${relative(root, stage)}/`);
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: quiet ? 'pipe' : 'inherit',
    timeout: 20 * 60_000,
  });
  if (r.status !== 0 || !existsSync(file)) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').slice(-60).join('\n');
    throw new Error(
      `prebuild failed (exit ${r.status}, signal ${r.signal}${r.error ? `, ${r.error.message}` : ''}); ` +
        `expected ${relative(root, file)}${out.trim() ? `\n${out}` : ''}`,
    );
  }
  // Only this build's file stays: an older name (another tag set) would compete in the loader.
  const dir = dirname(file);
  for (const f of readdirSync(dir)) {
    if (f.endsWith('.node') && join(dir, f) !== file) rmSync(join(dir, f), { force: true });
  }
  writeFileSync(stampFile, `${JSON.stringify({ file: relative(root, file), binary: sha256(readFileSync(file)), sources }, null, 2)}\n`);
  return { file, seconds: (Date.now() - started) / 1000 };
}

/** Parent pid and argv of a process, or undefined where the platform does not tell us. */
function processInfo(pid) {
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      // npm rewrites its process title ("npm run build"), which lands in cmdline as one string.
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        .split(/[\0\s]+/)
        .filter(Boolean);
      return { ppid, argv };
    }
    if (process.platform === 'darwin' || process.platform.endsWith('bsd')) {
      const r = spawnSync('ps', ['-o', 'ppid=', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
      const m = /^\s*(\d+)\s+(.*)$/.exec(r.stdout ?? '');
      if (m) return { ppid: Number(m[1]), argv: m[2].trim().split(/\s+/) };
    }
  } catch {
    /* process gone or not readable */
  }
  return undefined;
}

/**
 * npm runs a script named "prebuild" as the pre-hook of "build" (so on every `npm run build`,
 * `npm install` and `npm test`). Only an explicit `npm run prebuild` should compile: find the npm
 * command above us and see which script it was asked to run.
 */
export function invokedAsBuildHook() {
  if (process.env.npm_lifecycle_event !== 'prebuild') return false;
  let pid = process.ppid;
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    const info = processInfo(pid);
    if (!info) return false;
    const npmAt = info.argv.findIndex((a) => /(^|[\\/])npm(-cli\.js|\.cmd|\.js)?$/.test(a));
    if (npmAt >= 0) {
      const rest = info.argv.slice(npmAt + 1).filter((a) => !a.startsWith('-'));
      const [command, script] = rest;
      if (['run', 'run-script', 'rum', 'urn'].includes(command)) return script !== 'prebuild';
      return true; // npm install / test / ci / pack ...: lifecycle hooks, not an explicit request
    }
    pid = info.ppid;
  }
  return false;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flags = new Set(process.argv.slice(2));
  if (invokedAsBuildHook()) {
    console.log('prebuild: skipped (npm ran it as the pre-hook of "build"); `npm run prebuild` builds prebuilds/');
    process.exit(0);
  }
  try {
    const { file, seconds, built, reason } = flags.has('--if-stale')
      ? ensurePrebuild({ quiet: flags.has('--quiet') })
      : { ...buildPrebuild({ quiet: flags.has('--quiet') }), built: true, reason: '' };
    if (!built) console.log(`prebuild: ${relative(root, file)} is current`);
    else
      console.log(
        `prebuild: ${relative(root, file)} (${statSync(file).size} bytes) in ${seconds.toFixed(1)} s${reason ? ` (${reason})` : ''}`,
      );
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
