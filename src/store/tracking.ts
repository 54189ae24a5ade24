import { StoreError } from './errors';
import { sha256 } from './hash';
import {
  ACTIVE_RUN_STATUSES,
  RUN_TRANSITIONS,
  type EntityRecord,
  type Json,
  type RunStatus,
} from './schema';
import {
  releaseBlobs,
  storeBlob,
  validName,
  type AuditEntry,
  type BlobInput,
  type WorkspaceStore,
  type WriteTx,
} from './workspace-store';

export type ParamValue = string | number | boolean | null;

export interface ExperimentRecord extends EntityRecord {
  name: string;
  description: string;
  tags: string[];
}

/** Running statistics of one metric, kept on the run so a runs table needs no metric reads. */
export type MetricSummary = {
  /** The value at the highest step (the last one logged when steps tie); null if not finite. */
  latest: number | null;
  latestStep: number;
  min: number | null;
  max: number | null;
  count: number;
  lastAt: number;
};

export type ArtifactRef = {
  name: string;
  hash: string;
  size: number;
  mediaType: string;
  at: number;
};

/** A dataset version a run read, with the content hash it had: the run's exact input. */
export type RunInput = { datasetVersionId: string; contentHash: string; role: string | null };

export type SnapshotKind = 'code' | 'pipeline' | 'spec';

/** The code, pipeline or model spec that ran, kept as a blob (identical snapshots share one). */
export type SnapshotRef = { kind: SnapshotKind; hash: string; size: number; mediaType: string };

export type RunCounts = { metricPoints: number; logLines: number; chunks: number };

export interface RunRecord extends EntityRecord {
  experimentId: string;
  name: string;
  status: RunStatus;
  params: Record<string, ParamValue>;
  tags: Record<string, string>;
  notes: string;
  seed: number | null;
  device: string | null;
  backend: string | null;
  inputs: RunInput[];
  snapshot: SnapshotRef | null;
  parentRunId: string | null;
  queuedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  /** Last sign of life from the page running it; see recoverInterruptedRuns. */
  heartbeatAt: number | null;
  error: string | null;
  summary: Record<string, MetricSummary>;
  counts: RunCounts;
  artifacts: ArtifactRef[];
}

/**
 * Points of one metric written in one batch. Metric records are chunks (runId, key, chunk,
 * steps[], values[], times[]), so 100,000 points are a hundred records, not a hundred thousand.
 * Non-finite values are stored as null (JSON has no NaN).
 */
export interface MetricChunkRecord extends EntityRecord {
  runId: string;
  key: string;
  chunk: number;
  steps: number[];
  values: (number | null)[];
  times: number[];
}

export interface LogChunkRecord extends EntityRecord {
  runId: string;
  chunk: number;
  lines: string[];
  times: number[];
}

export interface TelemetryBatch {
  metrics: { key: string; steps: number[]; values: number[]; times: number[] }[];
  logs: { lines: string[]; times: number[] } | null;
}

export const MAX_METRIC_NAME = 250;
export const MAX_LOG_LINE = 8192;
export const MAX_ARTIFACT_BYTES = 1024 * 1024 * 1024;

export const isActiveRun = (run: { status?: Json }) =>
  typeof run.status === 'string' && ACTIVE_RUN_STATUSES.includes(run.status);

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return plural(bytes, 'byte');
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function notFound(kind: string, id: string): never {
  throw new StoreError('not-found', `There is no ${kind} with id ${id}.`);
}

function refuseFinished(run: RunRecord, what: string): never {
  throw new StoreError(
    'immutable',
    `Run “${run.name}” is ${run.status}: ${what} cannot be added once a run has ended.`,
    `runs.${run.id}`,
  );
}

// ── experiments ───────────────────────────────────────────────────────────────────────────

export async function listExperiments(store: WorkspaceStore, workspaceId: string) {
  return (await store.list('experiments', workspaceId)) as ExperimentRecord[];
}

async function ensureUniqueExperimentName(
  tx: WriteTx,
  workspaceId: string,
  name: string,
  id: string,
) {
  const all = (await tx
    .objectStore('experiments')
    .index('byWorkspace')
    .getAll(workspaceId)) as ExperimentRecord[];
  if (all.some((other) => other.id !== id && other.name.toLowerCase() === name.toLowerCase())) {
    throw new StoreError('conflict', `An experiment named “${name}” already exists.`, 'name');
  }
}

export async function createExperiment(
  store: WorkspaceStore,
  workspaceId: string,
  input: { name: string; description?: string; tags?: string[] },
): Promise<ExperimentRecord> {
  const name = validName(input.name, 'An experiment name');
  const record: ExperimentRecord = {
    id: store.newId(),
    workspaceId,
    createdAt: store.now(),
    createdBy: store.actor.id,
    name,
    description: input.description?.trim() ?? '',
    tags: [...new Set((input.tags ?? []).map((tag) => tag.trim()).filter(Boolean))],
  };
  await store.write(
    ['experiments'],
    async (tx) => {
      await ensureUniqueExperimentName(tx, workspaceId, name, record.id);
      await tx.objectStore('experiments').add(record);
    },
    workspaceId,
    [
      {
        action: 'create',
        entityKind: 'experiments',
        entityId: record.id,
        summary: `Created experiment “${name}”`,
      },
    ],
  );
  store.channel.post({ type: 'entities', workspaceId, kinds: ['experiments'] });
  return record;
}

