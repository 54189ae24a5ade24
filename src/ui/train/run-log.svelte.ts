import type { LogLevel } from '../../compute/events';
import type { TrainProgress, TrainResult, Validation } from '../../compute/train-api';
import type { Task } from '../../core/learners/types';
import type { EvaluationReport } from '../../core/model';
import type { Lab, RunHandle, RunRecord } from '../../sdk';
import type { ClassMetrics } from '../../sdk/registry';
import { describeError } from '../state/app.svelte';

/** The experiment a training logs into unless the user picks one. */
export const defaultExperimentName = (datasetName: string, target: string) =>
  `${datasetName} · ${target}`;

/** Where the page trains: a Web Worker on this device's CPU threads (or its GPU via tfjs). */
export const pageDevice = () => {
  const threads = globalThis.navigator?.hardwareConcurrency;
  return threads ? `This browser · ${threads} CPU threads` : 'This browser';
};

export interface TrainingRunSetup {
  workspaceId: string;
  experiment: string;
  datasetName: string;
  versionId: string;
  versionNumber: number;
  target: string;
  task: Task;
  learner: string;
  hyperparameters: Readonly<Record<string, unknown>>;
  /** The feature columns, when some columns besides the target were left out. */
  features?: readonly string[];
  validation: Validation;
  seed: number;
}

const finiteEntries = (metrics: Readonly<Record<string, number | null>>) =>
  Object.entries(metrics).filter((entry): entry is [string, number] =>
    Number.isFinite(entry[1] as number),
  );

/** The evaluation's scores, as a model version records them. */
export function reportMetrics(result: TrainResult): Record<string, number | null> {
  const metrics: Record<string, number | null> = { ...result.report.metrics };
  metrics.fit_seconds = result.fitSeconds;
  return metrics;
}

export function perClassMetrics(report: EvaluationReport): ClassMetrics[] {
  if (report.task !== 'classification') return [];
  return report.perClass
    .filter((row) =>
      [row.precision, row.recall, row.f1, row.support].every((value) => Number.isFinite(value)),
    )
    .map((row) => ({ ...row }));
}

/**
 * One training logged as a run: the settings as params, the live curves as metrics by step
 * (per fold under cross-validation: `fold2/loss`), the final scores, the model and the report
 * as artifacts, and the outcome as the run's status. Logging never stops the training: the
 * first thing that cannot be logged is kept in `problem` for the page to show.
 */
export class TrainingRunLog {
  problem = $state<string | null>(null);
  private fold: { fold: number; folds: number } | null = null;
  private phase: TrainProgress['phase'] | null = null;

  private constructor(private readonly handle: RunHandle) {}

  static async start(lab: Lab, setup: TrainingRunSetup): Promise<TrainingRunLog> {
    const validation =
      setup.validation.kind === 'cv'
        ? { validation: 'cv', folds: setup.validation.folds }
        : { validation: 'holdout', test_size: setup.validation.testSize };
    const handle = await lab.runs.start(setup.workspaceId, {
      experiment: setup.experiment,
      params: {
        learner: setup.learner,
        task: setup.task,
        target: setup.target,
        ...validation,
        seed: setup.seed,
        ...(setup.features ? { features: setup.features.join(', ') } : {}),
        ...setup.hyperparameters,
      },
      tags: { source: 'train', dataset: setup.datasetName, target: setup.target },
      seed: setup.seed,
      device: pageDevice(),
      inputs: [{ datasetVersionId: setup.versionId, role: 'training' }],
      snapshot: {
        kind: 'spec',
        content: JSON.stringify(
          {
            target: setup.target,
            learner: setup.learner,
            task: setup.task,
            params: setup.hyperparameters,
            ...(setup.features ? { features: setup.features } : {}),
            validation: setup.validation,
            seed: setup.seed,
          },
          null,
          2,
        ),
      },
    });
    const log = new TrainingRunLog(handle);
    log.line(
      `Training ${setup.learner} (${setup.task}) on ${setup.datasetName} v${setup.versionNumber} to predict “${setup.target}”, ` +
        (setup.validation.kind === 'cv'
          ? `${setup.validation.folds}-fold cross-validation`
          : `holding out ${Math.round(setup.validation.testSize * 100)}% of the rows`) +
        `, seed ${setup.seed}.`,
    );
    return log;
  }

