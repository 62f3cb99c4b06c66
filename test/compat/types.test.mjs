// Compatibility of the TypeScript surface: types/drop-in.ts (code written against
// onnxruntime-common's types: TypedTensor, Tensor.Type, InferenceSession.SessionOptions, typed
// run() results, env, and the calls that must not compile) compiles in strict mode with 0 errors
// against onnxruntime-common and against ortex's published .d.ts.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';
import { ROOT } from '../helpers/index.mjs';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'types', 'drop-in.ts');
const TARGETS = {
  'onnxruntime-common': join(ROOT, 'node_modules', 'onnxruntime-common', 'dist', 'esm', 'index.d.ts'),
  ortex: join(ROOT, 'dist', 'index.d.ts'),
};

function compile(target) {
  const program = ts.createProgram([SOURCE], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    skipLibCheck: true,
    paths: { 'compat-target': [target] },
    baseUrl: ROOT,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

for (const [name, target] of Object.entries(TARGETS)) {
  test(`types/drop-in.ts compiles against ${name} with 0 errors (strict)`, () => {
    const errors = compile(target);
    console.log(`compat types: ${name}: ${errors.length} errors`);
    assert.equal(errors, [], errors.join('\n'));
  });
}

test.run();
