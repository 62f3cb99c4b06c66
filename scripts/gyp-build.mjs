#!/usr/bin/env node
// The addon as the platform packages ship it: node-gyp over binding.gyp, stripped, for this
// platform or (on Linux) cross-compiled for the other architecture, into
// build-gyp/<platform>-<arch>/ortex.node. scripts/platform-package.mjs puts it into
// npm/<platform>-<arch>/ beside the ONNX Runtime library.
//
// - node-gyp `rebuild` deletes ./build, which is cmake-js's build tree (build/Release/ortex.node,
//   the dev build): so node-gyp runs in a staging folder per target, build-gyp/<id>/, holding
//   copies of GYP_INPUTS (node_modules still resolves from there, two levels up). A lock
//   (build-gyp.lock/) makes concurrent runs (two `npm test` in one checkout) wait for each other.
// - Offline: node-gyp gets Node's own headers (npm_config_nodedir = the folder above Node's bin/
//   when it has include/node/node_api.h) instead of downloading them.
// - Cross-compiling on Linux: CC/CXX/strip of the GNU triple (aarch64-linux-gnu-g++ from Debian's
//   g++-aarch64-linux-gnu, x86_64-linux-gnu-g++ from g++-x86-64-linux-gnu), node-gyp --arch.
// - node-gyp itself: a local node_modules/node-gyp if present, else the copy bundled with npm.
// - A stamp (build-gyp/<id>/stamp.json: hash of the sources + hash of the binary) lets tests and
//   the pack script reuse a build that is current and rebuild one that is not (ensureAddon()).
//
// Usage: node scripts/gyp-build.mjs [--arch=arm64] [--if-stale] [--quiet]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
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
import { availableParallelism } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryTarget } from './binary-target.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** What node-gyp reads, relative to the root: copied into the staging folder, hashed into the stamp. */
export const GYP_INPUTS = ['binding.gyp', 'native'];
const stageRoot = join(root, 'build-gyp');
const lockDir = `${stageRoot}.lock`;
const requireFromRoot = createRequire(join(root, 'package.json'));

const isMusl = () => process.platform === 'linux' && /musl/i.test(readFileSafe('/usr/bin/ldd'));
function readFileSafe(path) {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}

/** The platform id of a build for `arch` on this OS (the npm/<id>/ folder it goes to). */
export function targetId(arch = process.arch) {
  return `${isMusl() ? 'linuxmusl' : process.platform}-${arch}`;
}

/** Where the stripped addon for `arch` lands. */
export function addonPath(arch = process.arch) {
  return join(stageRoot, targetId(arch), 'ortex.node');
}
const stampFile = (arch) => join(stageRoot, targetId(arch), 'stamp.json');

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

function hashInto(h, rel) {
  const abs = join(root, rel);
  if (statSync(abs).isDirectory()) {
    for (const f of readdirSync(abs).sort()) hashInto(h, join(rel, f));
  } else {
    h.update(`${rel}\0`).update(readFileSync(abs));
  }
}

/** Hash of everything that goes into the binary: GYP_INPUTS, header package versions, target. */
export function sourcesHash(arch = process.arch) {
  const h = createHash('sha256');
  for (const rel of GYP_INPUTS) hashInto(h, rel);
  for (const pkg of ['node-addon-api', 'com.github.asus4.onnxruntime']) {
    try {
      h.update(`${pkg}@${requireFromRoot(`${pkg}/package.json`).version}`);
    } catch {
      h.update(`${pkg}@missing`);
    }
  }
  h.update(`${process.env.ORT_INCLUDE_DIR ?? ''}|${targetId(arch)}|${process.versions.node}`);
  return h.digest('hex');
}

/** Is there an addon for `arch` made by this script from the current sources? */
export function addonStatus(arch = process.arch) {
  const file = addonPath(arch);
  if (!existsSync(file)) return { file, fresh: false, reason: `${relative(root, file)} does not exist` };
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile(arch), 'utf8'));
  } catch {
    return { file, fresh: false, reason: `no build stamp (${relative(root, stampFile(arch))})` };
  }
  if (stamp.binary !== sha256(readFileSync(file)))
    return { file, fresh: false, reason: `${relative(root, file)} is not the binary the last build made` };
  if (stamp.sources !== sourcesHash(arch)) return { file, fresh: false, reason: 'native sources changed since the last build' };
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

/** GNU triples of the Linux cross compilers (Debian: g++-<triple with dashes>). */
const TRIPLES = { arm64: 'aarch64-linux-gnu', x64: 'x86_64-linux-gnu' };

const onPath = (cmd) => (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));

/**
 * Compilers and strip for `arch`: the system's own for this machine's architecture, the GNU
 * cross toolchain on Linux for the other one. { env, strip } or { missing: why }.
 */
