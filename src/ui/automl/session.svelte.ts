import type { AutoMLFinished, AutoMLProgress, AutoMLRequest } from '../../compute/automl-api';
import type { AutoMLSession } from '../../compute/automl-client';
import type { AutoMLSetup, TrialInfo, TrialRecord } from '../../core/automl/types';
import type { SearchRunLog } from './search-log.svelte';

export type SearchStatus =
  'idle' | 'starting' | 'searching' | 'paused' | 'finishing' | 'explaining' | 'done' | 'failed';

export interface ScorePoint {
  seconds: number;
  score: number;
}

/**
 * The AutoML search of this tab. It lives outside the page so that a search keeps running, and
 * its leaderboard keeps filling, while the user looks at other areas of the lab.
 */
class AutoMLState {
  status = $state<SearchStatus>('idle');
  request = $state.raw<(AutoMLRequest & { datasetName: string }) | null>(null);
  setup = $state.raw<AutoMLSetup | null>(null);
  /** The trial started last of those running. */
  running = $state.raw<TrialInfo | null>(null);
  /** Every trial running now (several when trials run in parallel). */
  inFlight = $state.raw<TrialInfo[]>([]);
  trials = $state.raw<TrialRecord[]>([]);
  bestCurve = $state.raw<ScorePoint[]>([]);
  result = $state.raw<AutoMLFinished | null>(null);
  failure = $state<string | null>(null);
  elapsed = $state(0);
  explaining = $state<{ done: number; total: number } | null>(null);
  /** Images decoded before the search starts, on image datasets. */
  decoding = $state<{ done: number; total: number } | null>(null);
  notes = $state.raw<string[]>([]);
  session: AutoMLSession | null = null;
  /** The runs this search is logged as; null when it could not be logged. */
  log = $state.raw<SearchRunLog | null>(null);

  reset() {
    this.session?.cancel();
    this.session = null;
    this.log?.end('cancelled', 'The search was cancelled.');
    this.log = null;
    this.status = 'idle';
    this.setup = null;
    this.running = null;
    this.inFlight = [];
    this.trials = [];
    this.bestCurve = [];
    this.result = null;
    this.failure = null;
    this.elapsed = 0;
    this.explaining = null;
    this.decoding = null;
    this.notes = [];
  }

  handle(progress: AutoMLProgress) {
    this.log?.handle(progress);
    switch (progress.type) {
      case 'search':
        this.onSearchEvent(progress.event);
        return;
      case 'images':
        this.decoding = { done: progress.done, total: progress.total };
        return;
      case 'explaining':
        this.status = 'explaining';
        this.explaining = { done: progress.done, total: progress.total };
        return;
      case 'finished':
        this.result = progress.result;
        this.explaining = null;
        return;
      case 'failed':
        this.failure = progress.error.message;
        this.status = 'failed';
        return;
      case 'idle':
        if (this.status !== 'failed') this.status = 'done';
        this.running = null;
        this.inFlight = [];
        return;
    }
  }

  private landed(id: number) {
    this.inFlight = this.inFlight.filter((trial) => trial.id !== id);
    this.running = this.inFlight.at(-1) ?? null;
  }

  private onSearchEvent(event: Extract<AutoMLProgress, { type: 'search' }>['event']) {
    switch (event.type) {
      case 'setup':
        this.setup = event.setup;
        this.status = 'searching';
        return;
      case 'trial-started':
        this.inFlight = [
          ...this.inFlight.filter((trial) => trial.id !== event.trial.id),
          event.trial,
        ];
        this.running = event.trial;
        this.elapsed = event.elapsedSeconds;
        if (this.status !== 'paused') this.status = 'searching';
        return;
      case 'trial-finished':
        this.landed(event.trial.id);
        this.elapsed = event.elapsedSeconds;
        this.trials = [...this.trials, event.trial];
        if (event.best) {
          const last = this.bestCurve.at(-1);
          if (!last || last.score !== event.best.score) {
            this.bestCurve = [
              ...this.bestCurve,
              { seconds: event.elapsedSeconds, score: event.best.score },
            ];
          }
        }
        return;
      case 'trial-interrupted':
        this.landed(event.trial);
        return;
      case 'learner-dropped':
        this.notes = [...this.notes, `${event.learner} dropped: ${event.reason}`];
        return;
      case 'paused':
        this.status = 'paused';
        this.elapsed = event.elapsedSeconds;
        return;
      case 'resumed':
        this.status = 'searching';
        return;
      case 'search-stopped': {
        this.elapsed = event.elapsedSeconds;
        const last = this.bestCurve.at(-1);
        // Carry the best score to the end of the search, so the chart spans all of it.
        if (last && last.seconds < event.elapsedSeconds) {
          this.bestCurve = [
            ...this.bestCurve,
            { seconds: event.elapsedSeconds, score: last.score },
          ];
        }
        this.status = 'finishing';
        return;
      }
      case 'ensemble':
      case 'refit-started':
      case 'refit-finished':
        this.status = 'finishing';
        return;
    }
  }
}

export const automl = new AutoMLState();
