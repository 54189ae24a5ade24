/**
 * A seed for one purpose (a fold's featurization, a trial's fit…) derived from the search seed by
 * FNV-1a over its parts, so that every random stream is fixed by the seed alone and does not
 * depend on how many numbers other streams drew before it.
 */
export function deriveSeed(seed: number, purpose: string, ...indices: number[]): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  const mix = (value: number) => {
    hash ^= value & 0xff;
    hash = Math.imul(hash, 0x01000193);
  };
  for (let i = 0; i < purpose.length; i++) mix(purpose.charCodeAt(i));
  for (const index of indices) {
    const value = index >>> 0;
    for (let shift = 0; shift < 32; shift += 8) mix(value >>> shift);
  }
  for (let shift = 0; shift < 32; shift += 8) mix((seed >>> 0) >>> shift);
  return hash >>> 0;
}
