// Answers written as JSON text directly (lib/server/json-text.ts, encodePredictJson): the text is
// exactly what JSON.stringify writes for the same values — special numbers (NaN, ±Infinity, -0,
// exponents), every numeric element type, the large-array path, labels that need escaping,
// rows without labels, zero rows, and the JSON.stringify fallback for non-numeric outputs; and
// the v2 infer answer (encodeResponse) against JSON.stringify of the same answer object.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { oipName } from '../../dist/server/datatypes.js';
import { numbersJson, numericData } from '../../dist/server/json-text.js';
import { encodeResponse } from '../../dist/server/oip.js';
import { encodePredict, encodePredictJson } from '../../dist/server/predict.js';
import { tensorToBinary, tensorToJson } from '../../dist/server/tensor-codec.js';
import { Tensor } from '../../dist/tensor/tensor.js';

const SPECIAL = [0, -0, 1, -1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, 5e-7, 0.1, 3.4028234663852886e38];

test('numbersJson writes what JSON.stringify writes, for every numeric type and size', () => {
  const cases = [
    Float32Array.from(SPECIAL),
    Float64Array.from(SPECIAL),
    Int8Array.from([-128, 0, 127]),
    Uint8Array.from([0, 255]),
    Int16Array.from([-32768, 32767]),
    Uint16Array.from([65535]),
    Int32Array.from([-2147483648, 2147483647]),
    Uint32Array.from([4294967295]),
    BigInt64Array.from([-(2n ** 53n), 0n, 2n ** 62n]),
    BigUint64Array.from([0n, 2n ** 64n - 1n]),
    new Float32Array(0),
    Float64Array.from({ length: 1500 }, (_, i) => (i % 7 === 0 ? Number.NaN : i / 3)),
  ];
  for (const data of cases) {
    const expected = JSON.stringify(Array.from(data, Number));
    assert.is(numbersJson(data, 0, data.length), expected, data.constructor.name);
    if (data.length > 2) assert.is(numbersJson(data, 1, data.length - 1), JSON.stringify(Array.from(data, Number).slice(1, -1)));
  }
});

test('only numeric tensors are written directly', () => {
  assert.ok(numericData(new Tensor('float32', new Float32Array(2), [2])));
  assert.ok(numericData(new Tensor('int64', new BigInt64Array(2), [2])));
  assert.is(numericData(new Tensor('bool', new Uint8Array(2), [2])), undefined);
  assert.is(numericData(new Tensor('string', ['a', 'b'], [2])), undefined);
  assert.is(numericData(new Tensor('float16', new Uint16Array(2), [2])), undefined);
});

/** A model version as /predict's plan reads it: one input, one output, optional labels. */
function version(outputType, outputShape, labels) {
  return {
    model: 'm',
    inputMetadata: [{ name: 'x', isTensor: true, kind: 'tensor', type: 'float32', shape: [null, 4] }],
    outputMetadata: [{ name: 'y', isTensor: true, kind: 'tensor', type: outputType, shape: outputShape }],
    config: labels ? { outputs: { y: { labels } } } : {},
    modelMetadata: {},
  };
}

const viaStringify = (outputs, v) => JSON.stringify({ ...encodePredict(outputs, v), status: 'success' });