/** The experiment with this name, created when there is none (trainers log into “Default”). */
export async function ensureExperiment(store: WorkspaceStore, workspaceId: string, name: string) {
  const wanted = validName(name, 'An experiment name').toLowerCase();
  const existing = (await listExperiments(store, workspaceId)).find(
    (experiment) => experiment.name.toLowerCase() === wanted,
  );
  if (existing) return existing;
  try {
    return await createExperiment(store, workspaceId, { name });
  } catch (error) {
    // Another tab created it between the look-up and the write.
    if (!(error instanceof StoreError && error.kind === 'conflict')) throw error;
    const created = (await listExperiments(store, workspaceId)).find(
      (experiment) => experiment.name.toLowerCase() === wanted,
    );
    if (!created) throw error;
    return created;
  }
}

export async function renameExperiment(store: WorkspaceStore, experimentId: string, name: string) {
  const experiment = (await store.get('experiments', experimentId)) as ExperimentRecord | undefined;
  if (!experiment) notFound('experiment', experimentId);
  const checked = validName(name, 'An experiment name');
  const sameName = (await listExperiments(store, experiment.workspaceId)).some(
    (other) => other.id !== experimentId && other.name.toLowerCase() === checked.toLowerCase(),
  );
  if (sameName)
    throw new StoreError('conflict', `An experiment named “${checked}” already exists.`, 'name');
  return (await store.update(
    'experiments',
    experimentId,
    { name: checked },
    {
      summary: `Renamed experiment “${experiment.name}” to “${checked}”`,
    },
  )) as ExperimentRecord;
}

/** Deletes an empty experiment; one that still holds runs is refused (delete the runs first). */
export async function deleteExperiment(store: WorkspaceStore, experimentId: string) {
  const experiment = (await store.get('experiments', experimentId)) as ExperimentRecord | undefined;
  if (!experiment) notFound('experiment', experimentId);
  const runs = await store.listChildren('runs', experimentId);
  if (runs.length) {
    throw new StoreError(
      'conflict',
      `Experiment “${experiment.name}” still holds ${plural(runs.length, 'run')}. Delete them first.`,
      'runs',
    );
  }
  await store.remove('experiments', experimentId);
}

// ── runs ──────────────────────────────────────────────────────────────────────────────────

export interface NewRun {
  /** Chosen by the caller so a lock can be held on the run before anyone can see it. */
  id?: string;
  experimentId: string;
  name: string;
  status: 'queued' | 'running';
  /** Checked here: strings, finite numbers, booleans and null. */
  params?: Record<string, unknown>;
  tags?: Record<string, string>;
  seed?: number | null;
  device?: string | null;
  backend?: string | null;
  inputs?: { datasetVersionId: string; contentHash?: string; role?: string }[];
  snapshot?: { kind: SnapshotKind; content: string | Json } | null;
  parentRunId?: string | null;
}

function checkParamValue(key: string, value: unknown): ParamValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new StoreError(
        'invalid',
        `Parameter “${key}” is ${value}: parameters must be finite.`,
        `params.${key}`,
      );
    }
    return value;
  }
  throw new StoreError(
    'invalid',
    `Parameter “${key}” must be a string, number, boolean or null; nested values are flattened by the SDK.`,
    `params.${key}`,
  );
}

export function checkParams(params: Record<string, unknown>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(params)) {
    if (!key || key.length > MAX_METRIC_NAME) {
      throw new StoreError(
        'invalid',
        `A parameter name must have 1 to ${MAX_METRIC_NAME} characters.`,
        'params',
      );
    }
    if (value !== undefined) out[key] = checkParamValue(key, value);
  }
  return out;
}

function checkTags(tags: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (!key.trim() || key.length > MAX_METRIC_NAME) {
      throw new StoreError(
        'invalid',
        `A tag name must have 1 to ${MAX_METRIC_NAME} characters.`,
        'tags',
      );
    }
    if (typeof value !== 'string') {
      throw new StoreError('invalid', `Tag “${key}” must be text.`, `tags.${key}`);
    }
    out[key.trim()] = value;
  }
  return out;
}

function snapshotBlob(
  snapshot: NonNullable<NewRun['snapshot']>,
): BlobInput & { mediaType: string } {
  const text =
    typeof snapshot.content === 'string' ? snapshot.content : JSON.stringify(snapshot.content);
  const mediaType =
    typeof snapshot.content === 'string' && snapshot.kind === 'code'
      ? 'text/plain'
      : 'application/json';
  return { data: new TextEncoder().encode(text), type: mediaType, mediaType };
}

