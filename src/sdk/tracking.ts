import { minMaxIndices, pick } from '../core/tracking/downsample';
import {
  matchesFilter,
  parseFilter,
  type FieldRef,
  type FilterFields,
  type FilterNode,
  type FilterParse,
  type FilterValue,
} from '../core/tracking/filter';
import { StoreError } from '../store/errors';
import type { Json } from '../store/schema';
import {
  appendTelemetry,
  createExperiment,
  createRun,
  deleteExperiment,
  deleteRuns,
  endRun,
  ensureExperiment,
  getRun,
  isActiveRun,
  listExperiments,
  listRunRecords,
  logRunArtifact,
  logRunParams,
  markRunStarted,
  MAX_LOG_LINE,
  MAX_METRIC_NAME,
  metricNames,
  readBlobBytes,
  readMetricSeries,
  readRunLogs,
  recordRuns,
  renameExperiment,
  renameRun,
  setRunEnvironment,
  setRunNotes,
  setRunTags,
  touchRun,
  type ArtifactRef,
  type DeleteRunsReport,
  type EndedRun,
  type ExperimentRecord,
  type RunRecord,
  type SnapshotKind,
  type TelemetryBatch,
} from '../store/tracking';
import type { WorkspaceStore } from '../store/workspace-store';

export type { ArtifactRef, DeleteRunsReport, EndedRun, ExperimentRecord, RunRecord };
export type { MetricSummary, RunInput, SnapshotRef } from '../store/tracking';

/** What a runs filter may name: `metrics.x`, `params.x`, `tags.x` and these attributes. */
export const RUN_FILTER_FIELDS: FilterFields = {
  roots: ['metrics', 'params', 'tags'],
  attributes: [
    'status',
    'name',
    'duration',
    'experiment',
    'seed',
    'device',
    'backend',
    'id',
    'parent',
    'created',
  ],
};

/**
 * Parses a runs filter without running it: for checking an expression as it is typed.
 * `metrics.x` is the latest value; `metrics.x.min`, `.max` and `.count` read the summary;
 * `duration` is in seconds.
 */
export const parseRunFilter = (expression: string): FilterParse =>
  parseFilter(expression, RUN_FILTER_FIELDS);

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The part of the Web Locks API the tracker uses; `navigator.locks` in a browser. */
export interface LockManagerLike {
  request(name: string, callback: () => Promise<void>): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

export interface TrackingOptions {
  /** Web Locks; null to use heartbeats only. By default `navigator.locks` where it exists. */
  locks?: LockManagerLike | null;
  timers?: Timers;
  /** Buffered metric points (and log lines) that trigger a write. */
  flushPoints?: number;
  /** The longest a point waits in the buffer before it is written. */
  flushIntervalMs?: number;
  /** Without Web Locks: how often a live run says it is alive. */
  heartbeatMs?: number;
  /** Without Web Locks: silence after which an active run counts as interrupted. */
  staleAfterMs?: number;
}

const nodeFriendlyTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    // A pending flush must not keep a Node script alive; `finish` writes what is left.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const defaultLocks = (): LockManagerLike | null =>
  (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks ?? null;

/** Runs this page (or process) is running right now: never interrupted by recovery here. */
const liveRuns = new Set<string>();

export const runLockName = (runId: string) => `bunsen:run:${runId}`;

async function holdLock(locks: LockManagerLike, name: string): Promise<() => void> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await new Promise<void>((acquired, failed) => {
    locks
      .request(name, () => {
        acquired();
        return held;
      })
      .catch(failed);
  });
  return release;
}

/**
 * Nested plain objects become dotted keys ({ tree: { depth: 3 } } → tree.depth) and arrays
 * their JSON; anything else that is not a string, number, boolean or null is refused later.
 */
export function flattenParams(
  params: Record<string, unknown>,
  prefix = '',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const name = `${prefix}${key}`;
    if (value === undefined) continue;
    if (Array.isArray(value)) out[name] = JSON.stringify(value);
    else if (
      value !== null &&
      typeof value === 'object' &&
      Object.getPrototypeOf(value) === Object.prototype
    ) {
      Object.assign(out, flattenParams(value as Record<string, unknown>, `${name}.`));
    } else out[name] = value;
  }
  return out;
}

