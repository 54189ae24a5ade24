import { expect } from 'vitest';
import type { Predictor } from '../../../src/core/model';
import { randomInt, randomNormal, seededRandom } from '../../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../../src/core/table';
import type { EmbeddedModel, Prediction } from '../../../src/embed';

const COLOURS = ['red', 'green', 'blue', 'amber'];
const CITIES = Array.from({ length: 30 }, (_, i) => `city-${String(i).padStart(2, '0')}`);
const WORDS = ['fast', 'slow', 'bright', 'dark', 'quiet', 'loud', 'warm', 'cold', 'soft', 'hard'];
const DAY = 86_400_000;
const START = Date.UTC(2023, 0, 1);

export const FEATURES = ['num_a', 'num_b', 'count', 'flag', 'colour', 'city', 'when', 'note'];

/**
 * Every column type the lab featurizes, with missing values in most of them, and three targets:
 * `label` (two classes), `species` (three) and `amount` (a number). `unseen` adds rows with
 * categories, words and dates that training never saw, and a row where everything is missing.
 */
export function mixedTable(rows: number, seed: number, unseen = false): Table {
  const rng = seededRandom(seed);
  const maybe = <T>(value: T, rate = 0.1): T | null => (rng() < rate ? null : value);
  const cols: Record<string, (number | string | null)[]> = {};
  for (const name of [...FEATURES, 'label', 'species', 'amount']) cols[name] = [];
  const push = (name: string, value: number | string | null) => cols[name]!.push(value);
  for (let i = 0; i < rows; i++) {
    const a = randomNormal(rng);
    const b = randomNormal(rng);
    const colour = COLOURS[randomInt(rng, COLOURS.length)]!;
    const city = CITIES[Math.min(CITIES.length - 1, Math.floor(Math.abs(randomNormal(rng)) * 9))]!;
    const flag = rng() < 0.4 ? 1 : 0;
    const hours = randomInt(rng, 400 * 24);
    const words = Array.from(
      { length: 2 + randomInt(rng, 4) },
      () => WORDS[randomInt(rng, WORDS.length)]!,
    );
    const loud = words.includes('loud') ? 1 : 0;
    const score =
      1.2 * a -
      0.8 * b +
      (colour === 'red' ? 1 : colour === 'blue' ? -1 : 0) +
      0.7 * flag +
      0.5 * loud +
      0.04 * (Number(city.slice(5)) - 8) +
      0.3 * randomNormal(rng);
    push('num_a', maybe(a));
    push('num_b', b * 10 + 50);
    push('count', randomInt(rng, 12));
    push('flag', maybe(flag, 0.05));
    push('colour', maybe(colour));
    push('city', maybe(city, 0.05));
    push('when', maybe(START + hours * 3_600_000, 0.05));
    push('note', maybe(words.join(' '), 0.05));
    push('label', score > 0.2 ? 'yes' : 'no');
    push('species', score < -0.6 ? 'setosa' : score < 0.9 ? 'versicolor' : 'virginica');
    push('amount', 20 + 4 * score + randomNormal(rng));
  }
  if (unseen) {
    const extra = [
      ['num_a', 3.5, null],
      ['num_b', 1e3, 49],
      ['count', 40, 0],
      ['flag', 1, null],
      ['colour', 'purple', null],
      ['city', 'Atlantis', null],
      ['when', START - 900 * DAY, null],
      ['note', 'Completely UNSEEN wörds, loud émoji 🎉 quiet', null],
      ['label', 'yes', 'no'],
      ['species', 'setosa', 'virginica'],
      ['amount', 10, 30],
    ] as const;
    for (const [name, first, second] of extra) {
      push(name, first);
      push(name, second);
    }
  }
  return new Table([
    numberColumn('num_a', cols.num_a as (number | null)[]),
    numberColumn('num_b', cols.num_b as number[]),
    numberColumn('count', cols.count as number[], 'integer'),
    numberColumn('flag', cols.flag as (number | null)[], 'boolean'),
    stringColumn('colour', cols.colour as (string | null)[]),
    stringColumn('city', cols.city as (string | null)[]),
    numberColumn('when', cols.when as (number | null)[], 'datetime'),
    stringColumn('note', cols.note as (string | null)[], 'text'),
    stringColumn('label', cols.label as string[]),
    stringColumn('species', cols.species as string[]),
    numberColumn('amount', cols.amount as number[]),
  ]);
}

/** `a` and `b` agree to within 1e-9 of the larger (exactly, for zeros). */
export const relativeDifference = (a: number, b: number) =>
  a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));

/**
 * Asserts that the embedded model predicts `table` as the lab's model does: identical labels,
 * probabilities and values within 1e-9 relative. Returns the largest relative difference.
 */
export async function expectParity(
  lab: Predictor,
  embedded: EmbeddedModel,
  table: Table,
): Promise<number> {
  const rows = table.select(embedded.signature.inputs.map((input) => input.name)).toRows();
  const predictions: readonly Prediction[] = await embedded.predict(rows);
  expect(predictions).toHaveLength(table.rowCount);
  const raw = lab.predictRaw(table);
  let worst = 0;
  if (lab.task === 'regression') {
    predictions.forEach((prediction, i) => {
      if (!('value' in prediction)) throw new Error('expected a value');
      worst = Math.max(worst, relativeDifference(prediction.value, raw.predicted[i]!));
    });
  } else {
    const classes = lab.classes!;
    const labels = lab.predict(table);
    const expected = table.rowCount
      ? Array.from({ length: table.rowCount }, (_, i) => {
          const codes = labels as { codes: Int32Array; dictionary: readonly string[] };
          return codes.dictionary[codes.codes[i]!];
        })
      : [];
    expect(predictions.map((p) => ('label' in p ? p.label : null))).toEqual(expected);
    predictions.forEach((prediction, i) => {
      if (!('probabilities' in prediction)) throw new Error('expected probabilities');
      expect(Object.keys(prediction.probabilities)).toEqual(classes);
      classes.forEach((label, c) => {
        const want = raw.proba![i * classes.length + c]!;
        worst = Math.max(worst, relativeDifference(prediction.probabilities[label]!, want));
      });
    });
  }
  expect(worst).toBeLessThanOrEqual(1e-9);
  return worst;
}
