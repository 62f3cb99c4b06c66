// One small adapter per binding under test; everything else in the runner is shared.
//
// An adapter turns the plain values of load-pb.mjs into the binding's values (the
// contract forms: Tensor, JS array for sequences, Map, null for an empty optional),
// runs a session, turns outputs back into plain values, and classifies errors:
//   'load' - InferenceSession.create threw
//   'bind' - the binding itself could not represent an input/output (e.g.
//            onnxruntime-node: no bfloat16 Tensor, no sequence/optional values)
//   'run'  - session.run threw (ONNX Runtime's own error)

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isTensorLike } from './compare.mjs';

const require = createRequire(import.meta.url);

// "1 intra-op thread, all optimizations default"
export const SESSION_OPTIONS = Object.freeze({
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  logSeverityLevel: 3,
});

// The ortex build in this repo; ORTEX_ENTRY (a file path) may point at another build.
const ORTEX_ENTRY = process.env.ORTEX_ENTRY
  ? pathToFileURL(path.resolve(process.env.ORTEX_ENTRY))
  : new URL('../../dist/index.js', import.meta.url);

function makeAdapter({ name, version, InferenceSession, Tensor, classify }) {
  const toValue = (v) => {
    if (v === null) return null;
    if (Array.isArray(v)) return v.map(toValue);
    if (v instanceof Map) return new Map(v);
    return new Tensor(v.type, v.data, v.dims);
  };
  const fromValue = (v) => {
    if (v === null || v === undefined) return null;
    if (Array.isArray(v)) return v.map(fromValue);
    if (v instanceof Map) return new Map(v);
    if (isTensorLike(v)) return { type: v.type, data: v.data, dims: Array.from(v.dims, Number) };
    throw new Error(`unrecognised output value (${Object.prototype.toString.call(v)})`);
  };
  const dispose = (v) => {
    if (Array.isArray(v)) v.forEach(dispose);
    else if (v && typeof v.dispose === 'function') v.dispose();
  };
  return {
    name,
    version,
    createSession: (modelPath) => InferenceSession.create(modelPath, { ...SESSION_OPTIONS }),
    toValue,
    run: (session, feeds) => session.run(feeds),
    fromValue,
    disposeOutputs: (out) => Object.values(out ?? {}).forEach(dispose),
    release: async (session) => session?.release?.(),
    classify,
  };
}

// Messages onnxruntime-node@1.30 produces when its JS/N-API layer (not ONNX Runtime)
// cannot represent a value: metadata conversion at create ("Unsupported data type: 16"
// for bfloat16), feeds that are not Tensors (sequence -> "Tensor.dims must be an
// array.", null optional -> "Tensor must be an object."), non-tensor outputs ("Non
// tensor type is temporarily not supported."), and Tensor type checks.
const ORT_NODE_BIND = [
  /^Unsupported data type: \d+$/,
  /^Unsupported tensor type/,
  /^Non tensor type is temporarily not supported/,
  /^Tensor must be an object/,
  /^Tensor\.dims must be an array/,
  /^Tensor\.(type|data|location)/,
  /^'feeds' must be an object/,
  /invalid (data )?location/i,
];

export const BINDINGS = {
  'onnxruntime-node': {
    available() {
      try {
        require.resolve('onnxruntime-node');
        return { ok: true };
      } catch {
        return { ok: false, reason: 'onnxruntime-node is not installed: run npm ci' };
      }
    },
    async load() {
      const { default: ort } = await import('onnxruntime-node');
      ort.env.logLevel = 'error';
      const version = require('onnxruntime-node/package.json').version;
      return makeAdapter({
        name: 'onnxruntime-node',
        version: `onnxruntime-node ${version}`,
        InferenceSession: ort.InferenceSession,
        Tensor: ort.Tensor,
        classify(phase, err) {
          if (phase === 'feed' || phase === 'fetch') return 'bind';
          const msg = String(err?.message ?? err);
          if (ORT_NODE_BIND.some((re) => re.test(msg))) return 'bind';
          return phase === 'create' ? 'load' : 'run';
        },
      });
    },
  },

  ortex: {
    available() {
      if (!fs.existsSync(fileURLToPath(ORTEX_ENTRY))) {
        return {
          ok: false,
          reason: process.env.ORTEX_ENTRY
            ? `ortex not found at ${fileURLToPath(ORTEX_ENTRY)} (ORTEX_ENTRY)`
            : 'ortex not built: run npm run build',
        };
      }
      return { ok: true };
    },
    async load() {
      // i.e. `import * as ortex from '../../dist/index.js'`
      const ortex = await import(ORTEX_ENTRY.href);
      let version = 'ortex';
      try {
        const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
        version = `ortex ${pkg.version}`;
        const info = typeof ortex.runtimeInfo === 'function' ? await ortex.runtimeInfo() : ortex.runtimeInfo;
        const ortVersion = info && (info.ortVersion ?? info.onnxruntimeVersion ?? info.version);
        if (ortVersion) version += ` (ONNX Runtime ${ortVersion})`;
      } catch {
        /* version string only */
      }
      return makeAdapter({
        name: 'ortex',
        version,
        InferenceSession: ortex.InferenceSession,
        Tensor: ortex.Tensor,
        // OrtexError codes (docs/CONTRACT.md) decide the class.
        classify(phase, err) {
          if (phase === 'feed' || phase === 'fetch') return 'bind';
          if (phase === 'create') return 'load';
          const code = err?.code;
          if (code === 'ERR_INVALID_INPUT' || code === 'ERR_INVALID_ARGUMENT') return 'bind';
          return 'run';
        },
      });
    },
  },
};