export interface StartRunInput {
  /** An experiment id or name; a name that does not exist yet is created. Default: “Default”. */
  experiment?: string;
  /** Default: “Run n”, counting the experiment's runs. */
  name?: string;
  params?: Record<string, unknown>;
  tags?: Record<string, string>;
  seed?: number | null;
  device?: string | null;
  backend?: string | null;
  /** Dataset versions read; the content hash is taken from the version when not given. */
  inputs?: (string | { datasetVersionId: string; contentHash?: string; role?: string })[];
  snapshot?: { kind: SnapshotKind; content: string | Json } | null;
  parentRunId?: string | null;
  /** Create the run as queued; `handle.start()` moves it to running. */
  queued?: boolean;
}

export interface MetricSeries {
  runId: string;
  name: string;
  /** Points stored; the arrays hold at most maxPoints of them when `downsampled`. */
  total: number;
  downsampled: boolean;
  steps: Float64Array;
  values: Float64Array;
  /** Milliseconds since the epoch when each point was logged. */
  times: Float64Array;
}

type EndStatus = 'finished' | 'failed' | 'cancelled';

/**
 * A live run: metrics and log lines are buffered and written in one transaction every
 * `flushPoints` points or `flushIntervalMs`, whichever comes first, so a trainer may log on
 * every step. Logging calls never wait on storage; a write that fails is reported by the next
 * `flush()` or by `finish()`, which marks the run failed instead of finished.
 */
export class RunHandle {
  private metrics = new Map<string, { steps: number[]; values: number[]; times: number[] }>();
  private lines: string[] = [];
  private lineTimes: number[] = [];
  private pending = 0;
  private nextStep = new Map<string, number>();
  private flushTimer: unknown;
  private heartbeatTimer: unknown;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;
  private ended = false;

  constructor(
    private readonly store: WorkspaceStore,
    private current: RunRecord,
    private readonly settings: Required<Omit<TrackingOptions, 'locks'>> & {
      heartbeat: boolean;
    },
    private readonly releaseLock: () => void,
  ) {
    liveRuns.add(current.id);
    if (settings.heartbeat) this.scheduleHeartbeat();
  }

  get id() {
    return this.current.id;
  }

  /** The run as last written by this handle. */
  get record(): RunRecord {
    return this.current;
  }

  private ensureOpen(what: string) {
    if (this.ended) {
      throw new StoreError(
        'immutable',
        `Run “${this.current.name}” has ended: ${what} cannot be added any more.`,
        `runs.${this.current.id}`,
      );
    }
  }

  logMetric(name: string, value: number, step?: number, time?: number) {
    this.ensureOpen('metrics');
    if (typeof name !== 'string' || !name || name.length > MAX_METRIC_NAME) {
      throw new StoreError(
        'invalid',
        `A metric name must have 1 to ${MAX_METRIC_NAME} characters.`,
        'metrics',
      );
    }
    if (typeof value !== 'number') {
      throw new StoreError(
        'invalid',
        `Metric “${name}” must be a number, not ${typeof value}.`,
        `metrics.${name}`,
      );
    }
    const at = step ?? this.nextStep.get(name) ?? 0;
    if (!Number.isFinite(at)) {
      throw new StoreError(
        'invalid',
        `The step of metric “${name}” must be a finite number.`,
        `metrics.${name}`,
      );
    }
    const when = time ?? this.store.now();
    let series = this.metrics.get(name);
    if (!series) this.metrics.set(name, (series = { steps: [], values: [], times: [] }));
    series.steps.push(at);
    series.values.push(value);
    series.times.push(when);
    this.nextStep.set(name, at + 1);
    this.pending += 1;
    this.schedule();
  }

  logMetrics(values: Readonly<Record<string, number>>, step?: number, time?: number) {
    const when = time ?? this.store.now();
    for (const [name, value] of Object.entries(values)) this.logMetric(name, value, step, when);
  }

