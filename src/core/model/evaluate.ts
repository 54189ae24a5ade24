import { TrainingError } from '../errors/training-error';
import {
  evaluateClassification,
  evaluateRegression,
  type ClassificationReport,
  type RegressionReport,
} from '../metrics';
import type { Table } from '../table';
import type { Predictor } from './model';
import { buildTarget, labelledRows } from './target';

export type EvaluationReport = ClassificationReport | RegressionReport;

/** The held-out scores every command reports, by task (the CLI's `test` object). */
export const HEADLINE_METRICS = {
  classification: ['accuracy', 'balanced_accuracy', 'f1_macro', 'roc_auc', 'log_loss'],
  regression: ['rmse', 'mae', 'r2'],
} as const;

/** Scores a fitted model on a table that holds the target column. */
export function evaluate(model: Predictor, table: Table): EvaluationReport {
  if (!table.has(model.target)) {
    throw new TrainingError(
      'invalid-input',
      `The evaluation data has no target column “${model.target}”.`,
      model.target,
    );
  }
  const rows = labelledRows(table.column(model.target));
  if (!rows.length) {
    throw new TrainingError(
      'invalid-input',
      `Every row's target “${model.target}” is missing.`,
      model.target,
    );
  }
  const labelled = rows.length === table.rowCount ? table : table.take(rows);
  const { predicted, proba } = model.predictRaw(labelled);
  if (model.task === 'regression') {
    const target = buildTarget(labelled.column(model.target), 'regression');
    return evaluateRegression(target.y, predicted);
  }
  const classes = model.classes as readonly string[];
  const target = buildTarget(labelled.column(model.target), 'classification', classes);
  return evaluateClassification(target.y, predicted, proba, classes);
}

export function headline(report: EvaluationReport): Record<string, number | null> {
  const names = HEADLINE_METRICS[report.task];
  return Object.fromEntries(names.map((name) => [name, report.metrics[name] ?? null]));
}