test('encodePredictJson is the JSON.stringify text of the /predict answer', () => {
  const cases = [
    ['labels, one row', version('float32', [null, 3], ['a', 'b', 'c']), new Tensor('float32', Float32Array.from([0.1, 0.7, 0.2]), [1, 3])],
    [
      'labels that need escaping, rows with NaN and ties',
      version('float32', [null, 3], ['say "hi"', 'é\n\u2028', '\\']),
      new Tensor('float32', Float32Array.from([Number.NaN, 1, 0, 0.5, 0.5, 0.25, -0, 0, Number.POSITIVE_INFINITY, 1, 2, 3]), [4, 3]),
    ],
    ['labels, zero rows', version('float32', [null, 3], ['a', 'b', 'c']), new Tensor('float32', new Float32Array(0), [0, 3])],
    [
      'labels whose count does not match the row',
      version('float32', [null, 3], ['a', 'b']),
      new Tensor('float32', Float32Array.from([1, 2, 3]), [1, 3]),
    ],
    [
      'no labels, one value per row',
      version('float64', [null, 1]),
      new Tensor('float64', Float64Array.from([1.5, Number.NaN, -0]), [3, 1]),
    ],
    ['no labels, several values per row', version('int32', [null, 2]), new Tensor('int32', Int32Array.from([1, 2, 3, 4]), [2, 2])],
    ['a scalar output', version('float32', []), new Tensor('float32', Float32Array.from([0.25]), [])],
    ['int64 labels output', version('int64', [null]), new Tensor('int64', BigInt64Array.from([2n, 0n]), [2])],
    [
      'int64 scores with labels',
      version('int64', [null, 2], ['lo', 'hi']),
      new Tensor('int64', BigInt64Array.from([1n, 5n, 7n, 3n]), [2, 2]),
    ],
    ['a string output (JSON.stringify fallback)', version('string', [null]), new Tensor('string', ['x', 'y"z'], [2])],
    ['a bool output (JSON.stringify fallback)', version('bool', [null]), new Tensor('bool', Uint8Array.from([1, 0]), [2])],
    [
      'a wide row (JSON.stringify inside)',
      version('float32', [null, 2000]),
      new Tensor(
        'float32',
        Float32Array.from({ length: 2000 }, (_, i) => i / 7),
        [1, 2000],
      ),
    ],
  ];
  for (const [name, v, t] of cases) {
    const outputs = { y: t };
    const text = encodePredictJson(outputs, v);
    assert.is(text, viaStringify(outputs, v), name);
    assert.ok(JSON.parse(text).status === 'success', name);
  }
});

test('the v2 answer text is JSON.stringify of { model_name, model_version, id, outputs }', () => {
  const tensors = {
    probabilities: new Tensor('float32', Float32Array.from([0.1, Number.NaN, 0.7, -0, 1e-9, 2]), [2, 3]),
    label: new Tensor('int64', BigInt64Array.from([2n, 0n]), [2]),
    text: new Tensor('string', ['a "quoted"\n', ''], [2]),
    flag: new Tensor('bool', Uint8Array.from([1, 0, 1]), [3]),
    half: new Tensor('float16', Uint16Array.from([0x3c00, 0x7e00]), [2]),
  };
  const v = {
    model: 'm "x"',
    version: '7',
    outputMetadata: Object.entries(tensors).map(([name, t]) => ({
      name,
      isTensor: true,
      kind: 'tensor',
      type: t.type,
      shape: [...t.dims],
    })),
  };
  const wantedSets = [
    Object.keys(tensors).map((name) => ({ name, binary: false })),
    [
      { name: 'probabilities', binary: true },
      { name: 'label', binary: false },
      { name: 'text', binary: true },
    ],
    [],
  ];
  for (const wanted of wantedSets) {
    const binaries = [];
    const expected = JSON.stringify({
      model_name: v.model,
      model_version: v.version,
      id: 'req "1"',
      outputs: wanted.map(({ name, binary }) => {
        const t = tensors[name];
        const base = { name, datatype: oipName(t.type), shape: t.dims };
        if (!binary) return { ...base, data: tensorToJson(t) };
        const bytes = tensorToBinary(t);
        binaries.push(bytes);
        return { ...base, parameters: { binary_data_size: bytes.byteLength } };
      }),
    });
    const answer = encodeResponse(v, 'req "1"', tensors, wanted);
    if (binaries.length === 0) {
      assert.is(answer.body, expected);
      assert.is(answer.headerLength, undefined);
    } else {
      assert.is(answer.headerLength, Buffer.byteLength(expected));
      assert.equal(Buffer.from(answer.body), Buffer.concat([Buffer.from(expected), ...binaries]));
    }
  }
});

test.run();
