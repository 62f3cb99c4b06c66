// Deterministic pseudo-random numbers for generated test weights (same seed, same bytes, every run).

/**
 * mulberry32: a small 32-bit seeded PRNG.
 * @param {number} seed
 * @returns {() => number} uniform floats in [0, 1)
 */
export function createSeededRandom(seed) {
  let state = seed >>> 0;
  return function nextUniform() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Float32 values uniform in [-scale, scale).
 * @param {() => number} nextUniform
 * @param {number} count
 * @param {number} scale
 * @returns {Float32Array}
 */
export function uniformFloat32Array(nextUniform, count, scale) {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = (nextUniform() * 2 - 1) * scale;
  return values;
}
