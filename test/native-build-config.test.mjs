// Build constants live in native/build.json: CMakeLists.txt and binding.gyp read it instead of
// repeating the N-API version and the defines, and the addon reports the version it was built for.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession } from '../dist/index.js';
import { binding } from '../dist/native/runtime.js';
import { ROOT, model } from './helpers/index.mjs';

const config = JSON.parse(readFileSync(join(ROOT, 'native', 'build.json'), 'utf8'));

test('native/build.json holds the N-API version and the defines', () => {
  assert.ok(Number.isInteger(config.napiVersion) && config.napiVersion >= 8, `napiVersion ${config.napiVersion}`);
  assert.ok(Array.isArray(config.defines) && config.defines.length > 0);
  assert.ok(Number(process.versions.napi) >= config.napiVersion, `this Node has N-API ${process.versions.napi}`);
});

test('CMakeLists.txt and binding.gyp read it rather than repeat it', () => {
  for (const file of ['CMakeLists.txt', 'binding.gyp']) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    assert.ok(text.includes('native/build.json'), `${file} reads native/build.json`);
    assert.not.match(text, /NAPI_VERSION=\d/, `${file} writes an N-API version of its own`);
    for (const define of config.defines) assert.not.ok(text.includes(define), `${file} repeats the define ${define}`);
  }
});

test('the built addon reports the same N-API version', async () => {
  await (await InferenceSession.create(model('demo.onnx'))).release();
  assert.is(binding().napiVersion, config.napiVersion);
});

test.run();
