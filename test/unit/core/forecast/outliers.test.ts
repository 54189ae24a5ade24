import { describe, expect, it } from 'vitest';
import { findOutliers } from '../../../../src/core/forecast/outliers';
import { seededRandom } from '../../../../src/core/random';
import fixture from './fixtures/r-tsoutliers.json';

interface RCase {
  name: string[];
  period: number[];
  x: number[];
  index: number[];
  replacements: number[];
}

const cases = fixture as RCase[];
const byName = (name: string) => cases.find((c) => c.name[0] === name)!;

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

describe('outliers of a series (after R’s tsoutliers)', () => {
  it.each(['monthly-spikes', 'quarterly-spike', 'LakeHuron', 'lynx', 'co2'])(
    'flags what R flags on %s, with replacements within 2% of R’s',
    (name) => {
      const c = byName(name);
      const x = Float64Array.from(c.x);
      const found = findOutliers(x, c.period[0]!);
      expect(found.index).toEqual(c.index);
      found.index.forEach((i, k) => {
        expect(Math.abs(found.cleaned[i]! - c.replacements[k]!)).toBeLessThan(
          0.02 * Math.abs(c.replacements[k]!),
        );
      });
      // Every other value is left exactly as it was.
      for (let i = 0; i < x.length; i++) {
        if (!found.index.includes(i)) expect(found.cleaned[i]).toBe(x[i]);
      }
    },
  );

  it('flags only the values that were moved in a random walk, not their neighbours', () => {
    // Values 39, 40 and 96 were moved; R's super smoother, pulled towards the pair, also flags
    // 41 and 42. The robust line is not pulled.
    const c = byName('walk-spikes');
    const found = findOutliers(Float64Array.from(c.x), 1);
    expect(found.index).toEqual([39, 40, 96]);
    for (const i of found.index) expect(c.index).toContain(i);
    // The pair is replaced by values on the line between its neighbours.
    const x = c.x;
    for (const i of [39, 40]) {
      expect(found.cleaned[i]!).toBeGreaterThan(Math.min(x[38]!, x[41]!) - 1e-9);
      expect(found.cleaned[i]!).toBeLessThan(Math.max(x[38]!, x[41]!) + 1e-9);
    }
  });

  it('does not take a level shift, a random walk or a constant series for outliers', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const random = seededRandom(seed);
      const shift = Float64Array.from({ length: 120 }, (_, t) =>
        t < 80 ? 50 + 2 * gaussian(random) : 80 + 2 * gaussian(random),
      );
      const flagged = findOutliers(shift, 1).index;
      // At most a stray value at the step; never the run of values after it.
      expect(flagged.filter((i) => i >= 80).length).toBeLessThanOrEqual(2);
      const late = Float64Array.from({ length: 120 }, (_, t) =>
        t < 116 ? 50 + 2 * gaussian(random) : 80 + 2 * gaussian(random),
      );
      expect(findOutliers(late, 1).index.filter((i) => i >= 116)).toEqual([]);
      let level = 0;
      const walk = Float64Array.from({ length: 200 }, () => (level += gaussian(random)));
      expect(findOutliers(walk, 1).index).toEqual([]);
    }
    const flat = new Float64Array(50).fill(3);
    expect(findOutliers(flat, 1)).toEqual({ index: [], cleaned: flat });
  });

  it('finds spikes in series with negative values and in a season that grows with the level', () => {
    const random = seededRandom(9);
    const around = Float64Array.from(
      { length: 96 },
      (_, t) => 5 * Math.sin((2 * Math.PI * t) / 12) + gaussian(random),
    );
    around[40] = -40;
    expect(findOutliers(around, 12).index).toEqual([40]);
    // A multiplicative season: its largest swings are not outliers, a spike is.
    const growing = Float64Array.from(
      { length: 144 },
      (_, t) =>
        (100 + 3 * t) *
        (1 + 0.3 * Math.sin((2 * Math.PI * t) / 12)) *
        (1 + 0.02 * gaussian(random)),
    );
    expect(findOutliers(growing, 12).index).toEqual([]);
    growing[70] = 1.8 * growing[70]!;
    expect(findOutliers(growing, 12).index).toEqual([70]);
  });
});