/** The dataset versions a run read, each with the content hash it has now (or was given). */
async function resolveInputs(
  store: WorkspaceStore,
  workspaceId: string,
  items: readonly { datasetVersionId: string; contentHash?: string; role?: string | null }[],
): Promise<RunInput[]> {
  const inputs: RunInput[] = [];
  for (const [index, item] of items.entries()) {
    const version = await store.get('datasetVersions', item.datasetVersionId);
    if (!version || version.workspaceId !== workspaceId)
      notFound('dataset version', item.datasetVersionId);
    const stored = typeof version.contentHash === 'string' ? version.contentHash : null;
    if (item.contentHash && stored && item.contentHash !== stored) {
      throw new StoreError(
        'invalid',
        `Input ${index + 1} names dataset version ${item.datasetVersionId} with hash ${item.contentHash}, but that version's content hash is ${stored}.`,
        `inputs[${index}].contentHash`,
      );
    }
    const contentHash = item.contentHash ?? stored;
    if (!contentHash) {
      throw new StoreError(
        'invalid',
        `Dataset version ${item.datasetVersionId} has no content hash.`,
        `inputs[${index}]`,
      );
    }
    inputs.push({ datasetVersionId: item.datasetVersionId, contentHash, role: item.role ?? null });
  }
  return inputs;
}

/**
 * A new run's settings, checked (as `createRun` and `recordRuns` both take them): its params,
 * tags, seed, device and backend, with empty notes. `where` prefixes the field an error names.
 */
function runSettings(
  input: Pick<NewRun, 'params' | 'tags' | 'seed' | 'device' | 'backend'>,
  where = '',
) {
  if (input.seed !== undefined && input.seed !== null && !Number.isFinite(input.seed)) {
    throw new StoreError('invalid', 'The seed must be a finite number.', `${where}seed`);
  }
  return {
    params: checkParams(input.params ?? {}),
    tags: checkTags(input.tags ?? {}),
    notes: '',
    seed: input.seed ?? null,
    device: input.device ?? null,
    backend: input.backend ?? null,
  };
}

/** Creates a run after checking what it points at: its experiment, parent and input versions. */
export async function createRun(store: WorkspaceStore, workspaceId: string, input: NewRun) {
  const experiment = await store.get('experiments', input.experimentId);
  if (!experiment || experiment.workspaceId !== workspaceId)
    notFound('experiment', input.experimentId);
  const name = validName(input.name, 'A run name');
  if (input.parentRunId) {
    const parent = await store.get('runs', input.parentRunId);
    if (!parent || parent.workspaceId !== workspaceId) notFound('parent run', input.parentRunId);
  }
  const inputs = await resolveInputs(store, workspaceId, input.inputs ?? []);
  const settings = runSettings(input);
  const blob = input.snapshot ? snapshotBlob(input.snapshot) : undefined;
  const snapshot: SnapshotRef | null =
    blob && input.snapshot
      ? {
          kind: input.snapshot.kind,
          hash: await sha256(blob.data),
          size: blob.data.byteLength,
          mediaType: blob.mediaType,
        }
      : null;
  const at = store.now();
  const fields: Omit<RunRecord, 'workspaceId' | 'createdAt' | 'createdBy' | 'id'> & {
    id?: string;
  } = {
    ...(input.id ? { id: input.id } : {}),
    experimentId: input.experimentId,
    name,
    status: input.status,
    ...settings,
    inputs,
    snapshot,
    parentRunId: input.parentRunId ?? null,
    queuedAt: at,
    startedAt: input.status === 'running' ? at : null,
    endedAt: null,
    durationMs: null,
    heartbeatAt: at,
    error: null,
    summary: {},
    counts: { metricPoints: 0, logLines: 0, chunks: 0 },
    artifacts: [],
  };
  const verb = input.status === 'queued' ? 'Queued' : 'Started';
  return (await store.create('runs', workspaceId, fields as unknown as Record<string, Json>, {
    blobs: blob ? [{ data: blob.data, type: blob.type }] : [],
    summary: `${verb} run “${name}” in experiment “${String(experiment.name)}”`,
  })) as RunRecord;
}

export async function getRun(store: WorkspaceStore, runId: string): Promise<RunRecord> {
  const run = (await store.get('runs', runId)) as RunRecord | undefined;
  if (!run) notFound('run', runId);
  return run;
}

/** Runs of an experiment, or of the whole workspace, oldest first. */
export async function listRunRecords(
  store: WorkspaceStore,
  workspaceId: string,
  experimentId?: string,
): Promise<RunRecord[]> {
  const runs = experimentId
    ? await store.listChildren('runs', experimentId)
    : await store.list('runs', workspaceId);
  return runs.filter((run) => run.workspaceId === workspaceId) as RunRecord[];
}

function updateSummary(
  summary: Record<string, MetricSummary>,
  metric: TelemetryBatch['metrics'][number],
) {
  const current: MetricSummary = summary[metric.key] ?? {
    latest: null,
    latestStep: -Infinity,
    min: null,
    max: null,
    count: 0,
    lastAt: 0,
  };
  let { latest, latestStep, min, max, count, lastAt } = current;
  for (let i = 0; i < metric.values.length; i++) {
    const value = metric.values[i] as number;
    const step = metric.steps[i] as number;
    const finite = Number.isFinite(value);
    count += 1;
    lastAt = Math.max(lastAt, metric.times[i] as number);
    if (step >= latestStep) {
      latestStep = step;
      latest = finite ? value : null;
    }
    if (finite) {
      if (min === null || value < min) min = value;
      if (max === null || value > max) max = value;
    }
  }
  summary[metric.key] = { latest, latestStep, min, max, count, lastAt };
}