  /** Appends stdout-like text; several lines at once are split. */
  log(text: string) {
    this.ensureOpen('log lines');
    const at = this.store.now();
    for (const line of String(text).split(/\r?\n/)) {
      this.lines.push(line.length > MAX_LOG_LINE ? `${line.slice(0, MAX_LOG_LINE)}…` : line);
      this.lineTimes.push(at);
      this.pending += 1;
    }
    this.schedule();
  }

  private schedule() {
    if (this.pending >= this.settings.flushPoints) {
      void this.flush().catch(() => undefined);
    } else if (this.flushTimer === undefined) {
      this.flushTimer = this.settings.timers.setTimeout(() => {
        this.flushTimer = undefined;
        void this.flush().catch(() => undefined);
      }, this.settings.flushIntervalMs);
    }
  }

  private scheduleHeartbeat() {
    this.heartbeatTimer = this.settings.timers.setTimeout(() => {
      this.heartbeatTimer = undefined;
      if (this.ended) return;
      const runId = this.current.id;
      this.queue = this.queue.then(() =>
        this.failure
          ? undefined
          : touchRun(this.store, runId, this.store.now()).catch(() => undefined),
      );
      this.scheduleHeartbeat();
    }, this.settings.heartbeatMs);
  }

  private takeBatch(): TelemetryBatch | undefined {
    if (!this.pending) return undefined;
    const batch: TelemetryBatch = {
      metrics: [...this.metrics].map(([key, series]) => ({ key, ...series })),
      logs: this.lines.length ? { lines: this.lines, times: this.lineTimes } : null,
    };
    this.metrics = new Map();
    this.lines = [];
    this.lineTimes = [];
    this.pending = 0;
    return batch;
  }

