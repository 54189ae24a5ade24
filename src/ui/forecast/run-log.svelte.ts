import type {
  ForecastFinished,
  ForecastProgress,
  ForecastRequest,
} from '../../compute/forecast-api';
import {
  ACCURACY_METRICS,
  stoppedBecause,
  TimeAxis,
  type ForecastEvent,
} from '../../core/forecast';
import { forecastCsv } from '../../core/forecast/ui-view';
import type { Lab, RunHandle } from '../../sdk';
import { QueuedRunLog } from '../runs/queued-log.svelte';
import { pageDevice } from '../train/run-log.svelte';

export interface ForecastLogSetup {
  workspaceId: string;
  experiment: string;
  datasetName: string;
  request: ForecastRequest;
  /** The dataset version the features' future values come from, as the user knows it. */
  futureName?: string;
}

/** Candidate settings as run params: nested values (an ensemble's members) are kept as text. */
function paramsOf(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => [
      key,
      value !== null && typeof value === 'object' ? JSON.stringify(value) : value,
    ]),
  );
}

const seriesKey = (series: string | null, trial: number) => `${series ?? ''}\u0000${trial}`;

/**
 * A forecast search logged as runs: the search is a parent run (its settings, the best backtest
 * score of each series, the saved forecaster as `model.json`, the forecast as CSV), every
 * candidate of every series a child run (model, settings, backtest scores, fit time, status).
 * Events are written one at a time in the order they arrive, so a candidate's run exists before
 * its result is logged.
 */
export class ForecastRunLog extends QueuedRunLog {
  parentId = $state<string | null>(null);
  /** The parent run, once it has ended as finished with the model. */
  modelRunId = $state<string | null>(null);
  private parent: RunHandle | null = null;
  // Bookkeeping of open candidate runs; nothing renders it, so it need not be reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private candidates = new Map<string, RunHandle>();
  private finishedCandidates = 0;
  /** The reasons logged so far, so that the best model's is logged once. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private said = new Set<string>();

  constructor(
    private readonly lab: Lab,
    private readonly settings: ForecastLogSetup,
  ) {
    super();
    this.enqueue(() => this.openParent());
  }

  handle(progress: ForecastProgress) {
    switch (progress.type) {
      case 'search':
        this.enqueue(() => this.onEvent(progress.event));
        return;
      case 'finished':
        this.enqueue(() => this.onFinished(progress.result));
        return;
      case 'failed':
        this.enqueue(() => this.close('failed', progress.error.message));
        return;
    }
  }

  /** The search was cancelled or its worker broke: whatever is open ends with it. */
  end(status: 'cancelled' | 'failed', message: string) {
    this.enqueue(() => this.close(status, message));
  }

  private inputs() {
    const { source, future, features } = this.settings.request;
    return [
      ...(source.kind === 'version'
        ? [{ datasetVersionId: source.versionId, role: 'training' }]
        : []),
      ...(features?.length && future?.kind === 'version'
        ? [{ datasetVersionId: future.versionId, role: 'future' }]
        : []),
    ];
  }

  /** Where the features' values for the forecast steps came from, in words. */
  private futureParam(): string | null {
    const { features, future } = this.settings.request;
    if (!features?.length) return null;
    if (future?.kind === 'version') return this.settings.futureName ?? future.versionId;
    return future?.kind === 'columns' ? 'given rows' : 'rows after the last target';
  }

  private tags(source: string): Record<string, string> {
    return {
      source,
      dataset: this.settings.datasetName,
      target: this.settings.request.target,
      time: this.settings.request.time,
    };
  }

  private async openParent() {
    const { workspaceId, experiment, datasetName, request } = this.settings;
    const record = await this.lab.experiments.ensure(workspaceId, experiment);
    const earlier = (await this.lab.runs.list(workspaceId, { experimentId: record.id })).filter(
      (run) => run.tags.source === 'forecast' && !run.parentRunId,
    );
    this.parent = await this.lab.runs.start(workspaceId, {
      experiment,
      name: `Forecast search ${earlier.length + 1}`,
      params: {
        time: request.time,
        target: request.target,
        series: request.series?.join(', ') || null,
        frequency: request.frequency
          ? `${request.frequency.every} ${request.frequency.unit}`
          : 'auto',
        period: request.period ?? 'auto',
        fill: request.fill ?? 'auto',
        aggregate: request.aggregate ?? 'none',
        horizon: request.horizon,
        folds: request.folds ?? 'auto',
        step: request.step ?? 'auto',
        metric: request.metric,
        budget_seconds: request.budgetSeconds,
        levels: (request.levels ?? [80, 95]).join(', '),
        features: request.features?.join(', ') || null,
        models: request.families?.join(', ') ?? 'default',
        future: this.futureParam(),
      },
      tags: this.tags('forecast'),
      seed: request.seed,
      device: pageDevice(),
      inputs: this.inputs(),
      snapshot: { kind: 'spec', content: JSON.stringify(request, null, 2) },
    });
    this.parentId = this.parent.id;
    this.parent.log(
      `Forecasting “${request.target}” of ${datasetName} ${request.horizon} steps ahead by “${request.time}”: ${request.budgetSeconds} s budget, ${request.metric.toUpperCase()}, seed ${request.seed}.`,
    );
    if (request.features?.length) {
      this.parent.log(
        `Known in advance: ${request.features.join(', ')}, their future values from ${this.futureParam()}.`,
      );
    }
  }