/**
 * Appends a batch of metric points and log lines to an active run in one transaction, and
 * updates the run's metric summary and heartbeat with them. Telemetry writes no audit event of
 * its own: the run's final event states how many points and lines it holds.
 */
export async function appendTelemetry(
  store: WorkspaceStore,
  runId: string,
  batch: TelemetryBatch,
  heartbeatAt: number,
) {
  const known = await getRun(store, runId);
  await store.write(
    ['runs', 'metrics', 'logs'],
    async (tx) => {
      const run = (await tx.objectStore('runs').get(runId)) as RunRecord | undefined;
      if (!run) notFound('run', runId);
      if (!isActiveRun(run)) refuseFinished(run, 'metrics and logs');
      const summary = { ...run.summary };
      // Runs made through the generic store API have no counts yet.
      const counts: RunCounts = run.counts
        ? { ...run.counts }
        : { metricPoints: 0, logLines: 0, chunks: 0 };
      const createdAt = store.now();
      for (const metric of batch.metrics) {
        if (!metric.values.length) continue;
        const chunk: MetricChunkRecord = {
          id: store.newId(),
          workspaceId: run.workspaceId,
          createdAt,
          createdBy: store.actor.id,
          runId,
          key: metric.key,
          chunk: counts.chunks++,
          steps: metric.steps,
          values: metric.values.map((value) => (Number.isFinite(value) ? value : null)),
          times: metric.times,
        };
        await tx.objectStore('metrics').add(chunk);
        updateSummary(summary, metric);
        counts.metricPoints += metric.values.length;
      }
      if (batch.logs?.lines.length) {
        const chunk: LogChunkRecord = {
          id: store.newId(),
          workspaceId: run.workspaceId,
          createdAt,
          createdBy: store.actor.id,
          runId,
          chunk: counts.chunks++,
          lines: batch.logs.lines,
          times: batch.logs.times,
        };
        await tx.objectStore('logs').add(chunk);
        counts.logLines += batch.logs.lines.length;
      }
      await tx.objectStore('runs').put({ ...run, summary, counts, heartbeatAt });
    },
    known.workspaceId,
    [],
  );
  store.channel.post({ type: 'telemetry', workspaceId: known.workspaceId, runId });
}

/** Moves a queued run to running. */
export async function markRunStarted(store: WorkspaceStore, runId: string) {
  const run = await getRun(store, runId);
  if (run.status !== 'queued') {
    throw new StoreError(
      'immutable',
      `Run “${run.name}” is ${run.status}, not queued.`,
      `runs.${runId}`,
    );
  }
  const at = store.now();
  return (await store.update(
    'runs',
    runId,
    { status: 'running', startedAt: at, heartbeatAt: at },
    { summary: `Started run “${run.name}”` },
  )) as RunRecord;
}

const ENDINGS: Record<Exclude<RunStatus, 'queued' | 'running'>, string> = {
  finished: 'finished',
  failed: 'failed',
  cancelled: 'was cancelled',
  interrupted: 'was interrupted',
};

/**
 * Ends a run: status, end time and duration are written once and the run is immutable from
 * here (only its name, tags and notes change). The audit event sums up what the run logged.
 */
export async function endRun(
  store: WorkspaceStore,
  runId: string,
  status: Exclude<RunStatus, 'queued' | 'running'>,
  options: { error?: string | null; endedAt?: number } = {},
) {
  const run = await getRun(store, runId);
  if (!RUN_TRANSITIONS[run.status]?.includes(status)) {
    throw new StoreError(
      'immutable',
      `Run “${run.name}” is already ${run.status}.`,
      `runs.${runId}`,
    );
  }
  const endedAt = options.endedAt ?? store.now();
  // Runs written before the tracking API (or through the generic store API) may lack fields.
  const startedAt = typeof run.startedAt === 'number' ? run.startedAt : null;
  const durationMs = startedAt === null ? null : Math.max(0, endedAt - startedAt);
  const metricCount = Object.keys(run.summary ?? {}).length;
  const logged = [
    `${plural(metricCount, 'metric')} (${plural(run.counts?.metricPoints ?? 0, 'point')})`,
    plural(run.counts?.logLines ?? 0, 'log line'),
    plural(run.artifacts?.length ?? 0, 'artifact'),
  ].join(', ');
  const after = durationMs === null ? '' : ` after ${(durationMs / 1000).toFixed(1)} s`;
  return (await store.update(
    'runs',
    runId,
    { status, endedAt, durationMs, error: options.error ?? null },
    { summary: `Run “${run.name}” ${ENDINGS[status]}${after}: ${logged}` },
  )) as RunRecord;
}

/** A run that has already ended, written whole by `recordRuns`. */
export interface EndedRun {
  name: string;
  status: Exclude<RunStatus, 'queued' | 'running'>;
  /** Checked as `createRun` checks them. */
  params?: Record<string, unknown>;
  tags?: Record<string, string>;
  seed?: number | null;
  device?: string | null;
  backend?: string | null;
  parentRunId?: string | null;
  startedAt: number;
  endedAt: number;
  error?: string | null;
  /** One point each, at step 0 (non-finite values are kept as null, as `appendTelemetry` does). */
  metrics?: Readonly<Record<string, number>>;
  logs?: readonly string[];
}

