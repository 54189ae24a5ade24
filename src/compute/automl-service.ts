import { AutoMLSearch } from '../core/automl/search';
import { configureTfjs, initTfjs, type WasmPaths } from '../core/backend/tfjs';
import { TrainingError } from '../core/errors/training-error';
import { explainPredictor } from '../core/evaluation/explain';
import { seededRandom } from '../core/random';
import { Table } from '../core/table';
import type { AutoMLApi, AutoMLCommand, AutoMLFailure } from './automl-api';
import { MAX_TRIAL_CONCURRENCY, workerTrials } from './automl-trials';
import type { WorkerEndpoint } from './endpoint';
import { resolveImages, type ImageResolverDeps } from './images';
import { createJobRegistry } from './jobs';
import type { TrainSource } from './train-api';

export interface AutoMLServiceOptions {
  now?: () => number;
  wasmPaths?: WasmPaths;
  loadVersion?: (versionId: string) => Promise<Table>;
  /** Reads and decodes stored images, for tables with image columns. */
  images?: ImageResolverDeps;
  /**
   * Trial workers for each session: trials run `concurrency` at a time, this worker being one of
   * them. Without it, or at 1, trials run here one after another.
   */
  trialWorkers?: { readonly concurrency: number; spawn(): WorkerEndpoint };
}

const isCancelled = (error: unknown) =>
  error instanceof TrainingError && error.kind === 'cancelled';

/** Seconds kept for the refit out of every run's budget, at least. */
const MIN_REFIT_SECONDS = 1;

function failure(error: unknown): AutoMLFailure {
  if (error instanceof TrainingError) {
    return {
      kind: error.kind,
      message: error.message,
      ...(error.where === undefined ? {} : { where: error.where }),
    };
  }
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** The AutoML worker's implementation: one search session per job, driven by commands. */
export function createAutoMLService(options: AutoMLServiceOptions = {}): AutoMLApi {
  const jobs = createJobRegistry();
  const now = options.now ?? (() => performance.now());
  if (options.wasmPaths) configureTfjs({ wasmPaths: options.wasmPaths });
  const inboxes = new Map<string, { push: (command: AutoMLCommand) => void }>();

  async function tableOf(source: TrainSource): Promise<Table> {
    if (source.kind === 'columns') return new Table(source.columns);
    if (!options.loadVersion) {
      throw new TrainingError('invalid-input', 'This worker cannot read stored datasets.');
    }
    return options.loadVersion(source.versionId);
  }

  const session: AutoMLApi['session'] = (jobId, request, events) =>
    jobs.run(jobId, events, async ({ signal, progress }) => {
      const queue: AutoMLCommand[] = [];
      let wake: (() => void) | null = null;
      let stopRun: AbortController | null = null;
      let search: AutoMLSearch | null = null;
      const trialWorkers = options.trialWorkers;
      const concurrency = Math.max(
        1,
        Math.min(
          Math.floor(request.concurrency ?? trialWorkers?.concurrency ?? 1),
          MAX_TRIAL_CONCURRENCY,
        ),
      );
      const workers =
        trialWorkers && concurrency > 1
          ? workerTrials(() => trialWorkers.spawn(), concurrency)
          : null;
      inboxes.set(jobId, {
        push(command) {
          if (command.kind === 'pause') search?.pause();
          else if (command.kind === 'resume') search?.resume();
          else if (command.kind === 'stop') {
            search?.resume();
            stopRun?.abort();
          } else queue.push(command);
          wake?.();
        },
      });
      const nextCommand = async (): Promise<AutoMLCommand> => {
        while (!queue.length) {
          if (signal.aborted) return { kind: 'close' };
          await new Promise<void>((resolve) => {
            wake = resolve;
            signal.addEventListener('abort', () => resolve(), { once: true });
          });
          wake = null;
        }
        return queue.shift() as AutoMLCommand;
      };

      try {
        // Linear models and neural networks train on tfjs; start it before the first trial.
        await initTfjs();
        const loaded = await tableOf(request.source);
        // Trial workers receive the decoded pixels with the columns: each image is decoded once.
        const table = options.images
          ? await resolveImages(loaded, options.images, {
              columns: loaded.names.filter(
                (name) => name !== request.target && !request.exclude?.includes(name),
              ),
              signal,
              onProgress: (done, total) => progress({ type: 'images', done, total }),
            })
          : loaded;
        search = await AutoMLSearch.create(table, {
          target: request.target,
          ...(request.task ? { task: request.task } : {}),
          ...(request.metric ? { metric: request.metric } : {}),
          ...(request.validation ? { validation: request.validation } : {}),
          ...(request.exclude?.length ? { exclude: request.exclude } : {}),
          ...(request.leakage ? { leakage: request.leakage } : {}),
          seed: request.seed,
          now,
          budgetSeconds: request.budgetSeconds,
          signal,
          onEvent: (event) => progress({ type: 'search', event }),
          ...(workers ? { trials: workers.trials } : {}),
        });
        let budget = request.budgetSeconds;
        let maxTrials = request.maxTrials;
        for (;;) {
          const started = now();
          stopRun = new AbortController();
          const runSignal = AbortSignal.any([signal, stopRun.signal]);
          await search.run({
            budgetSeconds: Math.max(budget, MIN_REFIT_SECONDS),
            ...(maxTrials !== undefined ? { maxTrials } : {}),
            signal: runSignal,
          });
          if (signal.aborted) throw new TrainingError('cancelled', 'The search was cancelled.');
          const left = Math.max(MIN_REFIT_SECONDS, budget - (now() - started) / 1000);
          try {
            const { predictor, summary } = await search.finish({ budgetSeconds: left, signal });
            let explanation = null;
            let explanationError: string | undefined;
            try {
              explanation = await explainPredictor(predictor, table, {
                rng: seededRandom(request.seed),
                // Bounded so that explaining takes seconds even for slow predictors (kNN, big
                // ensembles): about 2 × columns + 3 × 12 predictions of 400 rows.
                maxRows: 400,
                repeats: 2,
                gridResolution: 12,
                topDependence: 3,
                signal,
                onProgress: (done, total) => progress({ type: 'explaining', done, total }),
              });
            } catch (error) {
              if (isCancelled(error)) throw error;
              explanationError = failure(error).message;
            }
            progress({
              type: 'finished',
              result: {
                summary,
                model: predictor.toJSON(),
                explanation,
                ...(explanationError ? { explanationError } : {}),
                searchSeconds: search.elapsedSeconds,
              },
            });
          } catch (error) {
            if (isCancelled(error) || signal.aborted) throw error;
            progress({ type: 'failed', error: failure(error) });
          }
          progress({ type: 'idle' });
          const command = await nextCommand();
          if (command.kind !== 'extend') return;
          budget = command.seconds;
          maxTrials = undefined;
        }
      } catch (error) {
        if (signal.aborted || isCancelled(error)) return;
        progress({ type: 'failed', error: failure(error) });
      } finally {
        workers?.close();
        inboxes.delete(jobId);
      }
    });

  return {
    session,
    command: (jobId, command) => inboxes.get(jobId)?.push(command),
    cancel: (jobId) => jobs.cancel(jobId),
  };
}
