import { checkCancelled, TrainingError } from '../errors/training-error';
import { LEARNER_NAMES, LEARNERS } from '../learners/registry';
import type { LearnerName, Target, Task } from '../learners/types';
import type { MetricSpec } from '../metrics/registry';
import { buildTarget, detectTask, labelledRows } from '../model/target';
import { seededRandom } from '../random';
import { isNumberColumn, type Table } from '../table';
import { fitCost } from './cost';
import { FeatureStore, featurizationOf, type FeaturizationSpec } from './features';
import {
  checkColumns,
  classImbalanceGuardrail,
  countClasses,
  isImbalanced,
  rowsPerClassGuardrail,
} from './guardrails';
import { defaultMetric, resolveMetric } from './metric';
import { deriveSeed } from './seeds';
import { learnerSpace, type DataShape } from './space';
import type {
  AutoMLOptions,
  AutoMLSetup,
  FeaturizationInfo,
  Guardrail,
  LearnerPlan,
} from './types';
import { planValidation, type EvaluationPlan } from './validation';

/** Everything a search needs, fixed before its first trial. */
export interface Prepared {
  /** The search adds how many trials run at once, which depends on where it runs. */
  readonly setup: Omit<AutoMLSetup, 'concurrency'>;
  readonly table: Table;
  readonly target: Target;
  readonly metric: MetricSpec;
  readonly plan: EvaluationPlan;
  readonly store: FeatureStore;
  readonly learners: readonly LearnerName[];
  readonly shape: DataShape;
  /** Training rows per fit at each fidelity; the last is the full training fold. */
  readonly fidelities: readonly number[];
  readonly seed: number;
}

export const DEFAULT_BUDGET_SECONDS = 60;
/** FLAML's sampling: start from a sample of this many rows and grow it fourfold. */
const INITIAL_SAMPLE = 10_000;
const SAMPLE_GROWTH = 4;

function fidelityLevels(foldRows: number): number[] {
  const levels: number[] = [];
  if (foldRows > 2 * INITIAL_SAMPLE) {
    for (let size = INITIAL_SAMPLE; size * 1.5 < foldRows; size *= SAMPLE_GROWTH) levels.push(size);
  }
  levels.push(foldRows);
  return levels;
}

/** Drops the rows of classes seen once: they can be neither learned from nor validated. */
function withoutSingletonClasses(table: Table, targetName: string, target: Target) {
  if (target.task !== 'classification') return { table, target, dropped: [] as string[] };
  const counts = countClasses(target)?.counts as Int32Array;
  const dropped = target.classes.filter((_, c) => counts[c] === 1);
  if (!dropped.length) return { table, target, dropped };
  const keep = Int32Array.from(
    Array.from(target.y.keys()).filter((row) => (counts[target.y[row] as number] as number) > 1),
  );
  const remaining = target.classes.length - dropped.length;
  if (remaining < 2) {
    const have = remaining === 0 ? 'no class' : 'only one class';
    const distinct =
      remaining === 0
        ? ` Its ${target.classes.length.toLocaleString('en-US')} values are all different: to predict a number, the column must hold numbers.`
        : '';
    throw new TrainingError(
      'single-class',
      `The target “${targetName}” has ${have} with more than one row; a classifier needs at least two.${distinct}`,
      targetName,
    );
  }
  const kept = table.take(keep);
  return {
    table: kept,
    target: buildTarget(kept.column(targetName), 'classification'),
    dropped,
  };
}

function anyMissing(table: Table, features: readonly string[]): boolean {
  return features.some((name) => {
    const column = table.column(name);
    if (isNumberColumn(column)) return column.values.some((value) => !Number.isFinite(value));
    return column.codes.some((code) => code < 0);
  });
}

function chooseLearners(requested: readonly LearnerName[] | undefined, task: Task): LearnerName[] {
  if (!requested) return LEARNER_NAMES.filter((name) => LEARNERS[name].tasks.includes(task));
  for (const name of requested) {
    if (!Object.hasOwn(LEARNERS, name)) {
      throw new TrainingError(
        'invalid-params',
        `Unknown learner “${name}”. Choose from: ${LEARNER_NAMES.join(', ')}.`,
        'learners',
      );
    }
    if (!LEARNERS[name].tasks.includes(task)) {
      throw new TrainingError(
        'invalid-params',
        `${LEARNERS[name].label} does not do ${task}.`,
        'learners',
      );
    }
  }
  if (!requested.length)
    throw new TrainingError('invalid-params', 'Name at least one learner.', 'learners');
  return [...new Set(requested)];
}

