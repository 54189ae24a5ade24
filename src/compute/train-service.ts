import { withDeviceFallback } from '../core/backend/device-fallback';
import { configureTfjs, initTfjs, useBackend, type WasmPaths } from '../core/backend/tfjs';
import { checkCancelled, TrainingError, yieldToEventLoop } from '../core/errors/training-error';
import {
  holdout,
  kFold,
  permutationImportance,
  stratifiedHoldout,
  stratifiedKFold,
  type Split,
} from '../core/evaluation';
import { explainPredictor } from '../core/evaluation/explain';
import { evaluateClassification, evaluateRegression } from '../core/metrics';
import type { LearnerName, Target, TrainingProgress } from '../core/learners/types';
import {
  buildTarget,
  detectTask,
  evaluate,
  fit,
  headline,
  labelledRows,
  loadPredictor,
  type EnsembleJSON,
  type ModelJSON,
  type EvaluationReport,
  type Model,
  type ModelSpec,
} from '../core/model';
import { seededRandom, type Random } from '../core/random';
import { Table } from '../core/table';
import type {
  CrossValidationSummary,
  FeatureImportance,
  FitPoint,
  ScoreOutcome,
  ScoreRequest,
  TrainApi,
  TrainOutcome,
  TrainRequest,
  TrainSource,
} from './train-api';
import { resolveImages, type ImageResolverDeps } from './images';
import { createJobRegistry } from './jobs';

const TFJS_LEARNERS: ReadonlySet<LearnerName> = new Set(['linear', 'mlp']);
const PROGRESS_INTERVAL_MS = 100;
const IMPORTANCE_ROWS = 2000;
const IMPORTANCE_REPEATS = 3;
/** Rows predicted between progress reports and checks for a cancel. */
const SCORE_CHUNK_ROWS = 2000;

export interface TrainServiceOptions {
  /** Milliseconds from any fixed origin; times the fit and throttles progress. */
  now?: () => number;
  /** Where the tfjs WASM binaries are served from, in a browser. */
  wasmPaths?: WasmPaths;
  /** Reads a stored dataset version, for requests that name one instead of sending columns. */
  loadVersion?: (versionId: string) => Promise<Table>;
  /** Reads and decodes stored images, for tables with image columns. */
  images?: ImageResolverDeps;
}

/**
 * Passes on the first progress report and then at most one per interval; `flush` sends the last.
 * The reports held back in between travel with the next one sent (as `earlier`), so the page
 * repaints rarely but can still record every step of a curve.
 */
function throttle(
  now: () => number,
  send: (progress: TrainingProgress, earlier: FitPoint[]) => void,
) {
  let lastSent = -Infinity;
  let held: TrainingProgress[] = [];
  const points = (reports: TrainingProgress[]) =>
    reports.map(({ step, metrics }): FitPoint => ({ step, metrics }));
  return {
    report(progress: TrainingProgress) {
      const time = now();
      if (time - lastSent >= PROGRESS_INTERVAL_MS) {
        lastSent = time;
        const earlier = points(held);
        held = [];
        send(progress, earlier);
      } else held.push(progress);
    },
    flush() {
      const last = held.pop();
      if (last) send(last, points(held));
      held = [];
    },
  };
}

function splitRows(target: Target, testSize: number, rng: Random): Split {
  const [split] =
    target.task === 'classification'
      ? stratifiedHoldout(target.y, target.classes, { testSize, rng })
      : holdout(target.y.length, { testSize, rng });
  return split;
}

function foldsOf(target: Target, folds: number, rng: Random): Split[] {
  if (!Number.isInteger(folds) || folds < 2 || folds > 20) {
    throw new TrainingError(
      'invalid-params',
      `Cross-validation takes 2 to 20 folds, not ${folds}.`,
      'folds',
    );
  }
  return target.task === 'classification'
    ? stratifiedKFold(target.y, target.classes, { folds, rng })
    : kFold(target.y.length, { folds, rng });
}

