import { configureTfjs, initTfjs, type WasmPaths } from '../core/backend/tfjs';
import { TrainingError } from '../core/errors/training-error';
import { forecastTable, lagRidgeNeedsTfjs, saveForecast } from '../core/forecast';
import { prepareFeatures } from '../core/forecast/ui-features';
import { forecastView } from '../core/forecast/ui-view';
import { Table } from '../core/table';
import type {
  ForecastApi,
  ForecastFailure,
  ForecastFutureSource,
  ForecastProgress,
  ForecastRequest,
} from './forecast-api';
import { createJobRegistry } from './jobs';
import type { TrainSource } from './train-api';

export interface ForecastServiceOptions {
  now?: () => number;
  wasmPaths?: WasmPaths;
  loadVersion?: (versionId: string) => Promise<Table>;
  /** Starts tfjs, which the regression learners on lags train with; the real one by default. */
  initBackend?: () => Promise<unknown>;
}

function failure(error: unknown): ForecastFailure {
  if (error instanceof TrainingError) {
    return {
      kind: error.kind,
      message: error.message,
      ...(error.where === undefined ? {} : { where: error.where }),
    };
  }
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** Whether the search may train ridge regression on lags with tfjs (a long series only). */
const needsTfjs = (request: ForecastRequest, table: Table) =>
  (!request.families || request.families.includes('lagreg')) &&
  lagRidgeNeedsTfjs(table.rowCount, request.features?.length);

/** The forecasting worker's implementation: one search over the table's series per job. */
export function createForecastService(options: ForecastServiceOptions = {}): ForecastApi {
  const jobs = createJobRegistry();
  const now = options.now ?? (() => performance.now());
  if (options.wasmPaths) configureTfjs({ wasmPaths: options.wasmPaths });
  const initBackend = options.initBackend ?? initTfjs;

  async function tableOf(source: TrainSource): Promise<Table> {
    if (source.kind === 'columns') return new Table(source.columns);
    if (!options.loadVersion) {
      throw new TrainingError('invalid-input', 'This worker cannot read stored datasets.');
    }
    return options.loadVersion(source.versionId);
  }

  /**
   * The history to search and, with known-in-advance features, the rows that hold their future
   * values; checked as the page checks them, so a request from elsewhere fails just as clearly.
   */
  async function tablesOf(request: ForecastRequest) {
    const table = await tableOf(request.source);
    const features = request.features ?? [];
    if (!features.length) return { table, frequency: request.frequency };
    const future: ForecastFutureSource = request.future ?? { kind: 'after-target' };
    const prepared = prepareFeatures(table, {
      time: request.time,
      target: request.target,
      ...(request.series?.length ? { series: request.series } : {}),
      ...(request.frequency ? { frequency: request.frequency } : {}),
      ...(request.fill ? { fill: request.fill } : {}),
      ...(request.aggregate ? { aggregate: request.aggregate } : {}),
      features,
      horizon: request.horizon,
      ...(future.kind === 'after-target' ? {} : { future: await tableOf(future) }),
    });
    if (!prepared.ok) {
      throw new TrainingError('invalid-input', prepared.problems.join(' '), 'features');
    }
    return {
      table: prepared.history,
      frequency: prepared.frequency,
      features: { features, future: prepared.future },
    };
  }

  const forecast: ForecastApi['forecast'] = (jobId, request, events) =>
    jobs.run(jobId, events, async ({ signal, progress }) => {
      // The last report is awaited: its reply comes after every earlier report has been handled
      // on the page, so the page sees the whole search before it learns that the job ended.
      const last = (final: ForecastProgress) =>
        Promise.resolve(events({ type: 'progress', progress: final })).catch(() => undefined);
      const started = now();
      try {
        const { table, frequency, features } = await tablesOf(request);
        if (needsTfjs(request, table)) await initBackend();
        const result = await forecastTable(table, {
          time: request.time,
          target: request.target,
          ...(request.series?.length ? { series: request.series } : {}),
          ...(frequency ? { frequency } : {}),
          ...features,
          ...(request.period !== undefined ? { period: request.period } : {}),
          ...(request.fill ? { fill: request.fill } : {}),
          ...(request.aggregate ? { aggregate: request.aggregate } : {}),
          horizon: request.horizon,
          ...(request.folds !== undefined ? { folds: request.folds } : {}),
          ...(request.step !== undefined ? { step: request.step } : {}),
          metric: request.metric,
          budgetSeconds: request.budgetSeconds,
          seed: request.seed,
          ...(request.levels ? { levels: request.levels } : {}),
          ...(request.families ? { families: request.families } : {}),
          now,
          signal,
          onEvent: (event) => progress({ type: 'search', event }),
        });
        const saved = saveForecast(
          result,
          {
            time: request.time,
            target: request.target,
            ...(request.series?.length ? { series: request.series } : {}),
          },
          request.horizon,
        );
        await last({
          type: 'finished',
          result: { view: forecastView(result), saved, seconds: (now() - started) / 1000 },
        });
      } catch (error) {
        if (signal.aborted) return;
        await last({ type: 'failed', error: failure(error) });
      }
    });

  return { forecast, cancel: (jobId) => jobs.cancel(jobId) };
}