  /** Writes everything logged so far; resolves once it is stored. */
  flush(): Promise<void> {
    if (this.flushTimer !== undefined) {
      this.settings.timers.clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    const batch = this.takeBatch();
    if (batch) {
      const runId = this.current.id;
      this.queue = this.queue.then(async () => {
        if (this.failure) return;
        try {
          await appendTelemetry(this.store, runId, batch, this.store.now());
        } catch (error) {
          this.failure = error;
        }
      });
    }
    return this.queue.then(() => {
      if (this.failure) throw this.failure;
    });
  }

  async logParams(params: Record<string, unknown>) {
    this.ensureOpen('parameters');
    this.current = await logRunParams(this.store, this.current.id, flattenParams(params));
    return this.current;
  }

  async setTag(key: string, value: string | null) {
    this.current = await setRunTags(this.store, this.current.id, { [key]: value });
    return this.current;
  }

  async setNote(notes: string) {
    this.current = await setRunNotes(this.store, this.current.id, notes);
    return this.current;
  }

  async setEnvironment(environment: { device?: string | null; backend?: string | null }) {
    this.ensureOpen('the device and backend');
    this.current = await setRunEnvironment(this.store, this.current.id, environment);
    return this.current;
  }

  async logArtifact(
    name: string,
    data: Uint8Array | ArrayBuffer | Blob | string,
    mediaType?: string,
  ): Promise<ArtifactRef> {
    this.ensureOpen('artifacts');
    let bytes: Uint8Array;
    if (typeof data === 'string') bytes = new TextEncoder().encode(data);
    else if (data instanceof Uint8Array) bytes = data;
    else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else bytes = new Uint8Array(await data.arrayBuffer());
    const type =
      mediaType ??
      (typeof Blob !== 'undefined' && data instanceof Blob && data.type
        ? data.type
        : typeof data === 'string'
          ? 'text/plain'
          : 'application/octet-stream');
    const artifact = await logRunArtifact(this.store, this.current.id, {
      name,
      data: bytes,
      mediaType: type,
    });
    this.current = await getRun(this.store, this.current.id);
    return artifact;
  }

  /** Moves a queued run to running. */
  async start() {
    this.ensureOpen('a start');
    this.current = await markRunStarted(this.store, this.current.id);
    return this.current;
  }

  /**
   * Writes what is buffered, then ends the run with its end time and duration. When buffered
   * telemetry could not be written, the run ends as failed and the write error is thrown.
   */
  async finish(status: EndStatus = 'finished', error?: string | Error | null): Promise<RunRecord> {
    this.ensureOpen('an end');
    this.ended = true;
    if (this.heartbeatTimer !== undefined) this.settings.timers.clearTimeout(this.heartbeatTimer);
    let failure: unknown;
    try {
      await this.flush();
    } catch (flushError) {
      failure = flushError;
    }
    try {
      const message = error instanceof Error ? error.message : (error ?? null);
      this.current = failure
        ? await endRun(this.store, this.current.id, 'failed', {
            error: `Metrics or logs could not be saved: ${failure instanceof Error ? failure.message : String(failure)}`,
          })
        : await endRun(this.store, this.current.id, status, { error: message });
    } finally {
      liveRuns.delete(this.current.id);
      this.releaseLock();
    }
    if (failure) throw failure;
    return this.current;
  }
}

const runOrder = (a: RunRecord, b: RunRecord) =>
  a.createdAt - b.createdAt || a.id.localeCompare(b.id);

function resolver(run: RunRecord, experiments: Map<string, string>, now: number) {
  return (field: FieldRef): FilterValue => {
    const key = field.key ?? '';
    switch (field.root) {
      case 'metrics': {
        const exact = run.summary?.[key];
        if (exact) return exact.latest;
        const match = /^(.*)\.(latest|min|max|count)$/.exec(key);
        const summary = match ? run.summary?.[match[1] as string] : undefined;
        return summary ? summary[match?.[2] as 'latest' | 'min' | 'max' | 'count'] : undefined;
      }
      case 'params':
        return run.params?.[key];
      case 'tags':
        return run.tags?.[key];
      case 'status':
        return run.status;
      case 'name':
        return run.name;
      case 'duration': {
        if (run.durationMs !== null && run.durationMs !== undefined) return run.durationMs / 1000;
        return run.startedAt ? (now - run.startedAt) / 1000 : null;
      }
      case 'experiment':
        return experiments.get(run.experimentId) ?? null;
      case 'seed':
        return run.seed;
      case 'device':
        return run.device;
      case 'backend':
        return run.backend;
      case 'id':
        return run.id;
      case 'parent':
        return run.parentRunId;
      case 'created':
        return run.createdAt;
      default:
        return undefined;
    }
  };
}

export interface ListRunsOptions {
  experimentId?: string;
  /** An expression such as `metrics.accuracy > 0.9 and params.learner = "gbdt"`, or a parsed one. */
  filter?: string | FilterNode | null;
  /** Only the children of this run; null for top-level runs only. */
  parentRunId?: string | null;
}

/** Experiments: named groups of runs. */
export class Experiments {
  constructor(private readonly store: WorkspaceStore) {}

  list(workspaceId: string) {
    return listExperiments(this.store, workspaceId);
  }

  async get(experimentId: string) {
    return (await this.store.get('experiments', experimentId)) as ExperimentRecord | undefined;
  }

  create(workspaceId: string, input: { name: string; description?: string; tags?: string[] }) {
    return createExperiment(this.store, workspaceId, input);
  }

  ensure(workspaceId: string, name: string) {
    return ensureExperiment(this.store, workspaceId, name);
  }

  rename(experimentId: string, name: string) {
    return renameExperiment(this.store, experimentId, name);
  }

  async describe(experimentId: string, description: string) {
    return (await this.store.update('experiments', experimentId, {
      description: description.trim(),
    })) as ExperimentRecord;
  }

  remove(experimentId: string) {
    return deleteExperiment(this.store, experimentId);
  }
}

/** Runs: start and log them, query them, read their metrics, logs and artifacts, delete them. */
export class Runs {
  private readonly locks: LockManagerLike | null;
  private readonly settings: Required<Omit<TrackingOptions, 'locks'>>;

  constructor(
    private readonly store: WorkspaceStore,
    options: TrackingOptions = {},
  ) {
    this.locks = options.locks === undefined ? defaultLocks() : options.locks;
    this.settings = {
      timers: options.timers ?? nodeFriendlyTimers,
      flushPoints: options.flushPoints ?? 1000,
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      staleAfterMs: options.staleAfterMs ?? 60_000,
    };
  }

