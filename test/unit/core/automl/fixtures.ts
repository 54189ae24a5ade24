import type { AutoMLEvent, AutoMLOptions } from '../../../../src/core/automl';
import { randomNormal, seededRandom } from '../../../../src/core/random';
import { numberColumn, stringColumn, Table, type Column } from '../../../../src/core/table';

/** Two informative numbers, a noise column and a category with an effect; label and amount targets. */
export function signalTable(rows: number, seed: number, extra: (i: number) => Column[] = () => []) {
  const rng = seededRandom(seed);
  const a: number[] = [];
  const b: number[] = [];
  const noise: number[] = [];
  const colour: string[] = [];
  const label: string[] = [];
  const amount: number[] = [];
  for (let i = 0; i < rows; i++) {
    const x = randomNormal(rng);
    const y = randomNormal(rng);
    const c = ['red', 'green', 'blue'][Math.floor(rng() * 3)] as string;
    const score =
      1.2 * x - y + (c === 'red' ? 0.8 : c === 'blue' ? -0.8 : 0) + 0.4 * randomNormal(rng);
    a.push(x);
    b.push(y);
    noise.push(randomNormal(rng));
    colour.push(c);
    label.push(score > 0 ? 'up' : 'down');
    amount.push(5 + 2 * score + x * y + 0.3 * randomNormal(rng));
  }
  return new Table([
    numberColumn('a', a),
    numberColumn('b', b),
    numberColumn('noise', noise),
    stringColumn('colour', colour),
    ...extra(rows),
    stringColumn('label', label),
    numberColumn('amount', amount),
  ]);
}

/** A clock that moves `step` milliseconds each time it is read. */
export function fakeClock(step = 1) {
  let time = 0;
  return () => (time += step);
}

export function collect() {
  const events: AutoMLEvent[] = [];
  return { events, onEvent: (event: AutoMLEvent) => events.push(event) };
}

/** Quick learners and 3 folds, so that tests stay fast; a budget a trial cap makes irrelevant. */
export const quick = (
  options: Partial<AutoMLOptions> & Pick<AutoMLOptions, 'target'>,
): AutoMLOptions => ({
  now: fakeClock(),
  seed: 7,
  budgetSeconds: 10_000,
  learners: ['gbdt', 'forest', 'knn', 'nb'],
  validation: { kind: 'cv', folds: 3 },
  ...options,
});
