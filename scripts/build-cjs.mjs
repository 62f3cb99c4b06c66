#!/usr/bin/env node
// CommonJS build of lib/ into dist/cjs/ (the `require` entry of package.json's exports map), run
// after the ESM build (`postbuild:ts`). Same sources, tsconfig.cjs.json (module commonjs), and one
// transform: ESM-only `import.meta` becomes its CommonJS equivalent, so lib/ keeps writing
// `createRequire(import.meta.url)` and the like:
//   import.meta.url      -> require('node:url').pathToFileURL(__filename).href   (via module.require:
//                           a file may declare its own `const require = createRequire(...)`)
//   import.meta.filename -> __filename
//   import.meta.dirname  -> __dirname
// and a top-level `const require = createRequire(...)` is dropped: in CommonJS the module's own
// `require` is the same thing, and redeclaring it is an error (TS2441, and a SyntaxError at load).
// Any other use of import.meta fails the build. A file with top-level await is a process entry
// script (e.g. a child spawned by path), which CommonJS cannot express: dist/cjs/ gets a stub of
// that name that imports the ESM build of it. dist/cjs/package.json says {"type":"commonjs"}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ts = createRequire(join(root, 'package.json'))('typescript');

const configPath = join(root, 'tsconfig.cjs.json');
const parsed = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
);
const outDir = parsed.options.outDir;

// TS1343: "The 'import.meta' meta-property is only allowed when the '--module' option is ..."
// TS1470: "The 'import.meta' meta-property is not allowed in files which will build into CommonJS output."
const IMPORT_META_CODES = new Set([1343, 1470]);
const problems = [];

/** `const require = createRequire(...)` at the top level of a file. */
function isCreateRequireDeclaration(statement) {
  if (!ts.isVariableStatement(statement)) return false;
  const [decl, ...more] = statement.declarationList.declarations;
  return (
    more.length === 0 &&
    ts.isIdentifier(decl.name) &&
    decl.name.text === 'require' &&
    decl.initializer !== undefined &&
    ts.isCallExpression(decl.initializer) &&
    ts.isIdentifier(decl.initializer.expression) &&
    decl.initializer.expression.text === 'createRequire'
  );
}

function importMetaTransformer(context) {
  const f = context.factory;
  return (sourceFile) => {
    sourceFile = f.updateSourceFile(
      sourceFile,
      sourceFile.statements.filter((s) => !isCreateRequireDeclaration(s)),
    );
    const visit = (node) => {
      if (
        ts.isPropertyAccessExpression(node) &&
        ts.isMetaProperty(node.expression) &&
        node.expression.keywordToken === ts.SyntaxKind.ImportKeyword
      ) {
        const name = node.name.text;
        if (name === 'filename') return f.createIdentifier('__filename');
        if (name === 'dirname') return f.createIdentifier('__dirname');
        if (name === 'url') {
          // module.require('node:url').pathToFileURL(__filename).href
          const urlModule = f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier('module'), 'require'), undefined, [
            f.createStringLiteral('node:url'),
          ]);
          const fileUrl = f.createCallExpression(f.createPropertyAccessExpression(urlModule, 'pathToFileURL'), undefined, [
            f.createIdentifier('__filename'),
          ]);
          return f.createPropertyAccessExpression(fileUrl, 'href');
        }
      }
      if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
        const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
        problems.push(
          `${relative(root, sourceFile.fileName)}:${line + 1}: import.meta${ts.isPropertyAccessExpression(node.parent) ? `.${node.parent.name.text}` : ''} has no CommonJS equivalent in scripts/build-cjs.mjs`,
        );
        return node;
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(sourceFile, visit);
  };
}

/** Top-level await (outside any function): the file only works as an ES module. */
function hasTopLevelAwait(sourceFile) {
  let found = false;
  const visit = (node) => {
    if (found || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sourceFile, visit);
  return found;
}

const entryScripts = parsed.fileNames.filter((f) => hasTopLevelAwait(ts.createSourceFile(f, ts.sys.readFile(f), ts.ScriptTarget.Latest)));
const rootNames = parsed.fileNames.filter((f) => !entryScripts.includes(f));
const program = ts.createProgram({ rootNames, options: parsed.options, projectReferences: parsed.projectReferences });
// TS2441 "Duplicate identifier 'require'" on the declarations the transform drops.
const droppedRequires = new Set();
for (const file of program.getSourceFiles()) {
  if (file.isDeclarationFile) continue;
  for (const s of file.statements) {
    if (isCreateRequireDeclaration(s)) droppedRequires.add(`${file.fileName}:${s.declarationList.declarations[0].name.getStart(file)}`);
  }
}
const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)].filter(
  (d) => !IMPORT_META_CODES.has(d.code) && !(d.code === 2441 && d.file && droppedRequires.has(`${d.file.fileName}:${d.start}`)),
);
const emitted = program.emit(undefined, undefined, undefined, false, { before: [importMetaTransformer] });
diagnostics.push(...emitted.diagnostics);

if (diagnostics.length || problems.length) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  if (diagnostics.length) console.error(ts.formatDiagnostics(diagnostics, host));
  for (const p of problems) console.error(p);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'package.json'), '{\n  "type": "commonjs"\n}\n');
const rootDir = parsed.options.rootDir ?? join(root, 'lib');
const esmOutDir = join(root, 'dist');
for (const file of entryScripts) {
  const rel = relative(rootDir, file).replace(/\.[cm]?ts$/, '.js');
  const esm = relative(dirname(join(outDir, rel)), join(esmOutDir, rel))
    .split('\\')
    .join('/');
  mkdirSync(dirname(join(outDir, rel)), { recursive: true });
  writeFileSync(
    join(outDir, rel),
    `"use strict";\n// ${relative(root, file)} uses top-level await: run its ES module build.\n` +
      `import(require('node:url').pathToFileURL(require('node:path').join(__dirname, ${JSON.stringify(esm)})).href);\n`,
  );
}
console.log(`build-cjs: ${parsed.fileNames.length} files -> ${relative(root, outDir)}/ (CommonJS)`);
