/** Own-property helpers: results keyed by names that come from a model or a caller. */

/**
 * Sets `o[key] = value` as an own data property. A plain assignment of `__proto__` would set the
 * object's prototype instead (a model output named `__proto__` would vanish from the result).
 */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