/** Seconds for a message: whole above 10, one decimal below. */
const seconds = (value: number) =>
  `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} s`;

/**
 * A learner is left out when even its cheapest start would take a large share of the budget on
 * the smallest sample (k-nearest neighbours on many rows, a network on a wide table). The cost
 * model, not a measurement, decides, so the same learners run on every machine.
 */
function planLearners(
  learners: readonly LearnerName[],
  shape: DataShape,
  firstRows: number,
  plan: EvaluationPlan,
  budgetSeconds: number,
  cols: number,
): LearnerPlan[] {
  const predictRows = plan.y.length / plan.folds.length;
  return learners.map((learner): LearnerPlan => {
    const space = learnerSpace(learner, shape);
    const cheapest = Math.min(
      ...space.initial.map((params) =>
        fitCost(learner, params, { rows: firstRows, cols, classes: shape.classes, predictRows }),
      ),
    );
    const trial = cheapest * plan.folds.length;
    if (trial > 0.5 * budgetSeconds) {
      return {
        learner,
        status: 'skipped',
        reason: `one trial would take about ${seconds(trial)} of the ${seconds(budgetSeconds)} budget`,
      };
    }
    return { learner, status: 'searching' };
  });
}

const FEATURIZATION_SUMMARY: Readonly<Record<FeaturizationSpec['name'], string>> = {
  'native-missing':
    'Missing values stay missing (the trees route them); categories one-hot or target-encoded; dates split into parts; no scaling.',
  imputed:
    'Missing values filled (median or most frequent) with an indicator; categories one-hot or target-encoded; dates split into parts; no scaling.',
  standardized:
    'Missing values filled (median or most frequent) with an indicator; categories one-hot or target-encoded; dates split into parts; numeric features standardized (image pixels stay in [0, 1]).',
};

function validationTable(
  table: Table,
  targetName: string,
  features: readonly string[],
  target: Target,
) {
  if (!table.has(targetName)) {
    throw new TrainingError(
      'invalid-input',
      `The validation table has no target column “${targetName}”.`,
      targetName,
    );
  }
  const absent = features.filter((name) => !table.has(name));
  if (absent.length) {
    throw new TrainingError(
      'invalid-input',
      `The validation table lacks the column${absent.length > 1 ? 's' : ''} ${absent.join(', ')}.`,
      absent[0],
    );
  }
  const rows = labelledRows(table.column(targetName));
  if (!rows.length) {
    throw new TrainingError(
      'invalid-input',
      `Every validation row's target “${targetName}” is missing.`,
      targetName,
    );
  }
  const labelled = rows.length === table.rowCount ? table : table.take(rows);
  const classes = target.task === 'classification' ? target.classes : undefined;
  return {
    table: labelled,
    target: buildTarget(labelled.column(targetName), target.task, classes),
  };
}

/** The columns the user leaves out, each checked to be a column and not the target. */
function checkExcluded(input: Table, targetName: string, exclude: readonly string[]): Set<string> {
  for (const name of exclude) {
    if (!input.has(name)) {
      throw new TrainingError(
        'invalid-input',
        `Cannot leave out “${name}”: there is no such column. Columns: ${input.names.join(', ')}.`,
        name,
      );
    }
    if (name === targetName) {
      throw new TrainingError(
        'invalid-input',
        `Cannot leave out “${name}”: it is the target.`,
        name,
      );
    }
  }
  return new Set(exclude);
}

