// The addon's error codes (native/error_codes.h) and the one error table (lib/base/error-codes.ts,
// entries marked `native: true`) name the same codes; no C++ file spells a code as a literal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, NATIVE_ERROR_CODES } from '../dist/base/error-codes.js';
import { ROOT } from './helpers/index.mjs';

const NATIVE = join(ROOT, 'native');
const HEADER = join(NATIVE, 'error_codes.h');

/** The codes error_codes.h declares, by constant name. */
function headerCodes() {
  const text = readFileSync(HEADER, 'utf8');
  const decl = /inline constexpr ErrorCode (k[A-Za-z]+)\{"([A-Z_]+)"\};/g;
  const codes = new Map();
  for (const [, name, value] of text.matchAll(decl)) codes.set(name, value);
  return codes;
}

test('error_codes.h declares exactly the codes the table marks native', () => {
  const declared = [...headerCodes().values()];
  assert.ok(declared.length >= 8, `parsed ${declared.length} codes from ${HEADER}`);
  assert.is(new Set(declared).size, declared.length, 'a code is declared twice');
  const missingInHeader = [...NATIVE_ERROR_CODES].filter((c) => !declared.includes(c));
  const missingInTable = declared.filter((c) => !NATIVE_ERROR_CODES.has(c));
  assert.equal(missingInHeader, [], `marked native in lib/base/error-codes.ts but not declared in native/error_codes.h`);
  assert.equal(missingInTable, [], `declared in native/error_codes.h but not marked native (or absent) in lib/base/error-codes.ts`);
  for (const c of declared) assert.ok(Object.hasOwn(ERROR_CODES, c), `${c} is in the error table`);
});

test('no C++ file writes an error code as a string literal; every code constant used is declared', () => {
  const declared = headerCodes();
  const files = readdirSync(NATIVE, { recursive: true }).filter((f) => /\.(cc|h)$/.test(f) && !f.endsWith('error_codes.h'));
  assert.ok(files.length > 10);
  const literals = [],
    unknown = [];
  for (const f of files) {
    const text = readFileSync(join(NATIVE, f), 'utf8');
    for (const m of text.matchAll(/"ERR_[A-Z_]*"/g)) literals.push(`${f}: ${m[0]}`);
    for (const m of text.matchAll(/code::(k[A-Za-z]+)/g)) if (!declared.has(m[1])) unknown.push(`${f}: ${m[0]}`);
  }
  assert.equal(literals, [], 'use the constants of native/error_codes.h');
  assert.equal(unknown, [], 'constants not declared in native/error_codes.h');
});

test.run();
