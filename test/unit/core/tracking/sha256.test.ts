import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../../src/core/tracking/sha256';
import { canonicalJson } from '../../../../src/core/tracking/canonical-json';
import { seededRandom } from '../../../../src/core/random';

const reference = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches node:crypto on every length around the block boundaries and on large inputs', () => {
    const rng = seededRandom(7);
    const lengths = [...Array.from({ length: 200 }, (_, i) => i), 1000, 4095, 4096, 100_003];
    for (const length of lengths) {
      const bytes = Uint8Array.from({ length }, () => Math.floor(rng() * 256));
      expect(sha256Hex(bytes), `length ${length}`).toBe(reference(bytes));
    }
  });

  it('hashes strings as UTF-8', () => {
    const text = 'Modèle “production” ✓ 🔬';
    expect(sha256Hex(text)).toBe(reference(new TextEncoder().encode(text)));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[1,{"y":null,"z":0}]},"b":1}',
    );
  });

  it('refuses values JSON cannot hold instead of writing null', () => {
    expect(() => canonicalJson({ loss: NaN })).toThrow(/NaN/);
    expect(() => canonicalJson(() => 1)).toThrow(/function/);
  });
});
