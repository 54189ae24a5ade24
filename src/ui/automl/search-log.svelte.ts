import type { AutoMLFinished, AutoMLProgress, AutoMLRequest } from '../../compute/automl-api';
import type { AutoMLEvent, AutoMLSetup, TrialInfo, TrialRecord } from '../../core/automl/types';
import type { Lab, RunHandle } from '../../sdk';
import { QueuedRunLog } from '../runs/queued-log.svelte';
import { pageDevice } from '../train/run-log.svelte';

export interface SearchLogSetup {
  workspaceId: string;
  experiment: string;
  datasetName: string;
  request: AutoMLRequest;
}

type SearchEvent = Extract<AutoMLProgress, { type: 'search' }>['event'];

/** Hyperparameters as run params: a non-finite number (an unbounded depth) is kept as text. */
function paramsOf(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => [
      key,
      typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
    ]),
  );
}

const TRIAL_STATUS: Record<TrialRecord['status'], 'finished' | 'failed'> = {
  ok: 'finished',
  failed: 'failed',
  timeout: 'failed',
};

/**
 * An AutoML search logged as runs: the search is a parent run (its settings, the best score as
 * trials finish, the final model and summary as artifacts), every trial a child run (learner,
 * hyperparameters, validation score per fold, fit time, status). Events are written strictly in
 * the order they arrive, one at a time, so a trial's run exists before its result is logged.
 *
 * A search continued after its model was built logs into a new parent run that names the one it
 * continues: a finished run never changes, and each parent holds exactly one final model.
 */
export class SearchRunLog extends QueuedRunLog {
  /** The parent run now being logged. */
  parentId = $state<string | null>(null);
  /** The parent run that holds the latest final model, once it has ended as finished. */
  modelRunId = $state<string | null>(null);
  private parent: RunHandle | null = null;
  private previousParent: { id: string; name: string } | null = null;
  // Bookkeeping of open trial runs; nothing renders it, so it need not be reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private trials = new Map<number, RunHandle>();
  private setup: AutoMLSetup | null = null;
  private finishedTrials = 0;
  private parentParams: Record<string, unknown> = {};

  constructor(
    private readonly lab: Lab,
    private readonly settings: SearchLogSetup,
  ) {
    super();
    const { request } = settings;
    this.parentParams = {
      target: request.target,
      task: request.task ?? 'auto',
      metric: request.metric ?? 'auto',
      budget_seconds: request.budgetSeconds,
      max_trials: request.maxTrials ?? null,
      validation:
        typeof request.validation === 'object'
          ? request.validation.kind
          : (request.validation ?? 'auto'),
      ...(typeof request.validation === 'object' && request.validation.kind === 'cv'
        ? { folds: request.validation.folds }
        : {}),
      ...(typeof request.validation === 'object' && request.validation.kind === 'holdout'
        ? { holdout: request.validation.fraction }
        : {}),
      seed: request.seed,
    };
    this.enqueue(() => this.openParent());
  }

  handle(progress: AutoMLProgress) {
    switch (progress.type) {
      case 'search':
        this.enqueue(() => this.onSearch(progress.event));
        return;
      case 'finished':
        this.enqueue(() => this.onFinished(progress.result));
        return;
      case 'failed':
        this.enqueue(() => this.close('failed', progress.error.message));
        return;
      case 'explaining':
      case 'idle':
        return;
    }
  }

  /** The search was cancelled or its session broke: whatever is open ends with it. */
  end(status: 'cancelled' | 'failed', message: string) {
    this.enqueue(() => this.close(status, message));
  }

  private inputs() {
    return this.settings.request.source.kind === 'version'
      ? [{ datasetVersionId: this.settings.request.source.versionId, role: 'training' }]
      : [];
  }

