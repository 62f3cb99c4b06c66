// The import graph of lib/, read with TypeScript's own parser (no regexes): for every lib/**/*.ts
// file, each module it names, how (a static value import, a type-only import, a dynamic import())
// and, for a file of lib/, which file that is.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LIB = join(ROOT, 'lib');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** Repository-relative, forward slashes: lib/session/session.ts. */
export const rel = (file) => relative(ROOT, file).split('\\').join('/');

/** Every lib/**\/*.ts source (declaration files excepted), sorted. */
export function libFiles() {
  return readdirSync(LIB, { recursive: true })
    .map((f) => join(LIB, f))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && statSync(f).isFile())
    .sort();
}

/** True when every binding an import/export declaration names is type-only (the emitted JS drops it). */
function isTypeOnly(node) {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (!clause) return false; // import 'x': a side effect
    if (clause.isTypeOnly) return true;
    if (clause.name) return false;
    const bindings = clause.namedBindings;
    return (
      bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly)
    );
  }
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const clause = node.exportClause;
    return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
  }
  if (ts.isImportEqualsDeclaration(node)) return node.isTypeOnly;
  return false;
}

/** Named value bindings of an import declaration (`watch` in `import { watch } from 'node:fs'`). */
function importedNames(node) {
  const bindings = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : undefined;
  if (!bindings || !ts.isNamedImports(bindings)) return [];
  return bindings.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text);
}

/**
 * The modules `file` names. kind: 'static' (an import or export declaration, or require('x'), that
 * loads when the file loads), 'type' (erased from the JS: `import type`, all-`type` specifiers,
 * `typeof import('x')`) or 'dynamic' (import('x'), loaded only when that code runs).
 */
export function importsOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const add = (node, specifier, kind, names = []) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push({ specifier: specifier.text, kind, names, line: line + 1 });
  };
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier, isTypeOnly(node) ? 'type' : 'static', importedNames(node));
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      add(node, node.moduleReference.expression, isTypeOnly(node) ? 'type' : 'static');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal, 'type');
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteral(node.arguments[0])) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], 'dynamic');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') add(node, node.arguments[0], 'static');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The lib/ file a package export of this package (`ortex`, `ortex/server`) is built from. */
function selfExport(specifier) {
  const subpath = specifier === PKG.name ? '.' : `.${specifier.slice(PKG.name.length)}`;
  let target = PKG.exports?.[subpath];
  while (target && typeof target === 'object') target = target.import ?? target.default ?? target.require;
  if (typeof target !== 'string' || !/^\.\/dist\/.*\.js$/.test(target)) return undefined;
  return join(ROOT, target.replace(/^\.\/dist\//, 'lib/').replace(/\.js$/, '.ts'));
}

/**
 * The lib/ file an import names: a relative specifier (NodeNext spelling, './x.js' for x.ts) or the
 * package's own name. undefined for node: built-ins and other packages; null when it names a file
 * of this package that does not exist.
 */
export function resolveLib(from, specifier) {
  let path;
  if (specifier.startsWith('.')) path = resolve(dirname(from), specifier);
  else if (specifier === PKG.name || specifier.startsWith(`${PKG.name}/`)) path = selfExport(specifier) ?? null;
  else return undefined;
  if (path === null) return null;
  for (const candidate of [path.replace(/\.js$/, '.ts'), `${path}.ts`, join(path, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}