  get id() {
    return this.handle.id;
  }

  get name() {
    return this.handle.record.name;
  }

  private guard(action: () => void) {
    try {
      action();
    } catch (error) {
      this.problem ??= describeError(error);
    }
  }

  line(text: string) {
    this.guard(() => this.handle.log(text));
  }

  progress(event: TrainProgress) {
    if (event.phase === 'fit') {
      const prefix = this.fold && this.fold.fold <= this.fold.folds ? `fold${this.fold.fold}/` : '';
      this.guard(() => {
        for (const point of [...(event.earlier ?? []), event]) {
          for (const [name, value] of Object.entries(point.metrics)) {
            this.handle.logMetric(`${prefix}${name}`, value, point.step);
          }
        }
      });
    } else if (event.phase === 'fold') {
      this.fold = event;
      this.line(
        event.fold > event.folds
          ? 'Refitting on every row.'
          : `Fold ${event.fold} of ${event.folds}.`,
      );
    } else if (event.phase === 'images') {
      if (this.phase !== 'images') this.line(`Decoding ${event.total} images.`);
    } else if (event.phase !== this.phase) {
      this.line(
        event.phase === 'evaluate'
          ? 'Evaluating on the held-out rows.'
          : 'Measuring permutation importance.',
      );
    }
    this.phase = event.phase;
  }

  /** A log line or a metric a job streams besides its progress. */
  jobLog(level: LogLevel, message: string) {
    this.line(level === 'info' ? message : `${level.toUpperCase()}: ${message}`);
  }

  jobMetric(name: string, value: number, step?: number) {
    this.guard(() => this.handle.logMetric(name, value, step));
  }

  /** Logs the result and ends the run as finished; null when the run could not be saved. */
  async finished(result: TrainResult): Promise<RunRecord | null> {
    try {
      const step = 0;
      this.handle.logMetrics(Object.fromEntries(finiteEntries(reportMetrics(result))), step);
      result.cv?.perFold.forEach((scores, index) => {
        for (const [name, value] of finiteEntries(scores)) {
          this.handle.logMetric(`cv/${name}`, value, index + 1);
        }
      });
      await this.handle.logArtifact('model.json', JSON.stringify(result.model), 'application/json');
      await this.handle.logArtifact(
        'report.json',
        JSON.stringify(
          {
            report: result.report,
            importance: result.importance,
            importanceMetric: result.importanceMetric,
            cv: result.cv ?? null,
            trainRows: result.trainRows,
            testRows: result.testRows,
            fitSeconds: result.fitSeconds,
            backend: result.backend,
            notes: result.notes ?? [],
          },
          null,
          2,
        ),
        'application/json',
      );
      await this.handle.setEnvironment({ backend: result.backend });
      for (const note of result.notes ?? []) this.line(`Note: ${note}`);
      const scores = finiteEntries(result.report.metrics)
        .map(([name, value]) => `${name} ${value.toPrecision(4)}`)
        .join(', ');
      this.line(
        `Trained on ${result.trainRows} rows in ${result.fitSeconds.toFixed(2)} s on ${result.backend}; ` +
          `evaluated on ${result.testRows} rows: ${scores}.`,
      );
      return await this.handle.finish('finished');
    } catch (error) {
      this.problem ??= describeError(error);
      await this.ended('failed', `The result could not be saved: ${describeError(error)}`);
      return null;
    }
  }

  async ended(status: 'failed' | 'cancelled', message: string) {
    this.line(status === 'cancelled' ? 'Cancelled.' : `Failed: ${message}`);
    try {
      await this.handle.finish(status, status === 'failed' ? message : null);
    } catch (error) {
      this.problem ??= describeError(error);
    }
  }
}
