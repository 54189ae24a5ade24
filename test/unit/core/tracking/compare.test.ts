import { describe, expect, it } from 'vitest';
import {
  axisFor,
  axisPosition,
  compareValues,
  descendants,
  diffRuns,
  foldByParent,
  meanStd,
  metricFamily,
  groupByFamily,
  parallelCoordinates,
  repeatGroups,
  smoothEma,
  splitDiffering,
  type ComparableRun,
} from '../../../../src/core/tracking/compare';
import { seededRandom } from '../../../../src/core/random';

const run = (
  id: string,
  params: ComparableRun['params'],
  metrics: ComparableRun['metrics'] = {},
): ComparableRun => ({ id, params, metrics });

describe('compareValues', () => {
  it('orders numbers by value and text naturally, in both directions', () => {
    expect([3, 10, 2].sort((a, b) => compareValues(a, b))).toEqual([2, 3, 10]);
    expect([3, 10, 2].sort((a, b) => compareValues(a, b, 'desc'))).toEqual([10, 3, 2]);
    expect(['run 10', 'run 2', 'Run 1'].sort((a, b) => compareValues(a, b))).toEqual([
      'Run 1',
      'run 2',
      'run 10',
    ]);
  });

  it('puts missing values last whatever the direction', () => {
    const values = [null, 2, undefined, Number.NaN, 1];
    expect(values.sort((a, b) => compareValues(a, b)).slice(0, 2)).toEqual([1, 2]);
    expect(values.sort((a, b) => compareValues(a, b, 'desc')).slice(0, 2)).toEqual([2, 1]);
  });

  it('groups mixed types: numbers, then booleans, then text', () => {
    expect(['b', true, 5, 'a', false].sort((a, b) => compareValues(a, b))).toEqual([
      5,
      false,
      true,
      'a',
      'b',
    ]);
  });
});

describe('splitDiffering and diffRuns', () => {
  it('finds the params and metrics that differ, counting a missing key as different', () => {
    const runs = [
      run('a', { learner: 'gbdt', max_iter: 30, seed: 0 }, { accuracy: 0.9, loss: 0.2 }),
      run('b', { learner: 'gbdt', max_iter: 60, seed: 0 }, { accuracy: 0.9, loss: 0.1 }),
      run('c', { learner: 'gbdt', max_iter: 60, seed: 0, depth: 3 }, { accuracy: 0.9 }),
    ];
    const diff = diffRuns(runs);
    expect(diff.params).toEqual({ differing: ['depth', 'max_iter'], same: ['learner', 'seed'] });
    expect(diff.metrics).toEqual({ differing: ['loss'], same: ['accuracy'] });
  });

  it('tells 1 from "1" and null from a missing key only by presence', () => {
    expect(splitDiffering([{ x: 1 }, { x: '1' }]).differing).toEqual(['x']);
    expect(splitDiffering([{ x: null }, {}]).same).toEqual(['x']);
  });
});

