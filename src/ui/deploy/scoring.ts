/**
 * Batch scoring: a dataset version scored by a registered model becomes a new version of the same
 * dataset with the prediction (and class probability) columns added. The version's parent is
 * the scored version and its transform names the model version, so lineage shows where the
 * scores came from. Scoring runs the deployment runtime itself, a chunk at a time.
 */
import { profileTableAsync } from '../../core/data/profile/profile';
import { numberColumn, stringColumn, Table, type Column } from '../../core/table';
import { createVersion, type DatasetVersionRecord } from '../../store/datasets';
import type { Lab } from '../../sdk';
import { scoreRows, type BatchScores } from '../../embed/batch';
import { getTrainClient } from '../../compute/train-client';
import { openModel, type TabularDeployable } from './deployable';
import { recordDeployment } from './deployments';

export type ScoreProgress =
  | { readonly phase: 'load' }
  | { readonly phase: 'score'; readonly done: number; readonly total: number }
  | { readonly phase: 'profile' }
  | { readonly phase: 'save' };

export interface ScoreResult {
  readonly version: DatasetVersionRecord;
  readonly columns: readonly string[];
  readonly table: Table;
}

/** A name not yet taken by a column: `predicted_price`, else `predicted_price_2` … */
function freeName(taken: Set<string>, wanted: string): string {
  let name = wanted;
  for (let n = 2; taken.has(name); n++) name = `${wanted}_${n}`;
  taken.add(name);
  return name;
}

/** The prediction columns for the scores, named after the target and the classes. */
export function scoreColumns(
  scores: BatchScores,
  target: string,
  existing: readonly string[],
): Column[] {
  const taken = new Set(existing);
  const predicted = freeName(taken, `predicted_${target}`);
  if (scores.task === 'regression') return [numberColumn(predicted, scores.values)];
  const columns: Column[] = [stringColumn(predicted, scores.labels)];
  scores.probabilities?.forEach((values, c) => {
    columns.push(numberColumn(freeName(taken, `probability_${scores.classes[c]}`), values));
  });
  return columns;
}

/** A model that reads images scores in the trainer worker, which decodes the stored images. */
async function scoreInWorker(
  deployable: TabularDeployable,
  datasetVersionId: string,
  options: { signal?: AbortSignal; onProgress?: (progress: ScoreProgress) => void },
): Promise<BatchScores> {
  const outcome = await getTrainClient().score({
    model: deployable.model!,
    versionId: datasetVersionId,
    signal: options.signal,
    onProgress: (event) =>
      options.onProgress?.(
        event.phase === 'images'
          ? { phase: 'load' }
          : { phase: 'score', done: event.done, total: event.total },
      ),
  });
  if (!outcome.ok) throw new Error(outcome.error.message);
  if (outcome.task === 'regression') {
    return { task: 'regression', values: outcome.values ?? new Float64Array(0) };
  }
  const classes = outcome.classes ?? [];
  const rows = outcome.labels?.length ?? 0;
  const proba = outcome.probabilities;
  return {
    task: 'classification',
    classes,
    labels: outcome.labels ?? [],
    probabilities: proba
      ? classes.map((_, c) =>
          Float64Array.from({ length: rows }, (_, i) => proba[i * classes.length + c] as number),
        )
      : null,
  };
}

export async function scoreDatasetVersion(
  lab: Lab,
  deployable: TabularDeployable,
  datasetVersionId: string,
  options: { signal?: AbortSignal; onProgress?: (progress: ScoreProgress) => void } = {},
): Promise<ScoreResult> {
  const { signal, onProgress } = options;
  onProgress?.({ phase: 'load' });
  const source = await lab.datasets.version(datasetVersionId);
  const table = await lab.datasets.table(datasetVersionId);
  const scores = deployable.imageInputs?.length
    ? await scoreInWorker(deployable, datasetVersionId, options)
    : await scoreRows(
        await openModel(deployable),
        { rowCount: table.rowCount, names: table.names, row: (index) => table.row(index) },
        { signal, onProgress: (done, total) => onProgress?.({ phase: 'score', done, total }) },
      );
  const added = scoreColumns(scores, deployable.signature.target, table.names);
  const scored = new Table([...table.columns, ...added]);
  onProgress?.({ phase: 'profile' });
  const profile = await profileTableAsync(scored, { signal });
  signal?.throwIfAborted();
  onProgress?.({ phase: 'save' });
  const { record, modelName } = deployable;
  const names = added.map((column) => column.name);
  const version = await createVersion(lab.store, source.workspaceId, {
    datasetId: source.datasetId,
    parentId: source.id,
    table: scored,
    profile,
    transform: {
      kind: 'prepare',
      step: {
        kind: 'score',
        modelId: record.modelId,
        modelVersionId: record.id,
        model: modelName,
        version: record.version,
        columns: names,
      },
      description: `scored by “${modelName}” v${record.version} (added ${names.join(', ')})`,
      role: 'result',
      inputVersionIds: [],
      rowsBefore: table.rowCount,
    },
  });
  const dataset = await lab.store.get('datasets', source.datasetId);
  const datasetName = typeof dataset?.name === 'string' ? dataset.name : 'dataset';
  await recordDeployment(lab, deployable, {
    kind: 'batch-score',
    name: `${modelName}-v${record.version} on ${datasetName}`.slice(0, 120),
    target: `dataset “${datasetName}” v${version.version}`,
    files: [],
    bytes: 0,
  });
  return { version, columns: names, table: scored };
}