/**
 * Writes runs that have already ended (the candidates of a search, reported once each is done)
 * in one transaction: each run's record, its metrics and its log lines, and one audit event per
 * run, as `createRun`, `appendTelemetry` and `endRun` would have written them in five or more.
 * All of them are written or none. They share an experiment and the dataset versions they read.
 */
export async function recordRuns(
  store: WorkspaceStore,
  workspaceId: string,
  experimentId: string,
  runs: readonly EndedRun[],
  inputs: readonly { datasetVersionId: string; role?: string | null }[] = [],
): Promise<RunRecord[]> {
  if (!runs.length) return [];
  const experiment = await store.get('experiments', experimentId);
  if (!experiment || experiment.workspaceId !== workspaceId) notFound('experiment', experimentId);
  for (const parentRunId of new Set(runs.map((run) => run.parentRunId ?? null))) {
    if (parentRunId === null) continue;
    const parent = await store.get('runs', parentRunId);
    if (!parent || parent.workspaceId !== workspaceId) notFound('parent run', parentRunId);
  }
  const read = await resolveInputs(store, workspaceId, inputs);
  const createdAt = store.now();
  const written: { run: RunRecord; metrics: MetricChunkRecord[]; logs: LogChunkRecord | null }[] =
    [];
  for (const [index, input] of runs.entries()) {
    const name = validName(input.name, 'A run name');
    const settings = runSettings(input, `runs[${index}].`);
    if (!(input.endedAt >= input.startedAt)) {
      throw new StoreError(
        'invalid',
        `Run “${name}” ends (${input.endedAt}) before it starts (${input.startedAt}).`,
        `runs[${index}].endedAt`,
      );
    }
    const id = store.newId();
    const owner = { workspaceId, createdAt, createdBy: store.actor.id, runId: id };
    const summary: Record<string, MetricSummary> = {};
    const metrics: MetricChunkRecord[] = [];
    let chunk = 0;
    for (const [key, value] of Object.entries(input.metrics ?? {})) {
      if (!key || key.length > MAX_METRIC_NAME) {
        throw new StoreError(
          'invalid',
          `A metric name must have 1 to ${MAX_METRIC_NAME} characters.`,
          `runs[${index}].metrics`,
        );
      }
      const point = { key, steps: [0], values: [value], times: [input.endedAt] };
      updateSummary(summary, point);
      metrics.push({
        id: store.newId(),
        ...owner,
        key,
        chunk: chunk++,
        steps: point.steps,
        values: [Number.isFinite(value) ? value : null],
        times: point.times,
      });
    }
    const lines = (input.logs ?? []).flatMap((text) =>
      String(text)
        .split(/\r?\n/)
        .map((line) => (line.length > MAX_LOG_LINE ? `${line.slice(0, MAX_LOG_LINE)}…` : line)),
    );
    const logs: LogChunkRecord | null = lines.length
      ? {
          id: store.newId(),
          ...owner,
          chunk: chunk++,
          lines,
          times: lines.map(() => input.endedAt),
        }
      : null;
    const run: RunRecord = {
      id,
      workspaceId,
      createdAt,
      createdBy: store.actor.id,
      experimentId,
      name,
      status: input.status,
      ...settings,
      inputs: read,
      snapshot: null,
      parentRunId: input.parentRunId ?? null,
      queuedAt: input.startedAt,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      durationMs: input.endedAt - input.startedAt,
      heartbeatAt: input.endedAt,
      error: input.error ?? null,
      summary,
      counts: { metricPoints: metrics.length, logLines: lines.length, chunks: chunk },
      artifacts: [],
    };
    written.push({ run, metrics, logs });
  }
  const audit = written.map(({ run }): AuditEntry => {
    const logged = [
      `${plural(run.counts.metricPoints, 'metric')} (${plural(run.counts.metricPoints, 'point')})`,
      plural(run.counts.logLines, 'log line'),
      plural(0, 'artifact'),
    ].join(', ');
    return {
      action: 'create',
      entityKind: 'runs',
      entityId: run.id,
      summary: `Recorded run “${run.name}” in experiment “${String(experiment.name)}”: it ${ENDINGS[run.status as keyof typeof ENDINGS]} after ${((run.durationMs ?? 0) / 1000).toFixed(1)} s: ${logged}`,
    };
  });
  await store.write(
    ['runs', 'metrics', 'logs'],
    async (tx) => {
      // Placed at once and awaited together (the transaction keeps their order): a round trip
      // per record would cost more than the records.
      const added: Promise<unknown>[] = [];
      for (const { run, metrics, logs } of written) {
        added.push(tx.objectStore('runs').add(run));
        for (const record of metrics) added.push(tx.objectStore('metrics').add(record));
        if (logs) added.push(tx.objectStore('logs').add(logs));
      }
      await Promise.all(added);
    },
    workspaceId,
    audit,
  );
  store.channel.post({ type: 'entities', workspaceId, kinds: ['runs'] });
  return written.map(({ run }) => run);
}

