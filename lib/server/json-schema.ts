/**
 * JSON Schema in the server: one Ajv instance for the config files and the request bodies, and
 * the one way its findings read — the error template `expected X for Y, received Z`, naming the
 * path inside the checked value (`inputs[0].shape[1] of the inference request`) and the value found.
 *
 * Request bodies are checked by Fastify (a route's `schema.body`, compiled once when the route is
 * registered) through {@link bodyValidatorCompiler}: Ajv without type coercion (Fastify's default
 * Ajv would turn `"features": 5` into `[5]`), and a failure becomes an OrtexError
 * ERR_INVALID_INPUT (HTTP 400) before the handler runs. A schema's `title` names the body in messages.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { describe, OrtexError } from '../base/errors.js';

export const ajv = new Ajv({ allErrors: false, strict: false });

const ARTICLE: Record<string, string> = {
  array: 'an array',
  object: 'an object',
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  null: 'null',
};

function segments(instancePath: string): string[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `inputs[0].shape` for the segments inputs, 0, shape. */
function pathText(path: string[]): string {
  let out = '';
  for (const p of path) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function expectation(e: ErrorObject, all: readonly ErrorObject[]): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return String(p.type)
        .split(',')
        .map((t) => ARTICLE[t] ?? t)
        .join(' or ');
    case 'anyOf':
    case 'oneOf': {
      // The branches' own findings at the same place say what was allowed.
      const here = all.filter((x) => x.instancePath === e.instancePath);
      const required = here.filter((x) => x.keyword === 'required').map((x) => `"${String(x.params.missingProperty)}"`);
      if (required.length) return `an object with ${[...new Set(required)].join(' or ')}`;
      const branches = here.filter((x) => x.keyword !== 'anyOf' && x.keyword !== 'oneOf').map((x) => expectation(x, all));
      return branches.length ? [...new Set(branches)].join(' or ') : 'a value matching the schema';
    }
    case 'required':
      return `an object with "${String(p.missingProperty)}"`;
    case 'minItems':
      return p.limit === 1 ? 'a non-empty array' : `an array of at least ${String(p.limit)} items`;
    case 'maxItems':
      return `an array of at most ${String(p.limit)} items`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${String(p.comparison)} ${String(p.limit)}`;
    case 'minLength':
      return p.limit === 1 ? 'a non-empty string' : `a string of at least ${String(p.limit)} characters`;
    case 'enum':
      return `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return JSON.stringify(p.allowedValue);
    default:
      return (e.message ?? 'a valid value').replace(/^must (be )?/, '');
  }
}

/** The first finding of a failed validation of `root` (named `what`), in the one error template. */
export function describeSchemaError(errors: readonly ErrorObject[], root: unknown, what: string): string {
  // A failed anyOf/oneOf reports its branches first; the combined finding reads better.
  const first = errors[0]!;
  const combined = errors.find((x) => (x.keyword === 'anyOf' || x.keyword === 'oneOf') && first.instancePath.startsWith(x.instancePath));
  const e = combined && combined.instancePath === first.instancePath ? combined : first;
  const path = segments(e.instancePath);
  let value: unknown = root;
  for (const s of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[s] : undefined;
  const where = path.length ? `${pathText(path)} of ${what}` : what;
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as { additionalProperty: string }).additionalProperty;
    return `expected only known keys for ${where}, received key '${key}'`;
  }
  return `expected ${expectation(e, errors)} for ${where}, received ${describe(value)}`;
}

/** A compiled schema that throws ERR_INVALID_INPUT (request data) or ERR_INVALID_ARGUMENT (config) naming the first finding. */
export function compileChecker<T>(schema: object, code: 'ERR_INVALID_INPUT' | 'ERR_INVALID_ARGUMENT'): (value: unknown, what: string) => T {
  const validate = ajv.compile(schema) as ValidateFunction;
  return (value, what) => {
    if (!validate(value)) throw new OrtexError(code, describeSchemaError(validate.errors!, value, what));
    return value as T;
  };
}

/**
 * Fastify's validator compiler for the server's routes (`scope.setValidatorCompiler`): compiles a
 * route's schema once with {@link ajv}; a body that fails answers 400 with the finding. An absent
 * body is reported as such.
 */
export function bodyValidatorCompiler({ schema }: { schema: object }): (data: unknown) => true | { error: Error } {
  const validate = ajv.compile(schema) as ValidateFunction;
  const what = (schema as { title?: string }).title ?? 'the request body';
  return (data) => {
    if (data === null || data === undefined)
      return { error: new OrtexError('ERR_INVALID_INPUT', `expected ${what}, received an empty body`) };
    if (validate(data)) return true;
    return { error: new OrtexError('ERR_INVALID_INPUT', describeSchemaError(validate.errors!, data, what)) };
  };
}
