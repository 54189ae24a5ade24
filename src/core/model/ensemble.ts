import { TrainingError } from '../errors/training-error';
import type { Task } from '../learners/types';
import { numberColumn, stringColumn, type Column, type LogicalType, type Table } from '../table';
import {
  Model,
  type EnsembleJSON,
  type ModelJSON,
  type Predictor,
  type Probabilities,
  type RawPrediction,
} from './model';

/**
 * A weighted average of fitted models trained on the same target: class probabilities are
 * averaged for classifiers (the label is the most probable class), values for regressors.
 * Greedy ensemble selection (Caruana et al.) produces integer weights that this normalizes.
 */
export class EnsembleModel implements Predictor {
  readonly task: Task;
  readonly target: string;
  readonly classes: readonly string[] | null;
  readonly features: readonly string[];
  readonly weights: readonly number[];

  constructor(
    readonly members: readonly Model[],
    weights: readonly number[],
    readonly method = 'greedy-selection',
  ) {
    const first = members[0];
    if (!first) throw new TrainingError('invalid-input', 'An ensemble needs at least one model.');
    if (weights.length !== members.length) {
      throw new TrainingError('invalid-input', 'An ensemble needs one weight per member.');
    }
    const total = weights.reduce((sum, w) => sum + w, 0);
    if (!(total > 0) || weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
      throw new TrainingError(
        'invalid-input',
        'Ensemble weights must be non-negative and sum above 0.',
      );
    }
    this.weights = weights.map((w) => w / total);
    this.task = first.task;
    this.target = first.target;
    this.classes = first.classes;
    for (const [index, member] of members.entries()) {
      if (
        member.task !== this.task ||
        member.target !== this.target ||
        String(member.classes) !== String(this.classes)
      ) {
        throw new TrainingError(
          'invalid-input',
          'Every ensemble member must predict the same target with the same classes.',
          `members[${index}]`,
        );
      }
      if (this.task === 'classification' && !member.estimator.predictProba) {
        throw new TrainingError(
          'invalid-input',
          `Ensemble member ${index} (${member.spec.learner}) gives no probabilities.`,
          `members[${index}]`,
        );
      }
    }
    this.features = [...new Set(members.flatMap((member) => member.features))];
  }

  get inputTypes(): ReadonlyMap<string, LogicalType> {
    return new Map(this.members.flatMap((member) => [...member.inputTypes]));
  }

  get trainingRows(): number {
    return Math.max(...this.members.map((member) => member.trainingRows));
  }

  predictRaw(table: Table): RawPrediction {
    const rows = table.rowCount;
    if (this.task === 'regression') {
      const predicted = new Float64Array(rows);
      this.members.forEach((member, m) => {
        const w = this.weights[m] as number;
        if (w === 0) return;
        const values = member.predictRaw(table).predicted;
        for (let i = 0; i < rows; i++)
          predicted[i] = (predicted[i] as number) + w * (values[i] as number);
      });
      return { predicted, proba: null };
    }
    const k = (this.classes as readonly string[]).length;
    const proba = new Float64Array(rows * k);
    this.members.forEach((member, m) => {
      const w = this.weights[m] as number;
      if (w === 0) return;
      const p = member.predictRaw(table).proba as Float64Array;
      for (let i = 0; i < proba.length; i++) proba[i] = (proba[i] as number) + w * (p[i] as number);
    });
    const predicted = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++)
        if ((proba[i * k + c] as number) > (proba[i * k + best] as number)) best = c;
      predicted[i] = best;
    }
    return { predicted, proba };
  }

  predict(table: Table): Column {
    const { predicted } = this.predictRaw(table);
    if (this.task === 'regression') return numberColumn(this.target, predicted);
    const classes = this.classes as readonly string[];
    return stringColumn(
      this.target,
      Array.from(predicted, (index) => classes[index] as string),
    );
  }

  predictProba(table: Table): Probabilities {
    if (this.task !== 'classification') {
      throw new TrainingError('invalid-input', 'Only classifiers predict probabilities.');
    }
    return {
      classes: this.classes as string[],
      proba: this.predictRaw(table).proba as Float64Array,
    };
  }

  toJSON(): EnsembleJSON {
    return {
      format: 'bunsen-ensemble',
      version: 1,
      target: this.target,
      task: this.task,
      classes: this.classes,
      method: this.method,
      weights: this.weights,
      members: this.members.map((member) => member.toJSON()),
    };
  }

  static fromJSON(json: unknown): EnsembleModel {
    const ensemble = json as Partial<EnsembleJSON> | null;
    if (!ensemble || ensemble.format !== 'bunsen-ensemble' || ensemble.version !== 1) {
      throw new TrainingError(
        'invalid-input',
        'This is not a Bunsen ensemble (format bunsen-ensemble, version 1).',
      );
    }
    if (!Array.isArray(ensemble.members) || !Array.isArray(ensemble.weights)) {
      throw new TrainingError(
        'invalid-input',
        'The ensemble lists no members or weights.',
        'members',
      );
    }
    return new EnsembleModel(
      ensemble.members.map((member: ModelJSON) => Model.fromJSON(member)),
      ensemble.weights,
      ensemble.method,
    );
  }
}

/** Reads any saved tabular model: a single learner's or an ensemble. */
export function loadPredictor(json: unknown): Predictor {
  const format = (json as { format?: unknown } | null)?.format;
  if (format === 'bunsen-ensemble') return EnsembleModel.fromJSON(json);
  if (format === 'bunsen-model') return Model.fromJSON(json);
  throw new TrainingError(
    'invalid-input',
    `This is not a Bunsen model: its format is ${format === undefined ? 'missing' : `“${String(format)}”`}, expected bunsen-model or bunsen-ensemble.`,
    'format',
  );
}
