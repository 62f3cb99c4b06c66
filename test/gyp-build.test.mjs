// binding.gyp builds the same addon as CMakeLists.txt, with node-gyp (scripts/gyp-build.mjs, the
// build the platform packages ship), that binary loads and runs; on a Linux x64 host it also
// cross-compiles for arm64 with Debian's g++-aarch64-linux-gnu, and the arm64 platform package is
// checked with file/readelf (it cannot run here).
// Compiling takes 15-60 s per target on 2 shared cores, so it is done only when the build is
// missing or older than the sources (a stamp holds the hash of binding.gyp, native/* and the
// header packages, and of the binary it produced); ORTEX_TEST_REBUILD_GYP=1 forces it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { binaryTarget } from '../scripts/binary-target.mjs';
import { addonStatus, ensureAddon, root, targetId, toolchain } from '../scripts/gyp-build.mjs';
import { assemble, elfFloor, npmDir } from '../scripts/platform-package.mjs';

const DEMO = `${root}/models/demo.onnx`;
const DIST = pathToFileURL(`${root}/dist/index.js`).href;
const force = !!process.env.ORTEX_TEST_REBUILD_GYP;
const tool = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });
let file;

function build(arch) {
  const r = ensureAddon({ arch, force });
  console.log(
    r.built
      ? `# ${relative(root, r.file)} compiled by node-gyp in ${r.seconds.toFixed(1)} s (${r.reason})`
      : `# ${relative(root, r.file)} was built by binding.gyp from the current sources; not recompiling`,
  );
  assert.ok(addonStatus(arch).fresh);
  assert.is(relative(root, r.file), join('build-gyp', targetId(arch), 'ortex.node'));
  return r.file;
}

/** Dynamic symbols an ELF file defines (readelf reads every architecture). */
function definedSymbols(elf) {
  const r = tool('readelf', ['--dyn-syms', '--wide', '-C', elf]);
  if (r.error) return undefined;
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && /^\d+:$/.test(f[0]) && f[6] !== 'UND' && f[4] !== 'LOCAL')
    .map((f) => f.slice(7).join(' '))
    .filter(Boolean);
}

// libstdc++'s headers give their template instantiations default visibility; nothing of ours
// (ortex::, Ort:: wrappers with the ORT API pointer) may be visible to other modules.
const isStd = (n) => /^(?:(?:typeinfo|typeinfo name|vtable|guard variable) for )?(?:[^\s(]+ )?(?:std|__gnu_cxx)::/.test(n);

function checkExports(elf) {
  const names = definedSymbols(elf);
  if (!names) return console.log('# readelf not available: symbol check skipped');
  assert.equal(names.filter((n) => !isStd(n)).sort(), ['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
  assert.not.ok(
    names.some((n) => /\bOrt::|\bortex::/.test(n)),
    'no Ort:: or ortex:: symbol exported',
  );
  assert.match(tool('readelf', ['-S', '--wide', elf]).stdout, /\.dynsym/);
  assert.not.match(tool('readelf', ['-S', '--wide', elf]).stdout, /\.symtab/, 'stripped: no static symbol table');
}

test('binding.gyp compiles: the addon for this platform lands in build-gyp/<platform>-<arch>/', () => {
  file = build(process.arch);
  const target = binaryTarget(file);
  assert.is(`${target.os}-${target.cpu}`, `${process.platform}-${process.arch}`, `a ${target.format} binary for this platform`);
});

test('only the N-API entry points are exported (hidden visibility), and the binary is stripped', () => {
  if (process.platform !== 'linux') return console.log('# symbol check runs on Linux only');
  checkExports(file);
});

function runDemo(addon) {
  const code = `
    const { InferenceSession, Tensor, runtimeInfo } = await import(${JSON.stringify(DIST)});
    const s = await InferenceSession.create(${JSON.stringify(DEMO)});
    const out = await s.run({ features: new Tensor('float32', Float32Array.from([0.5, -1, 2, 0.25, 1, 1, 1, 1]), [2, 4]) });
    console.log(JSON.stringify({ addon: runtimeInfo().addonPath, dims: out.probabilities.dims, data: Array.from(out.probabilities.data) }));
    await s.release();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ORTEX_NATIVE_PATH: addon },
  });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

test('the node-gyp build loads and runs demo.onnx like the cmake-js build', () => {
  const gyp = runDemo(file);
  assert.is(gyp.addon, file);
  assert.equal(gyp.dims, [2, 3]);
  const cmake = runDemo(`${root}/build/Release/ortex.node`);
  assert.equal(gyp.data, cmake.data, 'same sources, same ORT: identical outputs');
  for (const row of [gyp.data.slice(0, 3), gyp.data.slice(3)]) {
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'softmax rows sum to 1');
  }
});

test('linux-arm64: cross-compiled with g++-aarch64-linux-gnu, an AArch64 addon beside the AArch64 ONNX Runtime', () => {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return console.log(`# cross-build check runs on linux-x64 hosts (here: ${targetId()})`);
  const tools = toolchain('arm64');
  if (tools.missing) return console.log(`# SKIP arm64 cross-build: ${tools.missing}`);
  const arm = build('arm64');
  const desc = tool('file', ['-b', arm]);
  if (!desc.error) {
    console.log(`# file: ${desc.stdout.trim()}`);
    assert.match(desc.stdout, /ELF 64-bit LSB shared object, ARM aarch64/);
    assert.match(desc.stdout, /stripped/);
  }
  const header = tool('readelf', ['-h', '-d', '--wide', arm]);
  if (header.error) return console.log('# readelf not available: ELF checks skipped');
  assert.match(header.stdout, /Machine:\s+AArch64/);
  const needed = [...header.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]).sort();
  assert.not.ok(
    needed.some((n) => /onnxruntime/.test(n)),
    `ONNX Runtime is dlopen'ed, never linked (NEEDED: ${needed.join(', ')})`,
  );
  assert.ok(needed.includes('libc.so.6') && needed.includes('libstdc++.so.6'), needed.join(', '));
  checkExports(arm);

  const pkg = assemble('linux-arm64', { addon: arm });
  const ort = join(npmDir, 'linux-arm64', 'libonnxruntime.so.1');
  assert.is(binaryTarget(ort).cpu, 'arm64');
  assert.match(tool('readelf', ['-h', ort]).stdout, /Machine:\s+AArch64/);
  const readme = readFileSync(join(npmDir, 'linux-arm64', 'README.md'), 'utf8');
  for (const s of pkg.sources) assert.match(readme, s.sha256);
  console.log(
    `# npm/linux-arm64/: addon needs ${elfFloor(join(npmDir, 'linux-arm64', 'ortex.node'))}; ONNX Runtime needs ${elfFloor(ort)}`,
  );
});

test.run();