function summarize(perFold: Record<string, number | null>[]): CrossValidationSummary {
  const names = Object.keys(perFold[0] ?? {});
  const mean: Record<string, number | null> = {};
  const std: Record<string, number | null> = {};
  for (const name of names) {
    const values = perFold.map((scores) => scores[name]);
    if (values.some((value) => value === null || value === undefined || !Number.isFinite(value))) {
      mean[name] = null;
      std[name] = null;
      continue;
    }
    const numbers = values as number[];
    const average = numbers.reduce((sum, value) => sum + value, 0) / numbers.length;
    mean[name] = average;
    std[name] = Math.sqrt(
      numbers.reduce((sum, value) => sum + (value - average) ** 2, 0) / numbers.length,
    );
  }
  return { folds: perFold.length, perFold, mean, std };
}

/** Up to IMPORTANCE_ROWS held-out rows, drawn at random so a sorted table is still sampled fairly. */
function importanceRows(rows: number, rng: Random): Int32Array {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  if (rows <= IMPORTANCE_ROWS) return order;
  for (let i = 0; i < IMPORTANCE_ROWS; i++) {
    const j = i + Math.floor(rng() * (rows - i));
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  return order.slice(0, IMPORTANCE_ROWS).sort();
}

async function importanceOf(
  model: Model,
  test: Table,
  rng: Random,
  signal: AbortSignal,
  onProgress: (done: number, total: number) => void,
): Promise<FeatureImportance[]> {
  // Shuffling one pixel of hundreds barely moves a score: an image counts as one input, shuffled
  // whole, and so does every other input column beside it.
  if (model.pipeline.schema.columns.some((column) => column.type === 'image')) {
    const explanation = await explainPredictor(model, test, {
      rng,
      maxRows: IMPORTANCE_ROWS,
      repeats: IMPORTANCE_REPEATS,
      topDependence: 0,
      signal,
      onProgress,
    });
    return explanation.importance.map(({ feature, mean, std }) => ({ feature, mean, std }));
  }
  const sample = test.take(importanceRows(test.rowCount, rng));
  const x = model.pipeline.transform(sample.select(model.features)).matrix;
  const target = buildTarget(sample.column(model.target), model.task, model.classes ?? undefined);
  const result = await permutationImportance(
    (matrix) => model.estimator.predict(matrix),
    x,
    target.y,
    model.task === 'classification' ? 'accuracy' : 'r2',
    {
      repeats: IMPORTANCE_REPEATS,
      rng,
      signal,
      onProgress,
      ...(target.task === 'classification' ? { nClasses: target.classes.length } : {}),
    },
  );
  return model.pipeline.names.map((feature, i) => ({
    feature,
    mean: result.importancesMean[i] as number,
    std: result.importancesStd[i] as number,
  }));
}

function learnersOf(model: ModelJSON | EnsembleJSON): LearnerName[] {
  return model.format === 'bunsen-ensemble'
    ? model.members.map((member) => member.spec.learner)
    : [model.spec.learner];
}

/** The trainer worker's implementation; the worker file only exposes it. */
export function createTrainService(options: TrainServiceOptions = {}): TrainApi {
  const jobs = createJobRegistry();
  const now = options.now ?? (() => performance.now());
  if (options.wasmPaths) configureTfjs({ wasmPaths: options.wasmPaths });

  async function tableOf(source: TrainSource): Promise<Table> {
    if (source.kind === 'columns') return new Table(source.columns);
    if (!options.loadVersion) {
      throw new TrainingError('invalid-input', 'This trainer cannot read stored datasets.');
    }
    return options.loadVersion(source.versionId);
  }

  async function train(
    jobId: string,
    request: TrainRequest,
    events: Parameters<TrainApi['train']>[2],
  ): Promise<TrainOutcome> {
    return jobs.run(jobId, events, async ({ signal, progress }) => {
      try {
        const rng = seededRandom(request.seed);
        const loaded = await tableOf(request.source);
        const table = options.images
          ? await resolveImages(loaded, options.images, {
              columns:
                request.spec.features ?? loaded.names.filter((n) => n !== request.spec.target),
              signal,
              onProgress: (done, total) => progress({ phase: 'images', done, total }),
            })
          : loaded;
        const targetColumn = table.column(request.spec.target);
        const task = request.spec.task ?? detectTask(targetColumn);
        const spec: ModelSpec = { ...request.spec, task };
        const labelled = table.take(labelledRows(targetColumn));
        if (labelled.rowCount === 0) {
          throw new TrainingError(
            'invalid-input',
            `Every row's target “${spec.target}” is missing.`,
            spec.target,
          );
        }
        const target = buildTarget(labelled.column(spec.target), task);
        let backend = 'typed arrays';
        if (TFJS_LEARNERS.has(spec.learner)) {
          const setup = await initTfjs();
          if (!setup.ok) throw new TrainingError('device-lost', setup.reason);
          backend = setup.backend;
        }
        const notes: string[] = [];
        const fitOn = async (rows: Table) => {
          const attempt = async () => {
            const throttled = throttle(now, (fitProgress, earlier) =>
              progress({ phase: 'fit', ...fitProgress, ...(earlier.length ? { earlier } : {}) }),
            );
            const fitted = await fit(rows, spec, {
              rng,
              signal,
              onProgress: (fitProgress) => throttled.report(fitProgress),
            });
            throttled.flush();
            return fitted;
          };
          const outcome = await withDeviceFallback(backend, attempt, async () => {
            for (const fallback of ['wasm', 'cpu'] as const) {
              if ((await useBackend(fallback)).available) return fallback;
            }
            throw new TrainingError('device-lost', 'Neither WASM nor CPU could start.');
          });
          if (outcome.note) notes.push(outcome.note);
          backend = outcome.backend;
          return outcome.value;
        };

        const validation = request.validation;
        let model: Model;
        let report: EvaluationReport;
        let importanceModel: Model;
        let importanceTable: Table;
        let trainRows: number;
        let testRows: number;
        let cv: CrossValidationSummary | undefined;
        const started = now();
        let fitSeconds: number;
        if (validation.kind === 'cv') {
          const splits = foldsOf(target, validation.folds, rng);
          const oofPredicted = new Float64Array(labelled.rowCount);
          const classCount = target.task === 'classification' ? target.classes.length : 0;
          let oofProba: Float64Array | null =
            target.task === 'classification'
              ? new Float64Array(labelled.rowCount * classCount)
              : null;
          const perFold: Record<string, number | null>[] = [];
          let last: { model: Model; test: Table } | undefined;
          for (const [fold, split] of splits.entries()) {
            progress({ phase: 'fold', fold: fold + 1, folds: splits.length });
            const foldModel = await fitOn(labelled.take(split.train));
            const foldTest = labelled.take(split.test);
            perFold.push(headline(evaluate(foldModel, foldTest)));
            const raw = foldModel.predictRaw(foldTest);
            split.test.forEach((row, i) => {
              oofPredicted[row] = raw.predicted[i] as number;
              if (oofProba) {
                if (!raw.proba) oofProba = null;
                else
                  for (let c = 0; c < classCount; c++)
                    oofProba[row * classCount + c] = raw.proba[i * classCount + c] as number;
              }
            });
            last = { model: foldModel, test: foldTest };
          }
          progress({ phase: 'fold', fold: splits.length + 1, folds: splits.length });
          model = await fitOn(labelled);
          fitSeconds = (now() - started) / 1000;
          progress({ phase: 'evaluate' });
          report =
            target.task === 'classification'
              ? evaluateClassification(target.y, oofPredicted, oofProba, target.classes)
              : evaluateRegression(target.y, oofPredicted);
          cv = summarize(perFold);
          const lastFold = last as { model: Model; test: Table };
          importanceModel = lastFold.model;
          importanceTable = lastFold.test;
          trainRows = labelled.rowCount;
          testRows = labelled.rowCount;
        } else {
          const split = splitRows(target, validation.testSize, rng);
          const train = labelled.take(split.train);
          const test = labelled.take(split.test);
          model = await fitOn(train);
          fitSeconds = (now() - started) / 1000;
          progress({ phase: 'evaluate' });
          report = evaluate(model, test);
          importanceModel = model;
          importanceTable = test;
          trainRows = train.rowCount;
          testRows = test.rowCount;
        }
        const importance = await importanceOf(
          importanceModel,
          importanceTable,
          rng,
          signal,
          (done, total) => progress({ phase: 'importance', done, total }),
        );
        return {
          ok: true,
          report,
          importance,
          importanceMetric: task === 'classification' ? 'accuracy' : 'r2',
          model: model.toJSON(),
          fitSeconds,
          backend,
          trainRows,
          testRows,
          ...(cv ? { cv } : {}),
          ...(notes.length ? { notes } : {}),
        };
      } catch (error) {
        if (error instanceof TrainingError) return failureOf(error);
        throw error;
      }
    });
  }

  async function score(
    jobId: string,
    request: ScoreRequest,
    events: Parameters<TrainApi['score']>[2],
  ): Promise<ScoreOutcome> {
    return jobs.run(jobId, events, async ({ signal, progress }) => {
      try {
        const predictor = loadPredictor(request.model);
        if (learnersOf(request.model).some((learner) => TFJS_LEARNERS.has(learner))) {
          const setup = await initTfjs();
          if (!setup.ok) throw new TrainingError('device-lost', setup.reason);
        }
        const loaded = await tableOf(request.source);
        const missing = predictor.features.filter((name) => !loaded.has(name));
        if (missing.length) {
          throw new TrainingError(
            'invalid-input',
            `The data lacks ${missing.length === 1 ? 'a column' : `${missing.length} columns`} the model reads: ` +
              `${missing.map((name) => `“${name}”`).join(', ')}.`,
            missing[0],
          );
        }
        const inputs = loaded.select(predictor.features);
        const table = options.images
          ? await resolveImages(inputs, options.images, {
              signal,
              onProgress: (done, total) => progress({ phase: 'images', done, total }),
            })
          : inputs;
        const rows = table.rowCount;
        const classes = predictor.classes ? [...predictor.classes] : null;
        const predicted = new Float64Array(rows);
        let probabilities: Float64Array | null =
          classes && predictor.task === 'classification'
            ? new Float64Array(rows * classes.length)
            : null;
        progress({ phase: 'score', done: 0, total: rows });
        for (let start = 0; start < rows; start += SCORE_CHUNK_ROWS) {
          checkCancelled(signal);
          const end = Math.min(rows, start + SCORE_CHUNK_ROWS);
          const chunk = table.take(Int32Array.from({ length: end - start }, (_, i) => start + i));
          const raw = predictor.predictRaw(chunk);
          predicted.set(raw.predicted, start);
          if (probabilities && classes) {
            if (raw.proba) probabilities.set(raw.proba, start * classes.length);
            else probabilities = null;
          }
          progress({ phase: 'score', done: end, total: rows });
          await yieldToEventLoop();
        }
        if (predictor.task === 'regression') {
          return {
            ok: true,
            task: 'regression',
            classes: null,
            labels: null,
            values: predicted,
            probabilities: null,
          };
        }
        const names = classes ?? [];
        return {
          ok: true,
          task: 'classification',
          classes: names,
          labels: Array.from(predicted, (index) => names[index] as string),
          values: null,
          probabilities,
        };
      } catch (error) {
        if (error instanceof TrainingError) return failureOf(error);
        throw error;
      }
    });
  }

  return { train, score, cancel: (jobId) => jobs.cancel(jobId) };
}

/** A training error as the failed result the page shows: its kind, message and where. */
function failureOf(error: TrainingError) {
  return {
    ok: false as const,
    error: {
      kind: error.kind,
      message: error.message,
      ...(error.where === undefined ? {} : { where: error.where }),
    },
  };
}
