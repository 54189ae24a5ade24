import { TrainingError } from '../errors/training-error';
import { holdout, kFold, stratifiedHoldout, stratifiedKFold, type Split } from '../evaluation';
import type { Target } from '../learners/types';
import { seededRandom } from '../random';
import type { Table } from '../table';
import { deriveSeed } from './seeds';
import type { ValidationOption, ValidationPlan } from './types';

/** Where every trial is scored: the folds, and the validation targets laid end to end. */
export interface EvaluationPlan {
  readonly description: ValidationPlan;
  /** Training rows and validation rows of each fold; validation rows index `external` if set. */
  readonly folds: readonly Split[];
  readonly external: Table | null;
  /** The validation targets of fold 0, then fold 1, and so on. */
  readonly y: Int32Array | Float64Array;
  /** Fold f's validation rows are positions offsets[f] to offsets[f + 1] of `y`. */
  readonly offsets: Int32Array;
  /** The folds asked for, before the smallest class limited them. */
  readonly requestedFolds: number;
  /**
   * Times the cross-validation was run on a new shuffle (1 when not repeated): `folds` holds
   * every repeat's folds, and each row is validated once a repeat.
   */
  readonly repeats: number;
}

/**
 * The rows a plan's scores rest on: repeats of the folds validate the same rows again, so their
 * scores are not new evidence.
 */
export const distinctRows = (plan: Pick<EvaluationPlan, 'y' | 'repeats'>): number =>
  plan.y.length / Math.max(1, plan.repeats);

/** FLAML's rule: cross-validate while rows × columns stay small for the budget (10M cells an hour). */
const CELLS_PER_HOUR = 10_000_000;
const MAX_CV_ROWS = 100_000;
/**
 * Tables this small are cross-validated whatever the budget: FLAML's rate is that of Python
 * learners, and here a fit on them takes milliseconds, while a holdout of a few dozen rows
 * ranks trials by noise (a 20 % holdout of 426 rows is 86 rows: one row is 1.2 points).
 */
const ALWAYS_CV_CELLS = 50_000;
/**
 * Under this many rows, with a budget of at least REPEAT_FROM_SECONDS, the cross-validation is
 * repeated REPEATS times on new shuffles: one split of a few hundred rows ranks trials partly by
 * luck (a network that drew easy folds), and fits this small cost little.
 */
const REPEAT_UNDER_ROWS = 1000;
const REPEAT_FROM_SECONDS = 10;
const REPEATS = 3;

type Chosen =
  | {
      readonly kind: 'cv';
      readonly folds: number;
      readonly repeats?: number;
      readonly why: string;
    }
  | { readonly kind: 'holdout'; readonly fraction: number; readonly why: string };

function automatic(rows: number, cols: number, budgetSeconds: number): Chosen {
  const cells = rows * Math.max(1, cols);
  if (
    rows < MAX_CV_ROWS &&
    (cells <= ALWAYS_CV_CELLS || cells / 0.9 < CELLS_PER_HOUR * (budgetSeconds / 3600))
  ) {
    const folds = rows < 1000 ? 10 : 5;
    const repeats = rows < REPEAT_UNDER_ROWS && budgetSeconds >= REPEAT_FROM_SECONDS ? REPEATS : 1;
    const why =
      rows < 1000
        ? repeats > 1
          ? `under 1,000 rows, so 10 folds keep each validation score steady, and ${REPEATS} shuffles keep one lucky split from picking the model`
          : 'under 1,000 rows, so 10 folds keep each validation score steady'
        : 'the data is small enough for the budget to fit every trial five times';
    return { kind: 'cv', folds, repeats, why };
  }
  const fraction = rows >= 20_000 ? 0.1 : 0.2;
  return {
    kind: 'holdout',
    fraction,
    why: `${rows.toLocaleString('en-US')} rows × ${cols} columns are too many to fit every trial several times in ${Number(budgetSeconds.toFixed(1))} s`,
  };
}

function smallestClass(target: Target): number {
  if (target.task !== 'classification') return Infinity;
  const counts = new Int32Array(target.classes.length);
  for (const label of target.y) counts[label] = (counts[label] as number) + 1;
  return Math.min(...Array.from(counts).filter((count) => count > 0));
}