  private async experimentFor(workspaceId: string, reference = 'Default') {
    const byId = (await this.store.get('experiments', reference)) as ExperimentRecord | undefined;
    if (byId && byId.workspaceId === workspaceId) return byId;
    return ensureExperiment(this.store, workspaceId, reference);
  }

  /**
   * Creates a run and returns its handle. The run's Web Lock is taken before the record is
   * written, so no other tab can ever see it active and unlocked (and mark it interrupted).
   */
  async start(workspaceId: string, input: StartRunInput = {}): Promise<RunHandle> {
    const experiment = await this.experimentFor(workspaceId, input.experiment);
    const id = this.store.newId();
    const releaseLock = this.locks ? await holdLock(this.locks, runLockName(id)) : () => undefined;
    try {
      const name =
        input.name ?? `Run ${(await this.store.listChildren('runs', experiment.id)).length + 1}`;
      const run = await createRun(this.store, workspaceId, {
        id,
        experimentId: experiment.id,
        name,
        status: input.queued ? 'queued' : 'running',
        params: flattenParams(input.params ?? {}),
        tags: input.tags ?? {},
        seed: input.seed ?? null,
        device: input.device ?? null,
        backend: input.backend ?? null,
        inputs: (input.inputs ?? []).map((item) =>
          typeof item === 'string' ? { datasetVersionId: item } : item,
        ),
        snapshot: input.snapshot ?? null,
        parentRunId: input.parentRunId ?? null,
      });
      return new RunHandle(
        this.store,
        run,
        { ...this.settings, heartbeat: !this.locks },
        releaseLock,
      );
    } catch (error) {
      releaseLock();
      throw error;
    }
  }

  /**
   * Writes runs that have already ended, whole and in one transaction (see `recordRuns`): for
   * the many short runs of a search, which would each cost five writes or more through `start`.
   */
  async record(
    workspaceId: string,
    input: {
      experiment?: string;
      inputs?: readonly { datasetVersionId: string; role?: string | null }[];
      runs: readonly EndedRun[];
    },
  ): Promise<RunRecord[]> {
    if (!input.runs.length) return [];
    const experiment = await this.experimentFor(workspaceId, input.experiment);
    return recordRuns(this.store, workspaceId, experiment.id, input.runs, input.inputs ?? []);
  }

  get(runId: string): Promise<RunRecord> {
    return getRun(this.store, runId);
  }

  /**
   * Runs with their params and a summary of each metric (latest, min, max, count), oldest first:
   * everything a runs table shows, without reading a single metric point.
   */
  async list(workspaceId: string, options: ListRunsOptions = {}): Promise<RunRecord[]> {
    let node: FilterNode | null = null;
    if (typeof options.filter === 'string') {
      const parsed = parseRunFilter(options.filter);
      if (!parsed.ok) {
        throw new StoreError(
          'invalid',
          `The filter is not valid: ${parsed.error.message}`,
          `filter@${parsed.error.position}`,
        );
      }
      node = parsed.node;
    } else node = options.filter ?? null;
    const runs = await listRunRecords(this.store, workspaceId, options.experimentId);
    const experiments = new Map(
      (await listExperiments(this.store, workspaceId)).map((item) => [item.id, item.name]),
    );
    const now = this.store.now();
    return runs
      .filter(
        (run) =>
          (options.parentRunId === undefined || run.parentRunId === options.parentRunId) &&
          matchesFilter(node, resolver(run, experiments, now)),
      )
      .sort(runOrder);
  }

  async metricNames(runId: string): Promise<string[]> {
    return metricNames(this.store, await getRun(this.store, runId));
  }

  /**
   * A metric's points sorted by step. Above `maxPoints` (default 2,000) the series is
   * downsampled to each bucket's minimum and maximum, so spikes and extremes stay visible.
   */
  async metricHistory(runId: string, name: string, options: { maxPoints?: number } = {}) {
    const [series] = await this.metricHistories([{ runId, name }], options);
    return series as MetricSeries;
  }

