import type {
  ForecastFinished,
  ForecastProgress,
  ForecastRequest,
} from '../../compute/forecast-api';
import type { ForecastJob } from '../../compute/forecast-client';
import { stoppedBecause, type ForecastEvent, type LeaderboardEntry } from '../../core/forecast';
import type { ForecastRunLog } from './run-log.svelte';

/** How often, at most, the list of series' progress is redrawn while events arrive. */
const DRAW_MS = 100;

export type ForecastStatus = 'idle' | 'starting' | 'searching' | 'done' | 'failed';

/** Live progress of one series' search. */
export interface SeriesProgress {
  id: string | null;
  index: number;
  count: number;
  length: number;
  period: number;
  candidates: number;
  folds: number;
  tried: number;
  failed: number;
  /**
   * The candidates the budget stopped before their backtest finished: each one's model family
   * and why (`stoppedBecause`).
   */
  stopped: { model: string; why: string }[];
  skipped: number;
  running: string | null;
  best: LeaderboardEntry | null;
  entries: LeaderboardEntry[];
  finished: boolean;
}

/**
 * The forecast search of this tab. It lives outside the page so that a search keeps running,
 * and its leaderboard keeps filling, while the user looks at other areas of the lab.
 */
class ForecastState {
  status = $state<ForecastStatus>('idle');
  request = $state.raw<(ForecastRequest & { datasetName: string }) | null>(null);
  series = $state.raw<SeriesProgress[]>([]);
  result = $state.raw<ForecastFinished | null>(null);
  failure = $state<string | null>(null);
  /** Seconds since the search started, ticked by the page while it runs. */
  elapsed = $state(0);
  startedAt = 0;
  job: ForecastJob | null = null;
  log = $state.raw<ForecastRunLog | null>(null);

  /**
   * The progress being gathered since the page last drew it. A search of many series reports
   * tens of thousands of events; each one redrawn at once would redraw the whole list of series
   * (1,500 of them, 30,000 events: the page fell 19 s behind the search), so they are gathered
   * here and `series` takes them at most every `DRAW_MS`.
   */
  private gathering: SeriesProgress[] | null = null;
  /** Where each series is in the list. */
  private positions = new Map<string | null, number>();
  private drawTimer: ReturnType<typeof setTimeout> | null = null;

  reset() {
    if (this.drawTimer !== null) clearTimeout(this.drawTimer);
    this.drawTimer = null;
    this.gathering = null;
    this.positions.clear();
    this.job?.cancel();
    this.job = null;
    this.log?.end('cancelled', 'The search was cancelled.');
    this.log = null;
    this.status = 'idle';
    this.series = [];
    this.result = null;
    this.failure = null;
    this.elapsed = 0;
  }

  handle(progress: ForecastProgress) {
    this.log?.handle(progress);
    switch (progress.type) {
      case 'search':
        this.onEvent(progress.event);
        return;
      case 'finished':
        this.draw();
        this.result = progress.result;
        this.status = 'done';
        return;
      case 'failed':
        this.draw();
        this.failure = progress.error.message;
        this.status = 'failed';
        return;
    }
  }

  /** The list as it stands, gathered since the last drawing. */
  private get latest(): SeriesProgress[] {
    if (!this.gathering) {
      this.gathering = this.series.slice();
      this.drawTimer = setTimeout(() => this.draw(), DRAW_MS);
    }
    return this.gathering;
  }

  /** Shows what was gathered. */
  private draw() {
    if (this.drawTimer !== null) clearTimeout(this.drawTimer);
    this.drawTimer = null;
    if (this.gathering) this.series = this.gathering;
    this.gathering = null;
  }

  private update(series: string | null, change: (entry: SeriesProgress) => SeriesProgress) {
    const list = this.latest;
    const at = this.positions.get(series);
    if (at === undefined) return;
    list[at] = change(list[at] as SeriesProgress);
  }

  private onEvent(event: ForecastEvent) {
    switch (event.type) {
      case 'series-started':
        this.status = 'searching';
        this.positions.set(event.series, this.latest.length);
        this.latest.push({
          id: event.series,
          index: event.index,
          count: event.count,
          length: event.length,
          period: event.period,
          candidates: event.candidates,
          folds: event.folds.length,
          tried: 0,
          failed: 0,
          stopped: [],
          skipped: 0,
          running: null,
          best: null,
          entries: [],
          finished: false,
        });
        return;
      case 'candidate-started':
        this.update(event.series, (entry) => ({ ...entry, running: event.model }));
        return;
      case 'candidate-finished': {
        const metric = this.request?.metric ?? 'mase';
        this.update(event.series, (entry) => {
          const best =
            !entry.best || event.entry.backtest[metric] < entry.best.backtest[metric]
              ? event.entry
              : entry.best;
          return {
            ...entry,
            running: null,
            tried: entry.tried + 1,
            best,
            entries: [...entry.entries, event.entry],
          };
        });
        return;
      }
      case 'candidate-failed':
      case 'candidate-stopped': {
        this.update(event.series, (entry) => ({
          ...entry,
          running: null,
          tried: entry.tried + 1,
          ...(event.type === 'candidate-failed'
            ? { failed: entry.failed + 1 }
            : {
                stopped: [...entry.stopped, { model: event.model, why: stoppedBecause(event) }],
              }),
        }));
        return;
      }
      case 'candidate-skipped':
        this.update(event.series, (entry) => ({ ...entry, skipped: entry.skipped + 1 }));
        return;
      case 'ensemble':
        this.update(event.series, (entry) => ({
          ...entry,
          entries: [...entry.entries, event.entry],
          best: event.kept ? event.entry : entry.best,
        }));
        return;
      case 'series-finished':
        this.update(event.series, (entry) => ({
          ...entry,
          running: null,
          best: event.best,
          finished: true,
        }));
        return;
    }
  }
}

export const forecast = new ForecastState();
