// Child of env.test.mjs: `node env-log-level.child.mjs <onnxruntime-node|ortex> <level> <before|after> <model>`
// sets env.logLevel before the first session (or after one exists), then creates and runs a
// session. ONNX Runtime's own log lines go to stderr; the parent counts them.
const [lib, level, when, path] = process.argv.slice(2);
const ort = lib === 'ortex' ? await import('../../dist/index.js') : await import('onnxruntime-node');
const feeds = () => ({ x: new ort.Tensor('float32', new Float32Array(6), [2, 3]) });
if (when === 'after') {
  const first = await ort.InferenceSession.create(path);
  await first.run(feeds());
  await first.release();
  process.stderr.write('--- level set here ---\n');
}
ort.env.logLevel = level;
const s = await ort.InferenceSession.create(path);
await s.run(feeds());
await s.release();
console.log(JSON.stringify({ logLevel: ort.env.logLevel }));
