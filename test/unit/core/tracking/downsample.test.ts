import { describe, expect, it } from 'vitest';
import { minMaxIndices, pick } from '../../../../src/core/tracking/downsample';
import { seededRandom } from '../../../../src/core/random';

describe('minMaxIndices', () => {
  it('keeps every point of a short series', () => {
    expect([...minMaxIndices([3, 1, 2], 10)]).toEqual([0, 1, 2]);
  });

  it('keeps at most maxPoints, in order, with the ends and every extreme', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = seededRandom(seed);
      const n = 5_000 + Math.floor(rng() * 50_000);
      const values = Float64Array.from({ length: n }, () => rng());
      const spike = Math.floor(rng() * n);
      values[spike] = 50;
      const dip = Math.floor(rng() * n);
      values[dip] = -50;
      const maxPoints = 100 + Math.floor(rng() * 1000);
      const kept = minMaxIndices(values, maxPoints);
      expect(kept.length, `seed ${seed}`).toBeLessThanOrEqual(maxPoints);
      expect(kept.length).toBeGreaterThan(maxPoints - 4);
      expect(kept[0]).toBe(0);
      expect(kept[kept.length - 1]).toBe(n - 1);
      expect(kept.every((index, i) => i === 0 || index > (kept[i - 1] as number))).toBe(true);
      expect(kept.includes(spike)).toBe(true);
      expect(kept.includes(dip)).toBe(true);
    }
  });

  it('keeps each bucket’s minimum and maximum', () => {
    const values = [0, 5, 1, 9, 2, 8, 3, 7, 4, 6, 0];
    // 6 points: the first, the last, and the minimum and maximum of two buckets of the interior
    // (indices 1–4 and 5–9), each pair in its original order.
    const kept = minMaxIndices(values, 6);
    expect([...kept]).toEqual([0, 2, 3, 5, 6, 10]);
    expect([...pick(values, kept)]).toEqual([0, 1, 9, 8, 3, 0]);
  });

  it('shows a stretch of NaN as a gap rather than dropping it', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => (i >= 400 && i < 600 ? NaN : i));
    const kept = pick(values, minMaxIndices(values, 50));
    expect(kept.some(Number.isNaN)).toBe(true);
    expect(Math.max(...kept.filter((value) => !Number.isNaN(value)))).toBe(999);
  });
});