/** Records that the page running a run is alive, without an audit event. */
export async function touchRun(store: WorkspaceStore, runId: string, at: number) {
  await appendTelemetry(store, runId, { metrics: [], logs: null }, at);
}

/** Adds parameters to an active run; a parameter once logged keeps its value (as in MLflow). */
export async function logRunParams(
  store: WorkspaceStore,
  runId: string,
  params: Record<string, unknown>,
) {
  const checked = checkParams(params);
  const run = await getRun(store, runId);
  if (!isActiveRun(run)) refuseFinished(run, 'parameters');
  const changed = Object.keys(checked).filter(
    (key) => key in run.params && run.params[key] !== checked[key],
  );
  if (changed.length) {
    const key = changed[0] as string;
    throw new StoreError(
      'immutable',
      `Parameter “${key}” of run “${run.name}” is already ${JSON.stringify(run.params[key])}; a logged parameter cannot change. Start a new run to try ${JSON.stringify(checked[key])}.`,
      `params.${key}`,
    );
  }
  const added = Object.keys(checked).filter((key) => !(key in run.params));
  if (!added.length) return run;
  return (await store.update(
    'runs',
    runId,
    { params: { ...run.params, ...checked } },
    {
      summary: `Logged ${plural(added.length, 'parameter')} to run “${run.name}”: ${added.join(', ')}`,
    },
  )) as RunRecord;
}

/** Sets (or with null removes) tags of a run; allowed after it ended. */
export async function setRunTags(
  store: WorkspaceStore,
  runId: string,
  tags: Record<string, string | null>,
) {
  const run = await getRun(store, runId);
  const next = { ...run.tags };
  for (const [key, value] of Object.entries(tags)) {
    if (value === null) delete next[key];
    else Object.assign(next, checkTags({ [key]: value }));
  }
  return (await store.update(
    'runs',
    runId,
    { tags: next },
    { summary: `Changed the tags of run “${run.name}”` },
  )) as RunRecord;
}

export async function setRunNotes(store: WorkspaceStore, runId: string, notes: string) {
  const run = await getRun(store, runId);
  return (await store.update(
    'runs',
    runId,
    { notes },
    { summary: `Changed the notes of run “${run.name}”` },
  )) as RunRecord;
}

export async function renameRun(store: WorkspaceStore, runId: string, name: string) {
  const run = await getRun(store, runId);
  const checked = validName(name, 'A run name');
  return (await store.update(
    'runs',
    runId,
    { name: checked },
    {
      summary: `Renamed run “${run.name}” to “${checked}”`,
    },
  )) as RunRecord;
}

/** Sets the device or backend once known (a trainer learns its backend after it starts). */
export async function setRunEnvironment(
  store: WorkspaceStore,
  runId: string,
  environment: { device?: string | null; backend?: string | null },
) {
  const run = await getRun(store, runId);
  if (!isActiveRun(run)) refuseFinished(run, 'the device and backend');
  const patch: Record<string, Json> = {};
  if (environment.device !== undefined) patch.device = environment.device;
  if (environment.backend !== undefined) patch.backend = environment.backend;
  if (!Object.keys(patch).length) return run;
  return (await store.update('runs', runId, patch, {
    summary: `Recorded where run “${run.name}” runs`,
  })) as RunRecord;
}

/**
 * Stores a file produced by an active run (a plot, a model, a CSV) as a content-addressed blob
 * in the transaction that lists it on the run. Logging a name again replaces that artifact.
 */
export async function logRunArtifact(
  store: WorkspaceStore,
  runId: string,
  input: { name: string; data: Uint8Array; mediaType?: string },
): Promise<ArtifactRef> {
  const name = input.name.trim();
  if (!name || name.length > MAX_METRIC_NAME || /[\\]|^\/|\.\.(\/|$)/.test(name)) {
    throw new StoreError(
      'invalid',
      `“${input.name}” is not a valid artifact name (1 to ${MAX_METRIC_NAME} characters, a relative path).`,
      'artifact.name',
    );
  }
  if (input.data.byteLength > MAX_ARTIFACT_BYTES) {
    throw new StoreError(
      'invalid',
      `Artifact “${name}” is larger than ${formatBytes(MAX_ARTIFACT_BYTES)}.`,
      'artifact.data',
    );
  }
  const known = await getRun(store, runId);
  const hash = await sha256(input.data);
  const artifact: ArtifactRef = {
    name,
    hash,
    size: input.data.byteLength,
    mediaType: input.mediaType ?? 'application/octet-stream',
    at: store.now(),
  };
  let replaced = false;
  await store.write(
    ['runs', 'blobs'],
    async (tx) => {
      const run = (await tx.objectStore('runs').get(runId)) as RunRecord | undefined;
      if (!run) notFound('run', runId);
      if (!isActiveRun(run)) refuseFinished(run, 'artifacts');
      // A record lists each blob once and holds one reference to it, whatever number of its
      // artifacts (or its snapshot) share those bytes.
      const refs = new Set(run.blobRefs ?? []);
      if (!refs.has(hash)) {
        await storeBlob(tx, hash, input.data, artifact.mediaType);
        refs.add(hash);
      }
      const previous = run.artifacts.find((item) => item.name === name);
      replaced = !!previous;
      const artifacts = [...run.artifacts.filter((item) => item.name !== name), artifact];
      const stillUsed = (blob: string) =>
        artifacts.some((item) => item.hash === blob) || run.snapshot?.hash === blob;
      if (previous && !stillUsed(previous.hash)) {
        refs.delete(previous.hash);
        await releaseBlobs(tx, [previous.hash]);
      }
      await tx.objectStore('runs').put({
        ...run,
        artifacts,
        blobRefs: [...refs],
        updatedAt: store.now(),
      });
    },
    known.workspaceId,
    () => [
      {
        action: 'update',
        entityKind: 'runs',
        entityId: runId,
        summary: `${replaced ? 'Replaced' : 'Logged'} artifact “${name}” (${formatBytes(artifact.size)}) of run “${known.name}”`,
      },
    ],
    input.data.byteLength,
  );
  store.channel.post({ type: 'entities', workspaceId: known.workspaceId, kinds: ['runs'] });
  return artifact;
}

