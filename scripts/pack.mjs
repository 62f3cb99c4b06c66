#!/usr/bin/env node
// `npm run pack:all`: the tarballs a release publishes, into pack/ (or --out=DIR):
//   ortex-<version>.tgz            the JavaScript, types, CLI and demo model (no binaries);
//   ortex-<id>-<version>.tgz       one per platform package (@ortex/<id>) assembled in npm/<id>/.
// Builds the TypeScript, then the platform package for this machine and, on Linux, the other
// architecture too when its cross compiler is installed (scripts/platform-package.mjs); packages
// assembled elsewhere (release CI copies them into npm/<id>/) are packed as they are.
//
// The main package is packed from a staging copy (pack/stage/ortex/) whose package.json has no
// scripts, devDependencies or allowScripts: the published manifest carries nothing that runs on
// install and no dev tooling (`prepare` builds from source, which a user never does). The file
// list is the one npm computes from package.json's `files`. A plain `npm pack`/`npm publish` in
// the checkout is refused by scripts/prepack.mjs for the same reason.
//
// Usage: node scripts/pack.mjs [--out=DIR] [--no-build] [--platform=<id>]... [--require-all]
//   --no-build      pack dist/ as it is (tests that have just built it; default: rebuild it from scratch)
//   --platform=ID   build these platform packages (default: this machine's, plus the cross one)
//   --require-all   fail unless every platform in optionalDependencies was packed (a release)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, targetId, toolchain } from './gyp-build.mjs';
import { npmCli } from './npm-cli.mjs';
import { buildPlatformPackage, isAssembled, parseId, platformTemplates, rootManifest, templateProblems } from './platform-package.mjs';

/** Keys of the checkout's package.json that the published one leaves out. */
export const DEV_ONLY_KEYS = ['scripts', 'devDependencies', 'allowScripts'];

function npm(args, { cwd = root } = {}) {
  const r = spawnSync(process.execPath, [npmCli(), ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60_000,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  if (r.status !== 0)
    throw new Error(
      `npm ${args.join(' ')} failed (exit ${r.status}):\n${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-20).join('\n')}`,
    );
  return r.stdout;
}

/** `npm pack --json` output: the first JSON array on stdout (lifecycle noise may precede it). */
const packJson = (out) => JSON.parse(out.slice(out.indexOf('[')))[0];

/** Platform ids to build here: this machine's, plus on Linux the other architecture if its cross compiler is installed. */
export function defaultPlatforms() {
  const ids = [targetId()];
  if (process.platform === 'linux') {
    for (const arch of ['x64', 'arm64']) if (arch !== process.arch && !toolchain(arch).missing) ids.push(targetId(arch));
  }
  const templates = new Set(platformTemplates().map((t) => t.id));
  return ids.filter((id) => templates.has(id));
}

/** dist/ files that no lib/ source builds any more (left over from a deleted or moved source). */
export function staleOutputs(files) {
  const sources = new Set(readdirSync(join(root, 'lib'), { recursive: true }).map((f) => f.split('\\').join('/').replace(/\.ts$/, '')));
  return new Set(
    files.filter((f) => /^dist\/.*\.(js|d\.ts)$/.test(f) && !sources.has(f.replace(/^dist\/(cjs\/)?/, '').replace(/\.(js|d\.ts)$/, ''))),
  );
}

/**
 * Copies what npm would pack from the checkout into `stage` (less stale dist/ outputs) and
 * writes the published package.json.
 */
function stageMain(stage, log) {
  const listed = packJson(npm(['pack', '--dry-run', '--json', '--ignore-scripts']));
  const stale = staleOutputs(listed.files.map((f) => f.path));
  if (stale.size) log(`pack: left out ${stale.size} stale file(s) in dist/ with no source in lib/: ${[...stale].join(', ')}`);
  rmSync(stage, { recursive: true, force: true });
  for (const { path } of listed.files) {
    if (path === 'package.json' || stale.has(path)) continue;
    mkdirSync(dirname(join(stage, path)), { recursive: true });
    cpSync(join(root, path), join(stage, path));
  }
  const manifest = rootManifest();
  for (const key of DEV_ONLY_KEYS) delete manifest[key];
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Packs the main package and every assembled platform package into `out`. Returns
 * { main, platforms: [{ id, ...packInfo }], missing: [package names], built: [...] }, where a pack info is
 * { file, name, version, size, unpackedSize, entryCount, files }.
 */
export function packAll({
  out = join(root, 'pack'),
  build = true,
  platforms = defaultPlatforms(),
  requireAll = false,
  log = console.log,
} = {}) {
  const problems = templateProblems();
  if (problems.length) throw new Error(`platform package templates:\n  ${problems.join('\n  ')}`);
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(out)) if (/^ortex-.*\.tgz$/.test(f)) rmSync(join(out, f));

  if (build) {
    // From an empty dist/, so that no output of a deleted source file ships.
    log('pack: building the TypeScript into an empty dist/ (npm run build:ts)');
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    npm(['run', 'build:ts']);
  }
  if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(join(root, 'dist', 'cjs', 'index.js'))) {
    throw new Error('dist/ is not built: run npm run build:ts');
  }
  const built = [];
  for (const id of platforms) {
    const { cpu } = parseId(id);
    const r = buildPlatformPackage({ arch: cpu });
    log(
      `pack: npm/${id}/ assembled (addon ${r.build.built ? `built in ${r.build.seconds.toFixed(1)} s` : 'current'}, ONNX Runtime ${r.ortVersion})`,
    );
    built.push(r);
  }

  const pack = (dir) => {
    const info = packJson(npm(['pack', dir, '--json', '--ignore-scripts', '--pack-destination', out]));
    return { ...info, file: join(out, info.filename), files: info.files.map((f) => f.path).sort() };
  };
  stageMain(join(out, 'stage', 'ortex'), log);
  const main = pack(join(out, 'stage', 'ortex'));
  const packed = [];
  const missing = [];
  for (const { id, dir, manifest } of platformTemplates()) {
    if (!isAssembled(id)) missing.push(manifest.name);
    else packed.push({ ...pack(dir), id });
  }
  rmSync(join(out, 'stage'), { recursive: true, force: true });
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
  const shown = (f) => (f.startsWith(`${root}/`) ? relative(root, f) : f);
  for (const p of [main, ...packed])
    log(`pack: ${shown(p.file)}  ${mb(p.size)} packed, ${mb(p.unpackedSize)} unpacked, ${p.entryCount} files`);
  if (missing.length) {
    log(
      `pack: not packed (not assembled here): ${missing.join(', ')}` +
        ' — build each on its platform (npm run build:platform) or copy it into npm/<id>/ (see docs/getting-started.md#releasing)',
    );
    if (requireAll) throw new Error(`--require-all: ${missing.length} platform package(s) missing: ${missing.join(', ')}`);
  }
  return { main, platforms: packed, missing, built };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (name) => args.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
  try {
    const r = packAll({
      out: value('out')[0] ? resolve(value('out')[0]) : undefined,
      build: !args.includes('--no-build'),
      platforms: value('platform').length ? value('platform') : undefined,
      requireAll: args.includes('--require-all'),
    });
    const here = r.platforms.find((p) => p.id === targetId());
    if (here) {
      console.log(
        `\nInstall on this system, before publishing: npm install ${r.main.file} ${here.file}` +
          '\n(elsewhere: ortex with the platform tarball for that system; docs/getting-started.md#before-ortex-is-on-the-registry)',
      );
    }
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