  private async openParent() {
    const { workspaceId, experiment, datasetName, request } = this.settings;
    const previous = this.previousParent;
    let name: string;
    if (previous) {
      name = `${previous.name} (continued)`;
    } else {
      const record = await this.lab.experiments.ensure(workspaceId, experiment);
      const earlier = (await this.lab.runs.list(workspaceId, { experimentId: record.id })).filter(
        (run) => run.tags.source === 'automl' && !run.parentRunId,
      );
      name = `AutoML search ${earlier.length + 1}`;
    }
    this.parent = await this.lab.runs.start(workspaceId, {
      experiment,
      name,
      params: this.parentParams,
      tags: {
        source: 'automl',
        dataset: datasetName,
        target: request.target,
        ...(previous ? { continues: previous.id } : {}),
      },
      seed: request.seed,
      device: pageDevice(),
      inputs: this.inputs(),
      snapshot: { kind: 'spec', content: JSON.stringify(request, null, 2) },
    });
    this.parentId = this.parent.id;
    this.parent.log(
      previous
        ? `Continuing ${previous.name}: searching for more trials, then building the model again.`
        : `AutoML on ${datasetName} to predict “${request.target}”: ${request.budgetSeconds} s budget` +
            `${request.maxTrials ? `, at most ${request.maxTrials} trials` : ''}, seed ${request.seed}.`,
    );
  }

  private async ensureParent(): Promise<RunHandle> {
    if (!this.parent) await this.openParent();
    return this.parent as RunHandle;
  }

  private metricName() {
    return `val_${this.setup?.metric ?? 'score'}`;
  }

  private async onSearch(event: SearchEvent) {
    switch (event.type) {
      case 'setup':
        return this.onSetup(event.setup);
      case 'trial-started':
        return this.onTrialStarted(event.trial);
      case 'trial-finished':
        return this.onTrialFinished(event);
      case 'trial-interrupted': {
        const handle = this.trials.get(event.trial);
        this.trials.delete(event.trial);
        if (handle) {
          handle.log(`Interrupted: the search was ${event.reason}.`);
          await handle.finish('cancelled', `The search was ${event.reason}.`);
        }
        return;
      }
      default:
        if (this.parent) this.parent.log(describeEvent(event));
    }
  }

  private async onSetup(setup: AutoMLSetup) {
    this.setup = setup;
    const parent = await this.ensureParent();
    await parent.logParams({
      resolved_task: setup.task,
      resolved_metric: setup.metric,
      rows: setup.rows,
      features: setup.features.length,
      validation_plan: setup.validation.kind,
      validation_folds: setup.validation.folds,
      validation_repeats: setup.validation.repeats,
      class_weight: setup.classWeight,
    });
    parent.log(
      `Task ${setup.task}, metric ${setup.metric} (${setup.greaterIsBetter ? 'higher' : 'lower'} is better): ${setup.metricReason}`,
    );
    parent.log(`Validation: ${setup.validation.reason}`);
    for (const guardrail of setup.guardrails) {
      parent.log(`Guardrail ${guardrail.name}: ${guardrail.status} — ${guardrail.reason}`);
    }
    for (const dropped of setup.dropped)
      parent.log(`Dropped column ${dropped.column}: ${dropped.reason}`);
    for (const plan of setup.learners) {
      parent.log(
        `Learner ${plan.learner}: ${plan.status}${plan.reason ? ` — ${plan.reason}` : ''}`,
      );
    }
  }

  private async startTrial(trial: TrialInfo): Promise<RunHandle> {
    const parent = await this.ensureParent();
    const handle = await this.lab.runs.start(this.settings.workspaceId, {
      experiment: this.settings.experiment,
      name: `Trial ${trial.id} · ${trial.learner}`,
      parentRunId: parent.id,
      params: {
        learner: trial.learner,
        ...paramsOf(trial.params),
        trial: trial.id,
        trial_source: trial.source,
        rows: trial.rows,
        full_fidelity: trial.fullFidelity,
        featurization: trial.featurization,
      },
      tags: {
        source: 'automl-trial',
        dataset: this.settings.datasetName,
        target: this.settings.request.target,
      },
      seed: this.settings.request.seed,
      device: pageDevice(),
      inputs: this.inputs(),
    });
    this.trials.set(trial.id, handle);
    return handle;
  }

  private async onTrialStarted(trial: TrialInfo) {
    await this.startTrial(trial);
  }

