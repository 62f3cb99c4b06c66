#!/usr/bin/env node
// The platform packages, npm/<id>/ (id: linux-x64, linux-arm64, darwin-arm64, win32-x64, ...):
// one per platform ortex ships binaries for, each published as its own npm package (@ortex/<id>)
// and listed in ortex's optionalDependencies, so npm installs only the one whose os/cpu/libc fit.
// Each holds ortex.node (node-gyp build, scripts/gyp-build.mjs) beside the ONNX Runtime library
// taken unchanged from onnxruntime-node's npm tarball for that platform (the devDependency, which
// carries every platform's library), ORT's LICENSE and ThirdPartyNotices.txt, ortex's LICENSE,
// and a README saying where each binary came from (with its SHA-256).
//
// npm/<id>/package.json is the committed template (name, version, os/cpu/libc, files: the one
// list of what the package holds); everything else in npm/<id>/ is built here and git-ignored.
//
// Usage: node scripts/platform-package.mjs [--arch=arm64]  build the addon for this OS and that
//                                                          architecture (default: this machine's) and assemble npm/<id>/
//        node scripts/platform-package.mjs --check         check the templates against package.json
//        node scripts/platform-package.mjs --set-version   copy package.json's version into the templates
//                                                          and optionalDependencies (the `npm version` hook)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryTarget } from './binary-target.mjs';
import { ensureAddon, root, targetId } from './gyp-build.mjs';
import { copyNotices } from './ort-notices.mjs';

export const npmDir = join(root, 'npm');
export const ADDON_FILE = 'ortex.node';
export const ORT_LICENSE_FILE = 'ONNXRUNTIME-LICENSE.txt';
export const ORT_NOTICES_FILE = 'ThirdPartyNotices.txt';
const GENERATED = ['README.md', 'LICENSE'];

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
export const rootManifest = () => readJson(join(root, 'package.json'));

/** os, cpu and libc a platform id stands for. */
export function parseId(id) {
  const [os, cpu] = id.split('-');
  return os === 'linuxmusl' ? { os: 'linux', cpu, libc: 'musl' } : { os, cpu, libc: os === 'linux' ? 'glibc' : undefined };
}

/** Every template: [{ id, dir, manifest }], sorted by id. */
export function platformTemplates() {
  return readdirSync(npmDir)
    .filter((d) => existsSync(join(npmDir, d, 'package.json')))
    .sort()
    .map((id) => ({ id, dir: join(npmDir, id), manifest: readJson(join(npmDir, id, 'package.json')) }));
}

/** The ONNX Runtime files a template lists (everything but the addon and the license texts). */
export const runtimeFiles = (manifest) => manifest.files.filter((f) => ![ADDON_FILE, ORT_LICENSE_FILE, ORT_NOTICES_FILE].includes(f));

/** Where the templates disagree with package.json or with their own folder: a list of problems. */
export function templateProblems(main = rootManifest()) {
  const problems = [];
  const deps = main.optionalDependencies ?? {};
  const templates = platformTemplates();
  for (const { id, manifest: m } of templates) {
    const where = `npm/${id}/package.json`;
    const want = parseId(id);
    if (!m.name?.endsWith(`/${id}`)) problems.push(`${where}: name ${m.name} does not end in /${id}`);
    if (m.version !== main.version)
      problems.push(`${where}: version ${m.version}, ortex is ${main.version} (node scripts/platform-package.mjs --set-version)`);
    if (deps[m.name] !== main.version)
      problems.push(`package.json: optionalDependencies["${m.name}"] is ${deps[m.name]}, expected exactly ${main.version}`);
    if (JSON.stringify(m.os) !== JSON.stringify([want.os])) problems.push(`${where}: os ${JSON.stringify(m.os)}, expected ["${want.os}"]`);
    if (JSON.stringify(m.cpu) !== JSON.stringify([want.cpu]))
      problems.push(`${where}: cpu ${JSON.stringify(m.cpu)}, expected ["${want.cpu}"]`);
    if (JSON.stringify(m.libc) !== JSON.stringify(want.libc && [want.libc]))
      problems.push(`${where}: libc ${JSON.stringify(m.libc)}, expected ${JSON.stringify(want.libc && [want.libc])}`);
    for (const f of [ADDON_FILE, ORT_LICENSE_FILE, ORT_NOTICES_FILE])
      if (!m.files?.includes(f)) problems.push(`${where}: files lacks ${f}`);
    if (m.files && runtimeFiles(m).length === 0) problems.push(`${where}: files lists no ONNX Runtime library`);
    for (const key of ['scripts', 'dependencies', 'gypfile'])
      if (m[key] !== undefined) problems.push(`${where}: has "${key}" (a platform package holds files only)`);
  }
  const ids = new Set(templates.map((t) => t.manifest.name));
  for (const name of Object.keys(deps))
    if (!ids.has(name)) problems.push(`package.json: optionalDependencies lists ${name}, which has no npm/<id>/ template`);
  return problems;
}

