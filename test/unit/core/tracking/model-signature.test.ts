import { describe, expect, it } from 'vitest';
import { EnsembleModel, fit } from '../../../../src/core/model';
import { seededRandom } from '../../../../src/core/random';
import { checkSignature } from '../../../../src/core/tracking/signature';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';
import { modelSignature } from '../../../../src/core/tracking/model-signature';

function table(rows: number, seed: number, colours: readonly string[]) {
  const rng = seededRandom(seed);
  const x: number[] = [];
  const colour: string[] = [];
  const label: string[] = [];
  for (let i = 0; i < rows; i++) {
    const value = rng() * 4 - 2;
    const c = colours[i % colours.length] as string;
    x.push(value);
    colour.push(c);
    label.push(value + (c === 'red' ? 1 : 0) > 0 ? 'yes' : 'no');
  }
  return new Table([
    numberColumn('x', x),
    stringColumn('colour', colour),
    stringColumn('label', label),
  ]);
}

describe('modelSignature', () => {
  it('reads the inputs, their categories and the classes from a fitted model', async () => {
    const model = await fit(
      table(120, 1, ['red', 'blue']),
      { target: 'label', learner: 'nb' },
      { rng: seededRandom(1) },
    );
    const signature = modelSignature(model.toJSON());
    expect(signature).toEqual({
      inputs: [
        { name: 'x', type: 'number' },
        { name: 'colour', type: 'category', allowed: ['blue', 'red'] },
      ],
      output: { kind: 'classification', name: 'label', classes: ['no', 'yes'] },
    });
    expect(checkSignature(signature).ok).toBe(true);
  });

  it('merges the inputs of an ensemble and every category its members saw', async () => {
    const a = await fit(
      table(120, 2, ['red', 'blue']),
      { target: 'label', learner: 'nb' },
      { rng: seededRandom(2) },
    );
    const b = await fit(
      table(120, 3, ['red', 'green']),
      { target: 'label', learner: 'nb', features: ['colour'] },
      { rng: seededRandom(3) },
    );
    const signature = modelSignature(new EnsembleModel([a, b], [1, 1]).toJSON());
    expect(signature.inputs).toEqual([
      { name: 'x', type: 'number' },
      { name: 'colour', type: 'category', allowed: ['blue', 'green', 'red'] },
    ]);
    expect(checkSignature(signature).ok).toBe(true);
  });
});