  private async onTrialFinished(event: Extract<AutoMLEvent, { type: 'trial-finished' }>) {
    const { trial, best } = event;
    const handle = this.trials.get(trial.id) ?? (await this.startTrial(trial));
    this.trials.delete(trial.id);
    const metric = this.metricName();
    if (trial.score !== null && Number.isFinite(trial.score))
      handle.logMetric(metric, trial.score, 0);
    trial.foldScores.forEach((score, index) => {
      if (Number.isFinite(score)) handle.logMetric(`fold/${metric}`, score, index + 1);
    });
    handle.logMetric('fit_seconds', trial.fitSeconds, 0);
    handle.log(
      trial.status === 'ok'
        ? `Scored ${trial.score} (${metric}) over ${trial.foldScores.length} fold(s) in ${trial.fitSeconds.toFixed(2)} s on ${trial.rows} rows.`
        : `Trial ${trial.status}: ${trial.error ?? 'no reason given'}`,
    );
    const status = TRIAL_STATUS[trial.status];
    await handle.finish(
      status,
      status === 'failed'
        ? (trial.error ?? (trial.status === 'timeout' ? 'Timed out.' : 'Failed.'))
        : null,
    );
    this.finishedTrials += 1;
    if (this.parent && best) {
      this.parent.logMetric(`best_${metric}`, best.score, this.finishedTrials);
    }
  }

  private async onFinished(result: AutoMLFinished) {
    const parent = await this.ensureParent();
    const { summary } = result;
    const metric = `val_${summary.metric}`;
    if (summary.best) parent.logMetric(metric, summary.best.score, this.finishedTrials);
    parent.logMetric('search_seconds', result.searchSeconds, this.finishedTrials);
    parent.logMetric('refit_seconds', summary.refitSeconds, this.finishedTrials);
    await parent.logArtifact('model.json', JSON.stringify(result.model), 'application/json');
    await parent.logArtifact(
      'summary.json',
      JSON.stringify(
        {
          best: summary.best,
          metric: summary.metric,
          greaterIsBetter: summary.greaterIsBetter,
          stopReason: summary.stopReason,
          searchSeconds: result.searchSeconds,
          refitRows: summary.refitRows,
          refitSeconds: summary.refitSeconds,
          ensemble: summary.ensemble,
          leaderboard: summary.leaderboard,
        },
        null,
        2,
      ),
      'application/json',
    );
    if (result.explanation) {
      await parent.logArtifact(
        'explanation.json',
        JSON.stringify(result.explanation, null, 2),
        'application/json',
      );
    }
    if (summary.best) {
      parent.log(
        `Best: ${summary.best.learner}${summary.best.trial ? ` (trial ${summary.best.trial})` : ''} with ${metric} ${summary.best.score}; refitted on ${summary.refitRows} rows in ${summary.refitSeconds.toFixed(2)} s.`,
      );
    }
    const ended = await parent.finish('finished');
    this.previousParent = { id: ended.id, name: ended.name };
    this.parent = null;
    this.modelRunId = ended.id;
  }

  private async close(status: 'cancelled' | 'failed', message: string) {
    for (const [id, handle] of this.trials) {
      this.trials.delete(id);
      await handle.finish(status, status === 'failed' ? message : null).catch(() => undefined);
    }
    if (!this.parent) return;
    this.parent.log(status === 'cancelled' ? 'Cancelled.' : `Failed: ${message}`);
    await this.parent.finish(status, status === 'failed' ? message : null);
    this.parent = null;
  }
}

function describeEvent(event: SearchEvent): string {
  switch (event.type) {
    case 'learner-dropped':
      return `Dropped learner ${event.learner}: ${event.reason}`;
    case 'paused':
      return `Paused after ${event.elapsedSeconds.toFixed(1)} s.`;
    case 'resumed':
      return 'Resumed.';
    case 'search-stopped':
      return `Search stopped (${event.reason}) after ${event.trials} trials and ${event.elapsedSeconds.toFixed(1)} s: ${event.detail}`;
    case 'ensemble':
      return `Ensemble: ${event.ensemble.reason}`;
    case 'refit-started':
      return `Refitting ${event.members.map((member) => `${member.learner} #${member.trial}`).join(', ')} on ${event.rows} rows.`;
    case 'refit-finished':
      return `Refit done in ${event.seconds.toFixed(2)} s.`;
    default:
      return event.type;
  }
}
