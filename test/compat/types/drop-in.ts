// Type test: code written against onnxruntime-common's TypeScript API. types.test.mjs compiles it
// twice in strict mode, with 'compat-target' resolved to onnxruntime-common and then to ortex;
// both must give 0 errors (each @ts-expect-error line must be an error in both).
import * as ort from 'compat-target';
import { InferenceSession, Tensor, type TypedTensor } from 'compat-target';

// Tensors: the type follows the form, data follows the type.
const f32: TypedTensor<'float32'> = new Tensor(new Float32Array(4), [2, 2]);
const f32data: Float32Array = f32.data;
const u8 = new Tensor(new Uint8Array(4));
const u8data: Uint8Array = u8.data;
const px: TypedTensor<'uint8'> = new Tensor(new Uint8ClampedArray(4));
const px2: TypedTensor<'uint8'> = new ort.Tensor('uint8', new Uint8ClampedArray(4), [4]);
const i64: TypedTensor<'int64'> = new Tensor('int64', [1n, 2n], [2]);
const i64n: TypedTensor<'int64'> = new Tensor('int64', [1, 2], [2]);
const bools = new Tensor([true, false]) as TypedTensor<'bool'>;
const strs: TypedTensor<'string'> = new Tensor(['a', 'b']);
const strData: string[] = strs.data;
const f16 = new Tensor('float16', new Uint16Array(2)) as TypedTensor<'float16'>;
const numbers = new Tensor('float32', [1, 2, 3, 4], [2, 2]) as TypedTensor<'float32'>;
const reshaped: TypedTensor<'float32'> = numbers.reshape([4]);
const general: Tensor = new Tensor('int32' as Tensor.Type, new Int32Array(2));
const anyData: Tensor.DataType = general.data;
const typeName: Tensor.Type = general.type;
const size: number = general.size;
const dims: readonly number[] = general.dims;
const element: Tensor.ElementType = 1;
const map: Tensor.DataTypeMap['float32'] = new Float32Array(1);
async function read(t: Tensor): Promise<Tensor.DataType> {
  return t.getData();
}

// @ts-expect-error: the constructor needs arguments
new Tensor();
// @ts-expect-error: a type needs data
new Tensor('float32');
// @ts-expect-error: the type of a number array cannot be inferred
new Tensor([1, 2, 3, 4]);
// @ts-expect-error: dims must be an array
new Tensor(new Float32Array(4), 2);
// @ts-expect-error: a Uint8Array tensor is uint8, not bool
new Tensor(new Uint8Array([1, 0])) as TypedTensor<'bool'>;
// @ts-expect-error: a Uint8ClampedArray is uint8 data only
new Tensor('bool', new Uint8ClampedArray(2), [2]);
// @ts-expect-error: Tensor is not callable without new
Tensor('float32', [1, 2, 3, 4], [2, 2]);

// Sessions: every create() form, options and metadata types, typed results.
const options: InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  intraOpNumThreads: 1,
  executionMode: 'sequential',
  logSeverityLevel: 3,
  extra: { session: { disable_prepacking: '1' } },
};
const runOptions: InferenceSession.RunOptions = { logSeverityLevel: 4, tag: 'compat' };
async function main(bytes: Uint8Array, buffer: ArrayBuffer): Promise<number> {
  const a = await InferenceSession.create('model.onnx', options);
  const b = await InferenceSession.create(bytes);
  const c = await InferenceSession.create(buffer, 16, 1024, options);
  const d = await InferenceSession.create(buffer, { intraOpNumThreads: 2 });
  const feeds: InferenceSession.FeedsType = { x: f32 };
  const out = await a.run(feeds);
  const first: Tensor = out[a.outputNames[0]!]!;
  const logits = out.logits as TypedTensor<'float32'>;
  const fetched = await b.run(feeds, ['logits'], runOptions);
  const withNull = await c.run(feeds, { logits: null });
  const withOptions = await d.run(feeds, runOptions);
  const returned: InferenceSession.ReturnType = withOptions;
  for (const m of a.inputMetadata) {
    const meta: InferenceSession.ValueMetadata = m;
    if (meta.isTensor) {
      const t: Tensor.Type = meta.type;
      const shape: ReadonlyArray<number | string> = meta.shape;
      void t;
      void shape;
    }
  }
  a.startProfiling();
  a.endProfiling();
  await a.release();
  void [first, fetched, withNull, returned];
  return logits.data[0]! + (first.dims[0] ?? 0);
}
// @ts-expect-error: options must be an object
InferenceSession.create('model.onnx', 'cpu');

// env
ort.env.logLevel = 'warning';
// @ts-expect-error: not a log level
ort.env.logLevel = 'loud';
const version: string = ort.env.versions.common;

void [f32data, u8data, px, px2, i64, i64n, bools, strData, f16, reshaped, anyData, typeName, size, dims, element, map, read, main, version];
