/** A seeded source of uniform numbers in [0, 1), the only randomness core code may use. */
export type Random = () => number;

/**
 * sfc32 (Small Fast Counter, 32-bit): passes PractRand to 2^42 bytes, has a 128-bit state and a
 * minimum period of 2^32, and is fast in JavaScript because every step is 32-bit integer math.
 */
export function sfc32(a: number, b: number, c: number, d: number): Random {
  let s0 = a >>> 0;
  let s1 = b >>> 0;
  let s2 = c >>> 0;
  let counter = d >>> 0;
  return () => {
    const t = (((s0 + s1) >>> 0) + counter) >>> 0;
    counter = (counter + 1) >>> 0;
    s0 = s1 ^ (s1 >>> 9);
    s1 = (s2 + (s2 << 3)) >>> 0;
    s2 = (s2 << 21) | (s2 >>> 11);
    s2 = (s2 + t) >>> 0;
    return t / 4294967296;
  };
}

/** splitmix32 spreads a small integer seed over the whole state so that seeds 1 and 2 diverge. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

/** A deterministic generator for an integer seed; the same seed always yields the same stream. */
export function seededRandom(seed: number): Random {
  const mix = splitmix32(seed);
  const next = sfc32(mix(), mix(), mix(), mix());
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** An integer in [0, bound). */
export function randomInt(random: Random, bound: number): number {
  return Math.floor(random() * bound);
}

/** A standard normal sample (Box–Muller); never takes log(0). */
export function randomNormal(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A Float32Array of uniform samples in [low, high). */
export function uniformArray(random: Random, length: number, low = 0, high = 1): Float32Array {
  const values = new Float32Array(length);
  const span = high - low;
  for (let i = 0; i < length; i++) values[i] = low + span * random();
  return values;
}

/** A Float32Array of normal samples with the given mean and standard deviation. */
export function normalArray(random: Random, length: number, mean = 0, std = 1): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = mean + std * randomNormal(random);
  return values;
}
