// binding.gyp builds the same addon as CMakeLists.txt, with node-gyp, through `npm run prebuild`
// (prebuildify --napi --strip; scripts/prebuild.mjs), and that binary loads and runs.
// Compiling takes about a minute on 2 cores, so it is done only when the prebuild is missing or
// older than the sources (a stamp holds the hash of native/*, binding.gyp and the header packages,
// and of the binary it produced); ORTEX_TEST_REBUILD_GYP=1 forces it. Concurrent runs take turns.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensurePrebuild, prebuildStatus, root } from '../scripts/prebuild.mjs';

const DEMO = `${root}/models/demo.onnx`;
const DIST = pathToFileURL(`${root}/dist/index.js`).href;
let file;

test('binding.gyp compiles: npm run prebuild puts the addon in prebuilds/<platform>-<arch>/', () => {
  const r = ensurePrebuild({ force: !!process.env.ORTEX_TEST_REBUILD_GYP });
  console.log(
    r.built
      ? `# ${relative(root, r.file)} compiled by node-gyp in ${r.seconds.toFixed(1)} s (${r.reason})`
      : `# ${relative(root, r.file)} was built by binding.gyp from the current sources; not recompiling`,
  );
  file = r.file;
  assert.ok(prebuildStatus().fresh);
  assert.match(relative(root, file), new RegExp(`^prebuilds/${process.platform}-${process.arch}/ortex\\.napi(\\.(glibc|musl))?\\.node$`));
});

test('only the N-API entry points are exported (hidden visibility), and the binary is stripped', () => {
  if (process.platform !== 'linux') return console.log('# symbol check runs on Linux only');
  const nm = spawnSync('nm', ['-D', '--defined-only', '-C', file], { encoding: 'utf8' });
  if (nm.error) return console.log(`# nm not available (${nm.error.code}): symbol check skipped`);
  assert.is(nm.status, 0, nm.stderr);
  const names = nm.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^\S*\s+\S\s+/, ''));
  // libstdc++'s headers give their template instantiations default visibility; nothing of ours
  // (ortex::, Ort:: wrappers with the ORT API pointer) may be visible to other modules.
  const isStd = (n) => /^(?:(?:typeinfo|typeinfo name|vtable|guard variable) for )?(?:[^\s(]+ )?(?:std|__gnu_cxx)::/.test(n);
  const ours = names.filter((n) => !isStd(n));
  assert.equal(ours.sort(), ['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
  assert.not.ok(
    names.some((n) => /\bOrt::|\bortex::/.test(n)),
    'no Ort:: or ortex:: symbol exported',
  );
  const symtab = spawnSync('nm', [file], { encoding: 'utf8' });
  assert.match(symtab.stderr + symtab.stdout, /no symbols/, '--strip removed the static symbol table');
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

test.run();