  private async onEvent(event: ForecastEvent) {
    const parent = this.parent;
    if (!parent) return;
    const prefix = event.series !== null ? `[${event.series}] ` : '';
    switch (event.type) {
      case 'series-started':
        parent.log(
          `${prefix}${event.length} values, seasonal period ${event.period}, ${event.candidates} candidate models, ${event.folds.length} backtest folds.`,
        );
        return;
      case 'candidate-started': {
        const handle = await this.lab.runs.start(this.settings.workspaceId, {
          experiment: this.settings.experiment,
          name: `${prefix}Candidate ${event.trial} · ${event.model}`,
          parentRunId: parent.id,
          params: {
            model: event.model,
            ...paramsOf(event.params),
            trial: event.trial,
            ...(event.series !== null ? { series: event.series } : {}),
          },
          tags: this.tags('forecast-candidate'),
          seed: this.settings.request.seed,
          device: pageDevice(),
          inputs: this.inputs(),
        });
        this.candidates.set(seriesKey(event.series, event.trial), handle);
        return;
      }
      case 'candidate-finished': {
        const key = seriesKey(event.series, event.entry.trial);
        const handle = this.candidates.get(key);
        this.candidates.delete(key);
        if (!handle) return;
        for (const metric of ACCURACY_METRICS) {
          const value = event.entry.backtest[metric];
          if (Number.isFinite(value)) handle.logMetric(`backtest_${metric}`, value, 0);
        }
        handle.logMetric('fit_seconds', event.entry.fit_s, 0);
        handle.log(
          `${event.entry.label}: backtest MASE ${event.entry.backtest.mase.toFixed(4)} over ${event.entry.folds.length} folds in ${event.entry.fit_s.toFixed(2)} s.`,
        );
        await handle.logParams({ label: event.entry.label });
        await handle.finish('finished');
        this.finishedCandidates += 1;
        return;
      }
      case 'candidate-failed':
      case 'candidate-stopped': {
        const key = seriesKey(event.series, event.trial);
        const handle = this.candidates.get(key);
        this.candidates.delete(key);
        if (!handle) return;
        if (event.type === 'candidate-failed') {
          handle.log(`Failed: ${event.reason}`);
          await handle.finish('failed', event.reason);
        } else {
          const why = stoppedBecause(event);
          handle.log(`Stopped: ${why.charAt(0).toUpperCase()}${why.slice(1)}.`);
          await handle.finish('cancelled');
        }
        return;
      }
      case 'candidate-skipped':
        parent.log(
          `${prefix}Skipped ${event.model} ${JSON.stringify(event.params)}: ${event.reason}.`,
        );
        return;
      case 'ensemble':
        parent.log(
          `${prefix}${event.entry.label}: backtest MASE ${event.entry.backtest.mase.toFixed(4)}${event.kept ? ' (chosen)' : ''}.${event.entry.why ? ` ${event.entry.why}` : ''}`,
        );
        if (event.entry.why) this.said.add(event.entry.why);
        return;
      case 'series-finished': {
        const score = event.best.backtest[this.settings.request.metric];
        if (Number.isFinite(score)) {
          parent.logMetric(
            `best_backtest_${this.settings.request.metric}`,
            score,
            this.finishedCandidates,
          );
        }
        parent.log(
          `${prefix}Best: ${event.best.label}${event.stopped === 'budget' ? '; the budget cut the search short' : ''}.${event.best.why && !this.said.has(event.best.why) ? ` ${event.best.why}` : ''}`,
        );
        return;
      }
    }
  }

  private async onFinished(result: ForecastFinished) {
    const parent = this.parent;
    if (!parent) return;
    const { view } = result;
    const count = view.series.length;
    const meanOf = (values: readonly number[]) =>
      values.reduce((sum, value) => sum + value, 0) / values.length;
    for (const metric of ACCURACY_METRICS) {
      const mean = meanOf(view.series.map((series) => series.best.backtest[metric]));
      if (Number.isFinite(mean)) parent.logMetric(`backtest_${metric}`, mean, 0);
    }
    // How the chosen models' own intervals did on the backtest, and how much they were widened.
    const calibrated = view.series.flatMap((series) =>
      series.calibration ? [series.calibration] : [],
    );
    if (calibrated.length) {
      parent.logMetric('interval_backtest_coverage', meanOf(calibrated.map((c) => c.coverage)), 0);
      parent.logMetric('interval_widening', meanOf(calibrated.map((c) => c.factor)), 0);
    }
    parent.logMetric('search_seconds', result.seconds, 0);
    parent.logMetric('series', count, 0);
    await parent.logArtifact('model.json', JSON.stringify(result.saved), 'application/json');
    await parent.logArtifact(
      'forecast.csv',
      forecastCsv(view, TimeAxis.fromJSON(view.axis)),
      'text/csv',
    );
    await parent.logArtifact(
      'summary.json',
      JSON.stringify(
        {
          frequency: view.frequency,
          warnings: view.warnings,
          series: view.series.map((series) => ({
            id: series.id,
            period: series.period,
            model: series.modelLabel,
            best: { ...series.best, folds: undefined },
            intervals: series.calibration ?? null,
            stopped: series.stopped,
            leaderboard: series.leaderboard.map((entry) => ({ ...entry, folds: undefined })),
            ljungBox: series.diagnostics.ljungBox,
          })),
        },
        null,
        2,
      ),
      'application/json',
    );
    for (const warning of view.warnings) parent.log(`Note: ${warning}`);
    const ended = await parent.finish('finished');
    this.parent = null;
    this.modelRunId = ended.id;
  }

  private async close(status: 'cancelled' | 'failed', message: string) {
    for (const [key, handle] of this.candidates) {
      this.candidates.delete(key);
      await handle.finish(status, status === 'failed' ? message : null).catch(() => undefined);
    }
    if (!this.parent) return;
    this.parent.log(status === 'cancelled' ? 'Cancelled.' : `Failed: ${message}`);
    await this.parent.finish(status, status === 'failed' ? message : null);
    this.parent = null;
  }
}