describe('meanStd', () => {
  it('matches the textbook sample standard deviation', () => {
    expect(meanStd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({
      mean: 5,
      std: Math.sqrt(32 / 7),
      n: 8,
    });
  });

  it('skips missing values and has no spread for one value', () => {
    expect(meanStd([null, 3, Number.NaN, undefined])).toEqual({ mean: 3, std: null, n: 1 });
    expect(meanStd([null])).toBeNull();
  });

  it('stays accurate for large values close together', () => {
    const summary = meanStd([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(summary?.mean).toBe(1e9 + 10);
    expect(summary?.std).toBeCloseTo(Math.sqrt(30), 9);
  });
});

describe('repeatGroups', () => {
  it('groups runs that repeat the same params with other seeds', () => {
    const runs = [
      run('a', { learner: 'nb', seed: 0 }, { accuracy: 0.8 }),
      run('b', { learner: 'gbdt', seed: 0 }, { accuracy: 0.9 }),
      run('c', { learner: 'nb', seed: 1 }, { accuracy: 0.84 }),
      run('d', { learner: 'gbdt', seed: 1, max_iter: 10 }, { accuracy: 0.7 }),
      run('e', { seed: 2, learner: 'nb' }, { accuracy: 0.86, loss: 1 }),
    ];
    const groups = repeatGroups(runs);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.runIds).toEqual(['a', 'c', 'e']);
    expect(groups[0]?.params).toEqual({ learner: 'nb' });
    expect(groups[0]?.metrics.accuracy?.mean).toBeCloseTo(0.8333333333, 9);
    expect(groups[0]?.metrics.accuracy?.std).toBeCloseTo(0.030550504633, 9);
    expect(groups[0]?.metrics.loss).toEqual({ mean: 1, std: null, n: 1 });
  });

  it('keeps seeds apart when asked to ignore nothing', () => {
    const runs = [run('a', { seed: 0 }), run('b', { seed: 0 }), run('c', { seed: 1 })];
    expect(repeatGroups(runs, { ignore: [] }).map((group) => group.runIds)).toEqual([['a', 'b']]);
  });
});

describe('foldByParent', () => {
  const items = [
    { id: 'search', parentRunId: null },
    { id: 'plain', parentRunId: null },
    { id: 't1', parentRunId: 'search' },
    { id: 't2', parentRunId: 'search' },
    { id: 'orphan', parentRunId: 'deleted' },
    { id: 'inner', parentRunId: 't2' },
  ];

  it('places children under their parent with their depth', () => {
    expect(foldByParent(items).map((row) => [row.item.id, row.depth, row.children])).toEqual([
      ['search', 0, 2],
      ['t1', 1, 0],
      ['t2', 1, 1],
      ['inner', 2, 0],
      ['plain', 0, 0],
      ['orphan', 0, 0],
    ]);
  });

  it('leaves the children of a collapsed parent out', () => {
    expect(foldByParent(items, new Set(['search'])).map((row) => row.item.id)).toEqual([
      'search',
      'plain',
      'orphan',
    ]);
  });

  it('places every item of a parent cycle exactly once', () => {
    const cycle = [
      { id: 'a', parentRunId: 'b' },
      { id: 'b', parentRunId: 'a' },
    ];
    expect(
      foldByParent(cycle)
        .map((row) => row.item.id)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('finds every descendant of a run', () => {
    expect(
      descendants(items, ['search'])
        .map((item) => item.id)
        .sort(),
    ).toEqual(['inner', 't1', 't2']);
    expect(descendants(items, ['plain'])).toEqual([]);
  });
});

describe('smoothEma', () => {
  it('returns the values unchanged at weight 0', () => {
    expect([...smoothEma([1, 5, 2], 0)]).toEqual([1, 5, 2]);
  });

  it('is debiased: a constant series stays constant from the first point', () => {
    for (const value of smoothEma([4, 4, 4, 4], 0.9)) expect(value).toBeCloseTo(4, 12);
  });

  it('reduces the noise of a noisy series and skips gaps', () => {
    const rng = seededRandom(7);
    const noisy = Float64Array.from({ length: 500 }, (_, i) => i / 100 + (rng() - 0.5));
    noisy[100] = Number.NaN;
    const smoothed = smoothEma(noisy, 0.9);
    expect(Number.isNaN(smoothed[100])).toBe(true);
    const roughness = (values: ArrayLike<number>) => {
      let sum = 0;
      for (let i = 200; i < 500; i++)
        sum += Math.abs((values[i] as number) - (values[i - 1] as number));
      return sum;
    };
    expect(roughness(smoothed)).toBeLessThan(roughness(noisy) / 4);
    expect(Number.isFinite(smoothed[101])).toBe(true);
  });
});

describe('axes and parallel coordinates', () => {
  it('makes numeric, logarithmic and categorical axes', () => {
    expect(axisFor('depth', [3, 5, null, 9])).toEqual({
      key: 'depth',
      kind: 'number',
      min: 3,
      max: 9,
      log: false,
    });
    expect(axisFor('lr', [0.0001, 0.1, 0.01])).toMatchObject({ kind: 'number', log: true });
    expect(axisFor('learner', ['nb', 'gbdt', true])).toEqual({
      key: 'learner',
      kind: 'category',
      values: ['gbdt', 'nb', 'true'],
    });
  });

  it('positions values from 0 to 1 and missing ones as null', () => {
    const depth = axisFor('depth', [3, 9]);
    expect(axisPosition(depth, 6)).toBe(0.5);
    expect(axisPosition(depth, null)).toBeNull();
    const lr = axisFor('lr', [0.001, 1]);
    expect(axisPosition(lr, Math.sqrt(0.001))).toBeCloseTo(0.5, 12);
    const one = axisFor('x', [2, 2]);
    expect(axisPosition(one, 2)).toBe(0.5);
    const learner = axisFor('learner', ['a', 'b', 'c']);
    expect(axisPosition(learner, 'c')).toBe(1);
    expect(axisPosition(learner, 'z')).toBeNull();
  });

  it('puts the metric on the last axis', () => {
    const runs = [
      run('a', { learner: 'nb', max_iter: 10 }, { accuracy: 0.8 }),
      run('b', { learner: 'gbdt', max_iter: 30 }, { accuracy: 0.9 }),
      run('c', { learner: 'gbdt' }, { accuracy: null }),
    ];
    const chart = parallelCoordinates(runs, ['learner', 'max_iter'], 'accuracy');
    expect(chart.axes.map((axis) => axis.key)).toEqual(['learner', 'max_iter', 'accuracy']);
    expect(chart.lines).toEqual([
      { id: 'a', positions: [1, 0, 0] },
      { id: 'b', positions: [0, 1, 1] },
      { id: 'c', positions: [0, null, null] },
    ]);
  });
});

describe('metric families', () => {
  it('strips fold prefixes and splits', () => {
    expect(metricFamily('fold2/val_loss')).toBe('loss');
    expect(metricFamily('loss')).toBe('loss');
    expect(metricFamily('val_accuracy')).toBe('accuracy');
    expect(metricFamily('val_')).toBe('val_');
    expect(metricFamily('cv/accuracy')).toBe('accuracy');
  });

  it('groups curves that share axes', () => {
    expect(groupByFamily(['val_loss', 'oob', 'fold1/loss', 'loss', 'val_accuracy'])).toEqual([
      { family: 'accuracy', names: ['val_accuracy'] },
      { family: 'loss', names: ['fold1/loss', 'loss', 'val_loss'] },
      { family: 'oob', names: ['oob'] },
    ]);
  });
});
