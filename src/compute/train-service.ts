import { configureTfjs, initTfjs, type WasmPaths } from '../core/backend/tfjs';
import { TrainingError } from '../core/errors/training-error';
import { holdout, permutationImportance, stratifiedHoldout, type Split } from '../core/evaluation';
import type { LearnerName, Target, TrainingProgress } from '../core/learners/types';
import {
  buildTarget,
  detectTask,
  evaluate,
  fit,
  labelledRows,
  type Model,
  type ModelSpec,
} from '../core/model';
import { seededRandom, type Random } from '../core/random';
import { Table } from '../core/table';
import type {
  FeatureImportance,
  TrainApi,
  TrainOutcome,
  TrainRequest,
  TrainSource,
} from './train-api';
import { createJobRegistry } from './jobs';

const TFJS_LEARNERS: ReadonlySet<LearnerName> = new Set(['linear', 'mlp']);
const PROGRESS_INTERVAL_MS = 100;
const IMPORTANCE_ROWS = 2000;
const IMPORTANCE_REPEATS = 3;

export interface TrainServiceOptions {
  /** Milliseconds from any fixed origin; times the fit and throttles progress. */
  now?: () => number;
  /** Where the tfjs WASM binaries are served from, in a browser. */
  wasmPaths?: WasmPaths;
  /** Reads a stored dataset version, for requests that name one instead of sending columns. */
  loadVersion?: (versionId: string) => Promise<Table>;
}

/** Passes on the first progress report and then at most one per interval; `flush` sends the last. */
function throttle(now: () => number, send: (progress: TrainingProgress) => void) {
  let lastSent = -Infinity;
  let pending: TrainingProgress | undefined;
  return {
    report(progress: TrainingProgress) {
      const time = now();
      if (time - lastSent >= PROGRESS_INTERVAL_MS) {
        lastSent = time;
        pending = undefined;
        send(progress);
      } else pending = progress;
    },
    flush() {
      if (pending) send(pending);
      pending = undefined;
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
        const table = await tableOf(request.source);
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
        const split = splitRows(target, request.validation.testSize, rng);
        const train = labelled.take(split.train);
        const test = labelled.take(split.test);

        let backend = 'typed arrays';
        if (TFJS_LEARNERS.has(spec.learner)) {
          const setup = await initTfjs();
          if (!setup.ok) throw new TrainingError('device-lost', setup.reason);
          backend = setup.backend;
        }

        const throttled = throttle(now, (fitProgress) =>
          progress({ phase: 'fit', ...fitProgress }),
        );
        const started = now();
        const model = await fit(train, spec, {
          rng,
          signal,
          onProgress: (fitProgress) => throttled.report(fitProgress),
        });
        const fitSeconds = (now() - started) / 1000;
        throttled.flush();

        progress({ phase: 'evaluate' });
        const report = evaluate(model, test);
        const importance = await importanceOf(model, test, rng, signal, (done, total) =>
          progress({ phase: 'importance', done, total }),
        );
        return {
          ok: true,
          report,
          importance,
          importanceMetric: task === 'classification' ? 'accuracy' : 'r2',
          model: model.toJSON(),
          fitSeconds,
          backend,
          trainRows: train.rowCount,
          testRows: test.rowCount,
        };
      } catch (error) {
        if (error instanceof TrainingError) {
          return {
            ok: false,
            error: {
              kind: error.kind,
              message: error.message,
              ...(error.where === undefined ? {} : { where: error.where }),
            },
          };
        }
        throw error;
      }
    });
  }

  return { train, cancel: (jobId) => jobs.cancel(jobId) };
}