export function toolchain(arch = process.arch) {
  if (arch === process.arch) return { env: {}, strip: process.platform === 'win32' ? undefined : 'strip' };
  const triple = process.platform === 'linux' ? TRIPLES[arch] : undefined;
  if (!triple)
    return {
      missing: `cross-compiling for ${arch} on ${process.platform}-${process.arch} is not supported: build on a ${process.platform}-${arch} machine`,
    };
  const cxx = `${triple}-g++`;
  if (!onPath(cxx)) return { missing: `${cxx} is not installed (Debian/Ubuntu: apt-get install g++-${triple.replace(/_/g, '-')})` };
  return { env: { CC: `${triple}-gcc`, CXX: cxx, LINK: cxx, AR: `${triple}-ar` }, strip: `${triple}-strip` };
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
 * An addon for `arch` made from the current sources: reuses it when the stamp says it is
 * current, else builds it (force: always). Safe to call from concurrent processes.
 * Returns { file, built, seconds, reason }.
 */
export function ensureAddon({ arch = process.arch, force = false, quiet = true } = {}) {
  return withLock(
    () => {
      const status = addonStatus(arch);
      if (status.fresh && !force) return { file: status.file, built: false, seconds: 0, reason: status.reason };
      const r = buildUnlocked({ arch, quiet });
      return { ...r, built: true, reason: force ? 'forced' : status.reason };
    },
    { onWait: (pid) => console.log(`# waiting for the addon build another process (pid ${pid || '?'}) is making ...`) },
  );
}

function buildUnlocked({ arch, quiet }) {
  const started = Date.now();
  const tools = toolchain(arch);
  if (tools.missing) throw new Error(`cannot build the addon for ${targetId(arch)}: ${tools.missing}`);
  const gyp = nodeGypScript();
  const nodedir = nodeDir();
  const stage = join(stageRoot, targetId(arch));
  for (const rel of [...GYP_INPUTS, 'build', 'ortex.node', 'stamp.json']) rmSync(join(stage, rel), { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const rel of GYP_INPUTS) cpSync(join(root, rel), join(stage, rel), { recursive: true });
  const sources = sourcesHash(arch);

  const args = [gyp, 'rebuild', `--arch=${arch}`, `--jobs=${availableParallelism()}`];
  const env = { ...process.env, ...tools.env };
  if (nodedir) env.npm_config_nodedir = nodedir;
  else console.warn(`gyp-build: no Node headers next to ${process.execPath}; node-gyp will try to download them`);
  if (!quiet)
    console.log(
      `gyp-build: node-gyp rebuild --arch=${arch} (${gyp}, nodedir ${nodedir ?? '(download)'}${tools.env.CXX ? `, CXX=${tools.env.CXX}` : ''}) in ${relative(root, stage)}/`,
    );
  const r = spawnSync(process.execPath, args, {
    cwd: stage,
    env,
    encoding: 'utf8',
    stdio: quiet ? 'pipe' : 'inherit',
    timeout: 20 * 60_000,
  });
  const built = join(stage, 'build', 'Release', 'ortex.node');
  if (r.status !== 0 || !existsSync(built)) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').slice(-60).join('\n');
    throw new Error(
      `node-gyp failed for ${targetId(arch)} (exit ${r.status}, signal ${r.signal}${r.error ? `, ${r.error.message}` : ''})${out.trim() ? `\n${out}` : ''}`,
    );
  }
  const file = addonPath(arch);
  if (tools.strip) {
    const s = spawnSync(tools.strip, [...(process.platform === 'darwin' ? ['-Sx'] : ['--strip-all']), '-o', file, built], {
      encoding: 'utf8',
    });
    if (s.status !== 0) throw new Error(`${tools.strip} failed (exit ${s.status}${s.error ? `, ${s.error.message}` : ''}): ${s.stderr}`);
  } else {
    copyFileSync(built, file);
  }
  const target = binaryTarget(file);
  if (target?.cpu !== arch)
    throw new Error(
      `${relative(root, file)} is a binary for ${target ? `${target.os}-${target.cpu}` : 'nothing recognisable'}, not ${targetId(arch)}`,
    );
  writeFileSync(
    stampFile(arch),
    `${JSON.stringify({ file: relative(root, file), binary: sha256(readFileSync(file)), sources }, null, 2)}\n`,
  );
  return { file, seconds: (Date.now() - started) / 1000 };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flags = new Set(process.argv.slice(2));
  const arch =
    process.argv
      .slice(2)
      .find((a) => a.startsWith('--arch='))
      ?.slice(7) ?? process.arch;
  try {
    const { file, seconds, built, reason } = ensureAddon({ arch, force: !flags.has('--if-stale'), quiet: flags.has('--quiet') });
    if (!built) console.log(`gyp-build: ${relative(root, file)} is current`);
    else
      console.log(
        `gyp-build: ${relative(root, file)} (${statSync(file).size} bytes) in ${seconds.toFixed(1)} s${reason ? ` (${reason})` : ''}`,
      );
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
