import { describe, expect, it } from 'vitest';
import { explainPredictor } from '../../../src/core/evaluation/explain';
import { EnsembleModel, fit } from '../../../src/core/model';
import { seededRandom } from '../../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../../src/core/table';

function data(rows: number, seed: number) {
  const rng = seededRandom(seed);
  const a = new Float64Array(rows);
  const b = new Float64Array(rows);
  const colour: string[] = [];
  const y = new Float64Array(rows);
  const label: string[] = [];
  for (let i = 0; i < rows; i++) {
    a[i] = rng() * 4 - 2;
    b[i] = rng() * 4 - 2;
    colour.push(rng() < 0.5 ? 'red' : 'blue');
    const shift = colour[i] === 'red' ? 1.5 : 0;
    y[i] = 3 * (a[i] as number) + shift + 0.1 * rng();
    label.push((a[i] as number) + (colour[i] === 'red' ? 0.8 : -0.8) > 0 ? 'up' : 'down');
  }
  return new Table([
    numberColumn('a', a),
    numberColumn('b', b),
    stringColumn('colour', colour),
    numberColumn('y', y),
    stringColumn('label', label),
  ]);
}

describe('model-agnostic explanations on raw columns', () => {
  it('ranks the informative columns first and sweeps them', async () => {
    const table = data(400, 1).select(['a', 'b', 'colour', 'y']);
    const model = await fit(
      table,
      { target: 'y', learner: 'gbdt', params: { max_iter: 60 } },
      { rng: seededRandom(2) },
    );
    const explanation = await explainPredictor(model, table, { rng: seededRandom(3) });
    expect(explanation.metric).toBe('r2');
    expect(explanation.rows).toBe(400);
    expect(explanation.importance.map((item) => item.feature)).toEqual(['a', 'colour', 'b']);
    expect(explanation.importance[0]?.mean).toBeGreaterThan(1);
    expect(Math.abs(explanation.importance[2]?.mean ?? 1)).toBeLessThan(0.05);

    const [first, second] = explanation.dependence;
    expect(first?.feature).toBe('a');
    expect(first?.kind).toBe('numeric');
    expect(first?.grid).toHaveLength(20);
    const curve = (first?.average ?? []).map((values) => values[0] as number);
    expect(curve.at(-1)! - curve[0]!).toBeGreaterThan(8);
    expect(second).toMatchObject({ feature: 'colour', kind: 'categorical', outputs: ['value'] });
    const byColour = Object.fromEntries(
      (second?.grid ?? []).map((value, g) => [value, second?.average[g]?.[0] as number]),
    );
    expect(byColour.red! - byColour.blue!).toBeGreaterThan(1);
  });

  it('explains an ensemble classifier with probabilities per class', async () => {
    const table = data(300, 4).select(['a', 'b', 'colour', 'label']);
    const spec = { target: 'label' } as const;
    const members = [
      await fit(
        table,
        { ...spec, learner: 'gbdt', params: { max_iter: 30 } },
        { rng: seededRandom(1) },
      ),
      await fit(table, { ...spec, learner: 'linear' }, { rng: seededRandom(1) }),
    ];
    const ensemble = new EnsembleModel(members, [2, 1]);
    const explanation = await explainPredictor(ensemble, table, {
      rng: seededRandom(5),
      metric: 'log_loss',
      topDependence: 1,
    });
    expect(explanation.metric).toBe('log_loss');
    expect(explanation.importance[0]?.feature).toBe('a');
    expect(explanation.dependence).toHaveLength(1);
    const pd = explanation.dependence[0];
    expect(pd?.outputs).toEqual(ensemble.classes);
    for (const values of pd?.average ?? []) {
      expect((values[0] as number) + (values[1] as number)).toBeCloseTo(1, 9);
    }
  });

  it('is deterministic for a seed and samples large data', async () => {
    const table = data(500, 6).select(['a', 'b', 'colour', 'y']);
    const model = await fit(table, { target: 'y', learner: 'knn' }, { rng: seededRandom(1) });
    const once = await explainPredictor(model, table, { rng: seededRandom(9), maxRows: 100 });
    const again = await explainPredictor(model, table, { rng: seededRandom(9), maxRows: 100 });
    expect(once.rows).toBe(100);
    expect(again).toEqual(once);
  });
});