// ── reading telemetry ─────────────────────────────────────────────────────────────────────

export interface RawSeries {
  steps: Float64Array;
  values: Float64Array;
  times: Float64Array;
}

/** Chunks as written by the tracking API, or single points written through the generic API. */
function chunkPoints(record: EntityRecord): {
  steps: number[];
  values: (number | null)[];
  times: number[];
} {
  if (Array.isArray(record.values)) {
    return {
      steps: record.steps as number[],
      values: record.values as (number | null)[],
      times: (record.times as number[] | undefined) ?? [],
    };
  }
  const value = typeof record.value === 'number' ? record.value : null;
  const step = typeof record.step === 'number' ? record.step : 0;
  const time = typeof record.timestamp === 'number' ? record.timestamp : record.createdAt;
  return { steps: [step], values: [value], times: [time] };
}

const chunkOrder = (a: EntityRecord, b: EntityRecord) =>
  (typeof a.chunk === 'number' ? a.chunk : -1) - (typeof b.chunk === 'number' ? b.chunk : -1) ||
  a.createdAt - b.createdAt ||
  a.id.localeCompare(b.id);

/** Sorts by step, keeping the logging order of equal steps; skips the work when already sorted. */
function sortByStep(series: RawSeries): RawSeries {
  const { steps } = series;
  let sorted = true;
  for (let i = 1; i < steps.length && sorted; i++)
    sorted = (steps[i - 1] as number) <= (steps[i] as number);
  if (sorted) return series;
  const order = Array.from({ length: steps.length }, (_, i) => i).sort(
    (a, b) => (steps[a] as number) - (steps[b] as number) || a - b,
  );
  const take = (column: Float64Array) => Float64Array.from(order, (i) => column[i] as number);
  return { steps: take(series.steps), values: take(series.values), times: take(series.times) };
}

function concatChunks(records: EntityRecord[]): RawSeries {
  const chunks = records.sort(chunkOrder).map(chunkPoints);
  const total = chunks.reduce((sum, chunk) => sum + chunk.values.length, 0);
  const series: RawSeries = {
    steps: new Float64Array(total),
    values: new Float64Array(total),
    times: new Float64Array(total),
  };
  let offset = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.values.length; i++) {
      series.steps[offset] = chunk.steps[i] as number;
      const value = chunk.values[i];
      series.values[offset] = value === null || value === undefined ? NaN : value;
      series.times[offset] = chunk.times[i] ?? NaN;
      offset += 1;
    }
  }
  return sortByStep(series);
}

/** Every point of several metric series (run × name), read in one transaction, sorted by step. */
export async function readMetricSeries(
  store: WorkspaceStore,
  pairs: readonly { runId: string; key: string }[],
): Promise<RawSeries[]> {
  const index = store.database.transaction('metrics', 'readonly').store.index('byRunKey');
  const chunks = await Promise.all(pairs.map((pair) => index.getAll([pair.runId, pair.key])));
  return chunks.map((records) => concatChunks(records as EntityRecord[]));
}

/** The names of a run's metrics: from its summary, or from its records for runs made without it. */
export async function metricNames(store: WorkspaceStore, run: RunRecord): Promise<string[]> {
  const names = Object.keys(run.summary ?? {});
  if (names.length) return names.sort();
  const records = await store.listChildren('metrics', run.id);
  return [...new Set(records.map((record) => String(record.key)))].sort();
}

export async function readRunLogs(
  store: WorkspaceStore,
  runId: string,
  options: { offset?: number; limit?: number } = {},
): Promise<{ lines: string[]; times: number[]; total: number }> {
  const records = (await store.database.getAllFromIndex(
    'logs',
    'byRunChunk',
    IDBKeyRange.bound([runId, -Infinity], [runId, Infinity]),
  )) as LogChunkRecord[];
  const lines = records.flatMap((record) => record.lines);
  const times = records.flatMap((record) => record.times);
  const offset = Math.max(0, options.offset ?? 0);
  const end = options.limit === undefined ? undefined : offset + options.limit;
  return { lines: lines.slice(offset, end), times: times.slice(offset, end), total: lines.length };
}