export async function prepare(input: Table, options: AutoMLOptions): Promise<Prepared> {
  const { target: targetName, signal } = options;
  const seed = options.seed ?? 0;
  const budgetSeconds = options.budgetSeconds ?? DEFAULT_BUDGET_SECONDS;
  if (!(budgetSeconds > 0)) {
    throw new TrainingError(
      'invalid-params',
      `The budget must be above 0 seconds, got ${budgetSeconds}.`,
      'budget',
    );
  }
  if (!input.has(targetName)) {
    throw new TrainingError(
      'invalid-input',
      `There is no column “${targetName}”. Columns: ${input.names.join(', ')}.`,
      targetName,
    );
  }
  const labelled = labelledRows(input.column(targetName));
  if (!labelled.length) {
    throw new TrainingError(
      'invalid-input',
      `Every row's target “${targetName}” is missing.`,
      targetName,
    );
  }
  const missingTargetRows = input.rowCount - labelled.length;
  const withTarget = missingTargetRows ? input.take(labelled) : input;
  const task = options.task ?? detectTask(withTarget.column(targetName));
  const built = buildTarget(withTarget.column(targetName), task);
  const {
    table,
    target,
    dropped: singletonClasses,
  } = withoutSingletonClasses(withTarget, targetName, built);
  const excluded = checkExcluded(input, targetName, options.exclude ?? []);
  const candidates = table.names.filter((name) => name !== targetName && !excluded.has(name));
  if (!candidates.length) {
    throw new TrainingError(
      'invalid-input',
      excluded.size
        ? `There are no feature columns left: every column besides the target “${targetName}” is left out.`
        : 'There are no feature columns besides the target.',
    );
  }
  checkCancelled(signal);

  const columns = checkColumns(
    table,
    candidates,
    target,
    missingTargetRows,
    seededRandom(deriveSeed(seed, 'leakage')),
    options.leakage ?? 'keep',
  );
  columns.dropped.unshift(
    ...[...excluded].map((column) => ({ column, reason: 'you left it out' })),
  );
  const droppedNames = new Set(columns.dropped.map((entry) => entry.column));
  const features = candidates.filter((name) => !droppedNames.has(name));
  if (!features.length) {
    throw new TrainingError(
      'invalid-input',
      `No usable feature is left: ${columns.dropped.map((entry) => `“${entry.column}” (${entry.reason})`).join(', ')}.`,
    );
  }

  const classCounts = countClasses(target);
  const imbalanced = classCounts ? isImbalanced(classCounts) : false;
  const chosen = options.metric
    ? { metric: resolveMetric(options.metric, task), reason: 'Chosen by the user.' }
    : defaultMetric(task, imbalanced);
  const metric = chosen.metric;
  const guardrails: Guardrail[] = [...columns.guardrails];
  let classWeight = false;
  if (classCounts) {
    const imbalance = classImbalanceGuardrail(classCounts, metric.name);
    guardrails.push(imbalance.guardrail);
    classWeight = imbalance.classWeight;
  }

  const option = options.validation ?? 'auto';
  const external =
    option !== 'auto' && option.kind === 'table'
      ? validationTable(option.table, targetName, features, target)
      : undefined;
  const plan = planValidation({
    option,
    target,
    cols: features.length,
    budgetSeconds,
    seed,
    external,
  });
  if (classCounts) {
    guardrails.push(
      rowsPerClassGuardrail(
        classCounts,
        singletonClasses,
        plan.description.folds,
        plan.requestedFolds,
      ),
    );
  }

  const foldRows = Math.max(...plan.folds.map((fold) => fold.train.length));
  const fidelities = fidelityLevels(foldRows);
  const classes = target.task === 'classification' ? target.classes.length : 0;
  const shape: DataShape = { task, rows: foldRows, cols: features.length, classes };
  const store = new FeatureStore(
    table,
    features,
    target,
    plan,
    seed,
    classWeight,
    anyMissing(table, features),
  );

  const requested = chooseLearners(options.learners, task);
  const specs = new Map<string, FeaturizationSpec>();
  for (const learner of requested)
    specs.set(featurizationOf(learner).name, featurizationOf(learner));
  const featurization: FeaturizationInfo[] = [];
  let width = features.length;
  for (const spec of specs.values()) {
    const full = await store.full(spec, signal);
    width = Math.max(width, full.x.cols);
    featurization.push({
      name: spec.name,
      learners: requested.filter((learner) => featurizationOf(learner).name === spec.name),
      summary: FEATURIZATION_SUMMARY[spec.name],
      choices: full.pipeline.choices,
    });
  }
  const learnerPlans = planLearners(
    requested,
    shape,
    fidelities[0] as number,
    plan,
    budgetSeconds,
    width,
  );
  const learners = learnerPlans
    .filter((entry) => entry.status === 'searching')
    .map((entry) => entry.learner);
  if (!learners.length) {
    throw new TrainingError(
      'invalid-params',
      `No learner can finish a trial within the ${budgetSeconds} s budget: ${learnerPlans.map((entry) => `${entry.learner} (${entry.reason})`).join('; ')}. Give a larger budget.`,
      'budget',
    );
  }

  const setup: Prepared['setup'] = {
    task,
    metric: metric.name,
    greaterIsBetter: metric.greaterIsBetter,
    metricReason: chosen.reason,
    rows: target.y.length,
    classes: target.task === 'classification' ? target.classes : null,
    features,
    dropped: columns.dropped,
    classWeight,
    validation: plan.description,
    guardrails,
    featurization,
    learners: learnerPlans,
    fidelities,
  };
  return {
    setup,
    table,
    target,
    metric,
    plan,
    store,
    learners,
    shape: { ...shape, cols: width },
    fidelities,
    seed,
  };
}