function assemble(
  description: ValidationPlan,
  folds: Split[],
  external: Table | null,
  targetOfRows: Target,
  requestedFolds: number,
  repeats = 1,
): EvaluationPlan {
  const total = folds.reduce((sum, fold) => sum + fold.test.length, 0);
  const y =
    targetOfRows.task === 'classification' ? new Int32Array(total) : new Float64Array(total);
  const offsets = new Int32Array(folds.length + 1);
  let at = 0;
  folds.forEach((fold, f) => {
    offsets[f] = at;
    for (const row of fold.test) y[at++] = targetOfRows.y[row] as number;
  });
  offsets[folds.length] = at;
  return { description, folds, external, y, offsets, requestedFolds, repeats };
}

export interface ValidationInput {
  readonly option: ValidationOption;
  readonly target: Target;
  readonly cols: number;
  readonly budgetSeconds: number;
  readonly seed: number;
  /** The labelled validation table and its target, when the option is `table`. */
  readonly external?: { readonly table: Table; readonly target: Target };
}

export function planValidation(input: ValidationInput): EvaluationPlan {
  const { target, seed } = input;
  const rows = target.y.length;
  const rng = seededRandom(deriveSeed(seed, 'validation'));
  const stratified = target.task === 'classification';
  if (input.option !== 'auto' && input.option.kind === 'table') {
    const external = input.external;
    if (!external) throw new TrainingError('invalid-input', 'The validation table is missing.');
    const description: ValidationPlan = {
      kind: 'table',
      folds: 1,
      repeats: 1,
      stratified: false,
      validationRows: external.target.y.length,
      reason: `The given validation table (${external.target.y.length} rows) scores every trial.`,
    };
    const all = Int32Array.from({ length: rows }, (_, i) => i);
    const test = Int32Array.from({ length: external.target.y.length }, (_, i) => i);
    return assemble(description, [{ train: all, test }], external.table, external.target, 1);
  }
  const chosen: Chosen =
    input.option === 'auto'
      ? automatic(rows, input.cols, input.budgetSeconds)
      : { ...input.option, why: 'as asked' };
  if (chosen.kind === 'cv') {
    const requested = chosen.folds;
    if (!Number.isInteger(requested) || requested < 2) {
      throw new TrainingError(
        'invalid-params',
        `Cross-validation needs a whole number of folds of at least 2, got ${requested}.`,
        'validation.folds',
      );
    }
    const folds = Math.min(requested, rows, smallestClass(target));
    if (folds < 2) {
      throw new TrainingError('invalid-input', `${rows} rows are too few to cross-validate.`);
    }
    const repeats = chosen.repeats ?? 1;
    if (!Number.isInteger(repeats) || repeats < 1) {
      throw new TrainingError(
        'invalid-params',
        `Cross-validation repeats must be a whole number of at least 1, got ${repeats}.`,
        'validation.repeats',
      );
    }
    const splits: Split[] = [];
    for (let repeat = 0; repeat < repeats; repeat++) {
      splits.push(
        ...(target.task === 'classification'
          ? stratifiedKFold(target.y, target.classes, { folds, rng })
          : kFold(rows, { folds, rng })),
      );
    }
    const kind = `${folds}-fold ${stratified ? 'stratified ' : ''}cross-validation${
      repeats > 1 ? `, repeated ${repeats} times on new shuffles` : ''
    }`;
    const description: ValidationPlan = {
      kind: 'cv',
      folds,
      repeats,
      stratified,
      validationRows: rows,
      reason:
        folds < requested
          ? `${kind}, not ${requested} folds (${chosen.why}): ${
              folds === rows
                ? `there are only ${rows} rows`
                : `the smallest class has only ${folds} rows, and every fold needs one`
            }.`
          : `${kind}: ${chosen.why}.`,
    };
    return assemble(description, splits, null, target, requested, repeats);
  }
  const fraction = chosen.fraction;
  if (!(fraction > 0 && fraction < 1)) {
    throw new TrainingError(
      'invalid-params',
      `The holdout fraction must be between 0 and 1, got ${fraction}.`,
      'validation.fraction',
    );
  }
  const [split] =
    target.task === 'classification'
      ? stratifiedHoldout(target.y, target.classes, { testSize: fraction, rng })
      : holdout(rows, { testSize: fraction, rng });
  const description: ValidationPlan = {
    kind: 'holdout',
    folds: 1,
    repeats: 1,
    stratified,
    validationRows: split.test.length,
    reason: `A ${stratified ? 'stratified ' : ''}${Math.round(fraction * 100)} % holdout (${split.test.length} rows): ${chosen.why}.`,
  };
  return assemble(description, [split], null, target, 1);
}
