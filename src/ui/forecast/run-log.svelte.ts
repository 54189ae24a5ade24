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
import type { EndedRun, Lab, RunHandle } from '../../sdk';
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
 * Events are written one at a time in the order they arrive. A candidate's run is written once
 * it has ended, together with the others that ended while the last write ran: a search of 1,500
 * series tries about 10,000 candidates, and a run written as it starts, then updated and ended,
 * cost five writes or more each (the log fell six minutes behind a 20-second search).
 */
export class ForecastRunLog extends QueuedRunLog {
  parentId = $state<string | null>(null);
  /** The parent run, once it has ended as finished with the model. */
  modelRunId = $state<string | null>(null);
  private parent: RunHandle | null = null;
  // Bookkeeping of candidates under way; nothing renders it, so it need not be reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private candidates = new Map<
    string,
    { name: string; params: Record<string, unknown>; startedAt: number }
  >();
  /** Candidates that ended and are not written yet. */
  private ended: Omit<EndedRun, 'parentRunId'>[] = [];
  /** Whether a write of `ended` is queued. */
  private writeQueued = false;
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
      case 'search': {
        const event = progress.event;
        if (this.onCandidate(event)) return;
        // The number of candidates scored by now, as the step of the series' best score.
        const step = this.finishedCandidates;
        this.enqueue(() => this.onEvent(event, step));
        return;
      }
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

  /**
   * Keeps a candidate's start and end as they arrive, and queues a write of those that ended
   * unless one is queued already. False for events that are not a candidate's.
   */
  private onCandidate(event: ForecastEvent): boolean {
    const now = Date.now();
    const prefix = event.series !== null ? `[${event.series}] ` : '';
    switch (event.type) {
      case 'candidate-started': {
        this.candidates.set(seriesKey(event.series, event.trial), {
          name: `${prefix}Candidate ${event.trial} · ${event.model}`,
          params: {
            model: event.model,
            ...paramsOf(event.params),
            trial: event.trial,
            ...(event.series !== null ? { series: event.series } : {}),
          },
          startedAt: now,
        });
        return true;
      }
      case 'candidate-finished': {
        const { entry } = event;
        const metrics: Record<string, number> = { fit_seconds: entry.fit_s };
        for (const metric of ACCURACY_METRICS) {
          const value = entry.backtest[metric];
          if (Number.isFinite(value)) metrics[`backtest_${metric}`] = value;
        }
        this.candidateEnded(seriesKey(event.series, entry.trial), now, {
          status: 'finished',
          params: { label: entry.label },
          metrics,
          logs: [
            `${entry.label}: backtest MASE ${entry.backtest.mase.toFixed(4)} over ${entry.folds.length} folds in ${entry.fit_s.toFixed(2)} s.`,
          ],
        });
        this.finishedCandidates += 1;
        return true;
      }
      case 'candidate-failed':
        this.candidateEnded(seriesKey(event.series, event.trial), now, {
          status: 'failed',
          error: event.reason,
          logs: [`Failed: ${event.reason}`],
        });
        return true;
      case 'candidate-stopped': {
        const why = stoppedBecause(event);
        this.candidateEnded(seriesKey(event.series, event.trial), now, {
          status: 'cancelled',
          logs: [`Stopped: ${why.charAt(0).toUpperCase()}${why.slice(1)}.`],
        });
        return true;
      }
      default:
        return false;
    }
  }

  private candidateEnded(
    key: string,
    endedAt: number,
    outcome: Pick<EndedRun, 'status' | 'error' | 'metrics' | 'logs'> & {
      params?: Record<string, unknown>;
    },
  ) {
    const candidate = this.candidates.get(key);
    this.candidates.delete(key);
    if (!candidate) return;
    const { startedAt } = candidate;
    this.ended.push({
      ...outcome,
      name: candidate.name,
      params: { ...candidate.params, ...outcome.params },
      tags: this.tags('forecast-candidate'),
      seed: this.settings.request.seed,
      device: pageDevice(),
      startedAt,
      endedAt: Math.max(startedAt, endedAt),
    });
    if (this.writeQueued) return;
    this.writeQueued = true;
    this.enqueue(() => this.writeCandidates());
  }

  /** Writes the candidates that ended since the last write, as child runs of the search. */
  private async writeCandidates() {
    this.writeQueued = false;
    const runs = this.ended.splice(0);
    const parent = this.parent;
    if (!parent || !runs.length) return;
    await this.lab.runs.record(this.settings.workspaceId, {
      experiment: this.settings.experiment,
      inputs: this.inputs(),
      runs: runs.map((run) => ({ ...run, parentRunId: parent.id })),
    });
  }

  private async onEvent(event: ForecastEvent, step: number) {
    const parent = this.parent;
    if (!parent) return;
    const prefix = event.series !== null ? `[${event.series}] ` : '';
    switch (event.type) {
      case 'series-started':
        parent.log(
          `${prefix}${event.length} values, seasonal period ${event.period}, ${event.candidates} candidate models, ${event.folds.length} backtest fold${event.folds.length === 1 ? '' : 's'}.`,
        );
        return;
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
          parent.logMetric(`best_backtest_${this.settings.request.metric}`, score, step);
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
    const now = Date.now();
    for (const key of [...this.candidates.keys()]) {
      this.candidateEnded(key, now, {
        status,
        ...(status === 'failed' ? { error: message } : {}),
        logs: [status === 'cancelled' ? 'Cancelled.' : `Failed: ${message}`],
      });
    }
    await this.writeCandidates().catch(() => undefined);
    if (!this.parent) return;
    this.parent.log(status === 'cancelled' ? 'Cancelled.' : `Failed: ${message}`);
    await this.parent.finish(status, status === 'failed' ? message : null);
    this.parent = null;
  }
}