  /** Several series in one read, for comparing runs. */
  async metricHistories(
    requests: readonly { runId: string; name: string }[],
    options: { maxPoints?: number } = {},
  ): Promise<MetricSeries[]> {
    const maxPoints = options.maxPoints ?? 2000;
    const raw = await readMetricSeries(
      this.store,
      requests.map((request) => ({ runId: request.runId, key: request.name })),
    );
    return raw.map((series, index) => {
      const { runId, name } = requests[index] as { runId: string; name: string };
      const total = series.values.length;
      if (total <= maxPoints) return { runId, name, total, downsampled: false, ...series };
      const kept = minMaxIndices(series.values, maxPoints);
      return {
        runId,
        name,
        total,
        downsampled: true,
        steps: pick(series.steps, kept),
        values: pick(series.values, kept),
        times: pick(series.times, kept),
      };
    });
  }

  logs(runId: string, options: { offset?: number; limit?: number } = {}) {
    return readRunLogs(this.store, runId, options);
  }

  async artifact(runId: string, name: string) {
    const run = await getRun(this.store, runId);
    const artifact = run.artifacts.find((item) => item.name === name);
    if (!artifact) {
      throw new StoreError('not-found', `Run “${run.name}” has no artifact “${name}”.`, 'artifact');
    }
    return readBlobBytes(this.store, artifact.hash, `artifact “${name}” of run “${run.name}”`);
  }

  /** The code, pipeline or spec the run recorded, as text. */
  async snapshot(
    runId: string,
  ): Promise<{ kind: SnapshotKind; mediaType: string; text: string } | null> {
    const run = await getRun(this.store, runId);
    if (!run.snapshot) return null;
    const { bytes } = await readBlobBytes(
      this.store,
      run.snapshot.hash,
      `the snapshot of run “${run.name}”`,
    );
    return {
      kind: run.snapshot.kind,
      mediaType: run.snapshot.mediaType,
      text: new TextDecoder().decode(bytes),
    };
  }

  setTags(runId: string, tags: Record<string, string | null>) {
    return setRunTags(this.store, runId, tags);
  }

  setNotes(runId: string, notes: string) {
    return setRunNotes(this.store, runId, notes);
  }

  rename(runId: string, name: string) {
    return renameRun(this.store, runId, name);
  }

  /** Deletes ended runs with their metrics, logs and artifacts; reports the bytes given back. */
  delete(runIds: readonly string[]): Promise<DeleteRunsReport> {
    return deleteRuns(this.store, runIds);
  }

  /**
   * Marks runs that were left queued or running by a page that closed or crashed as
   * `interrupted`. Call on start. A run is alive while its Web Lock is held (in any tab) or,
   * where Web Locks are missing, while its heartbeat is younger than `staleAfterMs`.
   */
  async recoverInterrupted(workspaceId?: string): Promise<RunRecord[]> {
    const workspaces = workspaceId
      ? [workspaceId]
      : (await this.store.listWorkspaces()).map((workspace) => workspace.id);
    const held = this.locks
      ? new Set(((await this.locks.query()).held ?? []).map((lock) => lock.name))
      : null;
    const now = this.store.now();
    const interrupted: RunRecord[] = [];
    for (const id of workspaces) {
      for (const run of await listRunRecords(this.store, id)) {
        if (!isActiveRun(run) || liveRuns.has(run.id)) continue;
        const lastSeen = run.heartbeatAt ?? run.startedAt ?? run.queuedAt ?? run.createdAt;
        if (held ? held.has(runLockName(run.id)) : now - lastSeen < this.settings.staleAfterMs) {
          continue;
        }
        try {
          interrupted.push(
            await endRun(this.store, run.id, 'interrupted', {
              error: 'The page running this run was closed or crashed before the run ended.',
              endedAt: Math.min(now, Math.max(lastSeen, run.startedAt ?? lastSeen)),
            }),
          );
        } catch (error) {
          // It ended on its own between the look-up and the write.
          if (!(error instanceof StoreError && error.kind === 'immutable')) throw error;
        }
      }
    }
    return interrupted;
  }
}