/** Does npm/<id>/ hold every file its template lists? */
export function isAssembled(id) {
  const dir = join(npmDir, id);
  return existsSync(join(dir, 'package.json')) && readJson(join(dir, 'package.json')).files.every((f) => existsSync(join(dir, f)));
}

/** onnxruntime-node's folder for a platform, and its version (the ORT version). */
function onnxruntimeNode(os, cpu) {
  const pkg = createRequire(join(root, 'package.json')).resolve('onnxruntime-node/package.json');
  return { dir: join(dirname(pkg), 'bin', 'napi-v6', os, cpu), version: readJson(pkg).version };
}

/** " (git abc1234)" for the checkout's commit, with "+changes" when native sources differ from it; "" without git. */
function commit() {
  const head = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return '';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'native', 'binding.gyp'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  return ` (git ${head.stdout.trim()}${dirty ? '+changes' : ''})`;
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The newest glibc / libstdc++ symbol versions an ELF file needs (readelf), e.g. "GLIBC_2.34, GLIBCXX_3.4.30". */
export function elfFloor(file) {
  const r = spawnSync('readelf', ['-V', '--wide', file], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const newest = {};
  for (const [, lib, v] of r.stdout.matchAll(/\b(GLIBC|GLIBCXX|CXXABI)_([\d.]+)\b/g)) {
    const cmp = (a, b) =>
      a
        .split('.')
        .map(Number)
        .reduce((d, x, i) => d || x - (Number(b.split('.')[i]) || 0), 0);
    if (!newest[lib] || cmp(v, newest[lib]) > 0) newest[lib] = v;
  }
  return (
    ['GLIBC', 'GLIBCXX', 'CXXABI']
      .filter((lib) => newest[lib])
      .map((lib) => `${lib}_${newest[lib]}`)
      .join(', ') || 'none'
  );
}

function checkTarget(file, os, cpu) {
  const t = binaryTarget(file);
  if (!t || t.os !== os || t.cpu !== cpu) {
    throw new Error(`${relative(root, file)} is ${t ? `a ${t.format} binary for ${t.os}-${t.cpu}` : 'not a binary'}, not for ${os}-${cpu}`);
  }
}

function readme({ manifest, id, ortVersion, sources, noticesFrom }) {
  const { os, cpu, libc } = parseId(id);
  const lines = [
    `# ${manifest.name}`,
    '',
    `The native part of [ortex](https://www.npmjs.com/package/ortex) ${manifest.version} for ${os}-${cpu}${libc ? ` (${libc})` : ''}: ` +
      `the addon (\`${ADDON_FILE}\`) beside the ONNX Runtime ${ortVersion} library it was built and tested with. ` +
      'ortex lists it as an optional dependency; npm installs it on systems whose os/cpu/libc match. Do not depend on it directly.',
    '',
    '| file | from | SHA-256 |',
    '|---|---|---|',
    ...sources.map((s) => `| \`${s.file}\` | ${s.from} | \`${s.sha256}\` |`),
    '',
    `ONNX Runtime is © Microsoft, MIT-licensed (\`${ORT_LICENSE_FILE}\`); the components it includes are listed in ` +
      `\`${ORT_NOTICES_FILE}\` (from ${noticesFrom}). ortex is MIT-licensed (\`LICENSE\`).`,
  ];
  const floors = sources.filter((s) => s.floor).map((s) => `\`${s.file}\`: ${s.floor}`);
  if (floors.length) lines.push('', `Newest C/C++ runtime symbol versions needed: ${floors.join('; ')}.`);
  return `${lines.join('\n')}\n`;
}

/**
 * Fills npm/<id>/ from an addon binary: the addon, the ONNX Runtime files its template lists
 * (from onnxruntime-node), the license texts and a README. Checks every binary is for the
 * package's os/cpu. Returns { dir, manifest, ortVersion }.
 */
export function assemble(id, { addon }) {
  const dir = join(npmDir, id);
  const manifest = readJson(join(dir, 'package.json'));
  const { os, cpu } = parseId(id);
  const ort = onnxruntimeNode(os, cpu);
  const keep = new Set(['package.json', ...GENERATED, ...manifest.files]);
  for (const f of readdirSync(dir)) if (!keep.has(f)) rmSync(join(dir, f), { recursive: true, force: true });

  checkTarget(addon, os, cpu);
  copyFileSync(addon, join(dir, ADDON_FILE));
  const sources = [{ file: ADDON_FILE, from: `ortex ${manifest.version}${commit()}, node-gyp over binding.gyp (scripts/gyp-build.mjs)` }];
  for (const f of runtimeFiles(manifest)) {
    const src = join(ort.dir, f);
    if (!existsSync(src))
      throw new Error(`onnxruntime-node ${ort.version} has no ${relative(root, src)}: is the devDependency installed (npm install)?`);
    checkTarget(src, os, cpu);
    copyFileSync(src, join(dir, f));
    sources.push({ file: f, from: `onnxruntime-node ${ort.version}, bin/napi-v6/${os}/${cpu}/${f} (unchanged)` });
  }
  for (const s of sources) {
    s.sha256 = sha256(join(dir, s.file));
    if (os === 'linux') s.floor = elfFloor(join(dir, s.file));
  }
  const noticesFrom = copyNotices(ort.version, dir, {
    cacheRoot: join(root, 'build-gyp'),
    names: { license: ORT_LICENSE_FILE, notices: ORT_NOTICES_FILE },
  });
  copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
  writeFileSync(join(dir, 'README.md'), readme({ manifest, id, ortVersion: ort.version, sources, noticesFrom }));
  return { dir, manifest, ortVersion: ort.version, sources };
}

/** Builds the addon for `arch` on this OS (if stale) and assembles its platform package. */
export function buildPlatformPackage({ arch = process.arch, quiet = true } = {}) {
  const id = targetId(arch);
  if (!existsSync(join(npmDir, id, 'package.json'))) {
    throw new Error(
      `ortex has no platform package for ${id} (no npm/${id}/package.json); it ships: ${platformTemplates()
        .map((t) => t.id)
        .join(', ')}`,
    );
  }
  const build = ensureAddon({ arch, quiet });
  return { id, build, ...assemble(id, { addon: build.file }) };
}

/** Writes package.json's version into every template and into optionalDependencies (package.json and its lockfile). */
export function setVersion() {
  const main = rootManifest();
  main.optionalDependencies ??= {};
  for (const { dir, manifest } of platformTemplates()) {
    manifest.version = main.version;
    writeJson(join(dir, 'package.json'), manifest);
    main.optionalDependencies[manifest.name] = main.version;
  }
  writeJson(join(root, 'package.json'), main);
  // The lockfile's root entry mirrors package.json's dependency lists: keep it in step, or the
  // next npm install would rewrite it.
  const lockFile = join(root, 'package-lock.json');
  if (existsSync(lockFile)) {
    const lock = readJson(lockFile);
    if (lock.packages?.['']) lock.packages[''].optionalDependencies = main.optionalDependencies;
    writeJson(lockFile, lock);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  try {
    if (args.includes('--set-version')) setVersion();
    const problems = templateProblems();
    if (problems.length) throw new Error(`platform package templates:\n  ${problems.join('\n  ')}`);
    if (args.includes('--check') || args.includes('--set-version')) {
      console.log(`platform-package: ${platformTemplates().length} templates agree with package.json`);
    } else {
      const arch = args.find((a) => a.startsWith('--arch='))?.slice(7) ?? process.arch;
      const r = buildPlatformPackage({ arch, quiet: !args.includes('--verbose') });
      console.log(
        `platform-package: npm/${r.id}/ (${r.manifest.name}@${r.manifest.version}, ONNX Runtime ${r.ortVersion}; ` +
          `addon ${r.build.built ? `built in ${r.build.seconds.toFixed(1)} s` : 'current'})`,
      );
      for (const s of r.sources)
        console.log(`  ${s.file.padEnd(24)} ${(statSync(join(r.dir, s.file)).size / 1e6).toFixed(1).padStart(6)} MB  ${s.floor ?? ''}`);
    }
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