export async function readBlobBytes(
  store: WorkspaceStore,
  hash: string,
  what: string,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; mediaType: string; size: number }> {
  const blob = await store.getBlob(hash);
  if (!blob) throw new StoreError('not-found', `The data of ${what} is missing (${hash}).`);
  return { bytes: new Uint8Array(blob.data), mediaType: blob.type, size: blob.size };
}

// ── housekeeping ──────────────────────────────────────────────────────────────────────────

export interface DeletedRun {
  runId: string;
  name: string;
  metricPoints: number;
  logLines: number;
  artifacts: number;
  /** Blob bytes no other record uses, freed with this run. */
  blobBytes: number;
  /** Size of the run's records (run, metric and log chunks) as JSON: an estimate of their storage. */
  recordBytes: number;
}

export interface DeleteRunsReport {
  deleted: DeletedRun[];
  /** Runs left in place, and why: still active, or registered as a model version. */
  skipped: { runId: string; reason: string }[];
  blobBytes: number;
  recordBytes: number;
  /** blobBytes + recordBytes. */
  bytes: number;
}

const jsonBytes = (records: readonly unknown[]) =>
  records.reduce<number>((sum, record) => sum + JSON.stringify(record).length, 0);

/** A reason the run stays, raised inside the transaction and reported instead of thrown. */
class KeepRun extends Error {}

async function deleteOneRun(store: WorkspaceStore, runId: string): Promise<DeletedRun | string> {
  const known = (await store.get('runs', runId)) as RunRecord | undefined;
  if (!known) return `There is no run with id ${runId}.`;
  let result: DeletedRun | undefined;
  try {
    await store.write(
      ['runs', 'metrics', 'logs', 'blobs', 'modelVersions'],
      async (tx) => {
        const run = (await tx.objectStore('runs').get(runId)) as RunRecord | undefined;
        if (!run) throw new KeepRun(`There is no run with id ${runId}.`);
        if (isActiveRun(run))
          throw new KeepRun(`Run “${run.name}” is still ${run.status}; end it first.`);
        const versions = (await tx
          .objectStore('modelVersions')
          .index('byWorkspace')
          .getAll(run.workspaceId)) as EntityRecord[];
        const registered = versions.find((version) => version.runId === runId);
        if (registered) {
          throw new KeepRun(
            `Run “${run.name}” is the source of model version ${String(registered.version)} (${registered.id}); delete that version first.`,
          );
        }
        let recordBytes = jsonBytes([run]);
        let metricPoints = 0;
        let logLines = 0;
        for (const kind of ['metrics', 'logs'] as const) {
          const records = (await tx
            .objectStore(kind)
            .index('by_runId')
            .getAll(runId)) as EntityRecord[];
          recordBytes += jsonBytes(records);
          for (const record of records) {
            if (kind === 'metrics') metricPoints += chunkPoints(record).values.length;
            else logLines += (record.lines as string[] | undefined)?.length ?? 0;
            await releaseBlobs(tx, record.blobRefs);
            await tx.objectStore(kind).delete(record.id);
          }
        }
        const blobBytes = await releaseBlobs(tx, run.blobRefs);
        await tx.objectStore('runs').delete(runId);
        result = {
          runId,
          name: run.name,
          metricPoints,
          logLines,
          artifacts: run.artifacts?.length ?? 0,
          blobBytes,
          recordBytes,
        };
      },
      known.workspaceId,
      (): AuditEntry[] => {
        const done = result as DeletedRun;
        return [
          {
            action: 'delete',
            entityKind: 'runs',
            entityId: runId,
            summary: `Deleted run “${done.name}” with ${plural(done.metricPoints, 'metric point')}, ${plural(done.logLines, 'log line')} and ${plural(done.artifacts, 'artifact')}; freed about ${formatBytes(done.blobBytes + done.recordBytes)}`,
          },
        ];
      },
    );
  } catch (error) {
    if (error instanceof KeepRun) return error.message;
    throw error;
  }
  store.channel.post({
    type: 'entities',
    workspaceId: known.workspaceId,
    kinds: ['runs', 'metrics', 'logs'],
  });
  return result as DeletedRun;
}

/**
 * Deletes finished runs with their metrics, logs and artifacts, one transaction per run, and
 * reports the space given back. Active runs and runs a model version was registered from are
 * skipped with the reason, so one of them never blocks cleaning up the rest.
 */
export async function deleteRuns(
  store: WorkspaceStore,
  runIds: readonly string[],
): Promise<DeleteRunsReport> {
  const report: DeleteRunsReport = {
    deleted: [],
    skipped: [],
    blobBytes: 0,
    recordBytes: 0,
    bytes: 0,
  };
  for (const runId of new Set(runIds)) {
    const outcome = await deleteOneRun(store, runId);
    if (typeof outcome === 'string') {
      report.skipped.push({ runId, reason: outcome });
      continue;
    }
    report.deleted.push(outcome);
    report.blobBytes += outcome.blobBytes;
    report.recordBytes += outcome.recordBytes;
  }
  report.bytes = report.blobBytes + report.recordBytes;
  return report;
}
