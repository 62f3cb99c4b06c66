/**
 * ORT config entries (session and run): flat `key → string` pairs. onnxruntime-common's `extra`
 * spells them as nested objects (`{ session: { use_ort_model_bytes_directly: '1' } }` is the entry
 * `session.use_ort_model_bytes_directly`); both spellings flatten here.
 */
import { describe, invalid } from '../base/errors.js';
import { isPlainObject } from '../base/validate.js';

/** Appends the entries of `v` under `prefix` to `out`: nested objects join their keys with '.'. */
export function flattenConfig(prefix: string, v: unknown, out: [string, string][]): void {
  if (isPlainObject(v)) {
    for (const [k, child] of Object.entries(v)) flattenConfig(prefix ? `${prefix}.${k}` : k, child, out);
  } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    out.push([prefix, String(v)]);
  } else {
    throw invalid('ERR_INVALID_ARGUMENT', `config entry ${prefix}`, 'a string, number or boolean', describe(v));
  }
}

/** `configEntries` (an object of entries) and `extra` (onnxruntime-common's nested spelling), flattened together. */
export function configEntries(entries: unknown, extra: unknown, what: string): [string, string][] {
  const out: [string, string][] = [];
  if (entries !== undefined) {
    if (!isPlainObject(entries)) throw invalid('ERR_INVALID_ARGUMENT', what, 'an object of string values', describe(entries));
    for (const [k, v] of Object.entries(entries)) flattenConfig(k, v, out);
  }
  if (extra !== undefined) {
    if (!isPlainObject(extra)) throw invalid('ERR_INVALID_ARGUMENT', 'extra', 'an object of config entries', describe(extra));
    flattenConfig('', extra, out);
  }
  return out;
}
