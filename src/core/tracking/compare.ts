/**
 * Pure helpers behind the runs table and the compare view: ordering mixed values, finding the
 * params that differ, folding child runs under their parent, grouping repeated runs for
 * mean ± std, smoothing curves and placing runs on parallel-coordinates axes.
 */

export type TrackedValue = string | number | boolean | null;

/** The part of a run these helpers read. */
export interface ComparableRun {
  id: string;
  params: Readonly<Record<string, TrackedValue>>;
  /** Each metric's final value (null when it was not finite). */
  metrics: Readonly<Record<string, number | null>>;
}

const typeRank = (value: unknown) =>
  typeof value === 'number'
    ? 0
    : typeof value === 'boolean'
      ? 1
      : typeof value === 'string'
        ? 2
        : 3;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * A total order for table cells: numbers by value, then booleans, then text (with numbers in it
 * ordered numerically); missing values (null, undefined, NaN) always sort last, whatever the
 * direction, so a sort never buries the runs that have the column behind the ones that lack it.
 */
export function compareValues(a: unknown, b: unknown, direction: 'asc' | 'desc' = 'asc'): number {
  const missingA = a === null || a === undefined || (typeof a === 'number' && Number.isNaN(a));
  const missingB = b === null || b === undefined || (typeof b === 'number' && Number.isNaN(b));
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  const sign = direction === 'asc' ? 1 : -1;
  const rank = typeRank(a) - typeRank(b);
  if (rank) return sign * rank;
  if (typeof a === 'number') return sign * (a - (b as number) || 0);
  if (typeof a === 'boolean') return sign * (Number(a) - Number(b));
  return sign * collator.compare(String(a), String(b));
}

/** The same value as a key: 1 and "1" differ, and every missing value is one key. */
export function valueKey(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'number') return Number.isNaN(value) ? '∅' : `n:${value}`;
  return `${typeof value}:${String(value)}`;
}

/** Every key that appears in any of the records, sorted. */
export function unionKeys(records: readonly Readonly<Record<string, unknown>>[]): string[] {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) keys.add(key);
  return [...keys].sort(collator.compare);
}

/**
 * Splits the keys of the records into those whose value is not the same in every record and
 * those that are. A key missing from some records differs from one present with a value.
 */
export function splitDiffering(records: readonly Readonly<Record<string, unknown>>[]): {
  differing: string[];
  same: string[];
} {
  const differing: string[] = [];
  const same: string[] = [];
  for (const key of unionKeys(records)) {
    const first = valueKey(records[0]?.[key]);
    if (records.every((record) => valueKey(record[key]) === first)) same.push(key);
    else differing.push(key);
  }
  return { differing, same };
}

/** The params and the metrics that differ between runs. */
export function diffRuns(runs: readonly ComparableRun[]) {
  return {
    params: splitDiffering(runs.map((run) => run.params)),
    metrics: splitDiffering(runs.map((run) => run.metrics)),
  };
}

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1); null for a single value. */
  std: number | null;
  n: number;
}

/** Mean and sample standard deviation of the finite values; null when there are none. */
export function meanStd(values: readonly (number | null | undefined)[]): MeanStd | null {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  // Welford's update: stable when the values are large and close together.
  for (const value of values) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    n += 1;
    const delta = value - mean;
    mean += delta / n;
    m2 += delta * (value - mean);
  }
  if (!n) return null;
  return { mean, std: n > 1 ? Math.sqrt(m2 / (n - 1)) : null, n };
}

export interface RepeatGroup {
  /** The params every run of the group shares (the ignored ones left out). */
  params: Record<string, TrackedValue>;
  runIds: string[];
  metrics: Record<string, MeanStd>;
}

/**
 * Groups runs that repeat the same params — by default ignoring `seed`, since repeating a
 * configuration with other seeds is what makes a spread meaningful — and summarises each metric
 * as mean ± std. Only groups of two or more runs are returned, largest first, then by first run.
 */
export function repeatGroups(
  runs: readonly ComparableRun[],
  options: { ignore?: readonly string[] } = {},
): RepeatGroup[] {
  const ignore = new Set(options.ignore ?? ['seed']);
  const groups = new Map<string, { params: Record<string, TrackedValue>; runs: ComparableRun[] }>();
  for (const run of runs) {
    const params: Record<string, TrackedValue> = {};
    for (const key of Object.keys(run.params).sort()) {
      if (!ignore.has(key)) params[key] = run.params[key] as TrackedValue;
    }
    const key = Object.entries(params)
      .map(([name, value]) => `${name}=${valueKey(value)}`)
      .join('\u0000');
    const group = groups.get(key);
    if (group) group.runs.push(run);
    else groups.set(key, { params, runs: [run] });
  }
  return [...groups.values()]
    .filter((group) => group.runs.length > 1)
    .sort((a, b) => b.runs.length - a.runs.length)
    .map((group) => {
      const metrics: Record<string, MeanStd> = {};
      for (const name of unionKeys(group.runs.map((run) => run.metrics))) {
        const summary = meanStd(group.runs.map((run) => run.metrics[name]));
        if (summary) metrics[name] = summary;
      }
      return { params: group.params, runIds: group.runs.map((run) => run.id), metrics };
    });
}

export interface TreeRow<T> {
  item: T;
  depth: number;
  /** How many children it has among the items. */
  children: number;
}

/**
 * Orders items so that each child follows its parent (children in their given order) and
 * reports each one's depth. An item whose parent is not among the items is shown at the top;
 * `collapsed` parents keep their children out. A parent cycle (which the store never writes)
 * cannot loop: each item is placed at most once.
 */
export function foldByParent<T extends { id: string; parentRunId: string | null }>(
  items: readonly T[],
  collapsed: ReadonlySet<string> = new Set(),
): TreeRow<T>[] {
  const ids = new Set(items.map((item) => item.id));
  const children = new Map<string, T[]>();
  const roots: T[] = [];
  for (const item of items) {
    const parent = item.parentRunId;
    if (parent && parent !== item.id && ids.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(item);
      else children.set(parent, [item]);
    } else roots.push(item);
  }
  const rows: TreeRow<T>[] = [];
  const placed = new Set<string>();
  const visit = (item: T, depth: number) => {
    if (placed.has(item.id)) return;
    placed.add(item.id);
    const kids = children.get(item.id) ?? [];
    rows.push({ item, depth, children: kids.length });
    if (collapsed.has(item.id)) {
      for (const kid of kids) markPlaced(kid);
      return;
    }
    for (const kid of kids) visit(kid, depth + 1);
  };
  const markPlaced = (item: T) => {
    if (placed.has(item.id)) return;
    placed.add(item.id);
    for (const kid of children.get(item.id) ?? []) markPlaced(kid);
  };
  for (const root of roots) visit(root, 0);
  // Items only reachable through a cycle.
  for (const item of items) if (!placed.has(item.id)) visit(item, 0);
  return rows;
}

/** Every descendant of the given runs among the items (the runs themselves not included). */
export function descendants<T extends { id: string; parentRunId: string | null }>(
  items: readonly T[],
  ids: Iterable<string>,
): T[] {
  const byParent = new Map<string, T[]>();
  for (const item of items) {
    if (!item.parentRunId) continue;
    const list = byParent.get(item.parentRunId);
    if (list) list.push(item);
    else byParent.set(item.parentRunId, [item]);
  }
  const found = new Map<string, T>();
  const queue = [...ids];
  const start = new Set(queue);
  while (queue.length) {
    const id = queue.pop() as string;
    for (const child of byParent.get(id) ?? []) {
      if (found.has(child.id) || start.has(child.id)) continue;
      found.set(child.id, child);
      queue.push(child.id);
    }
  }
  return [...found.values()];
}

/**
 * Exponential moving average with TensorBoard's debiasing, so the first points are not pulled
 * towards zero. `weight` in [0, 1): 0 returns the values, 0.9 smooths heavily. Non-finite
 * values stay where they are and do not enter the average.
 */
export function smoothEma(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  const w = Math.min(Math.max(weight, 0), 0.999);
  let last = 0;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) {
      out[i] = value;
      continue;
    }
    last = last * w + (1 - w) * value;
    finite += 1;
    out[i] = w === 0 ? value : last / (1 - w ** finite);
  }
  return out;
}

export type Axis =
  | { key: string; kind: 'number'; min: number; max: number; log: boolean }
  | { key: string; kind: 'category'; values: string[] };

const LOG_SPAN = 1000;

/**
 * An axis over the given values: numeric when every present value is a number, else one point
 * per distinct value (sorted). A numeric axis whose positive values span three decades or more
 * is logarithmic, as learning rates and regularisation strengths usually are.
 */
export function axisFor(key: string, values: readonly unknown[]): Axis {
  const present = values.filter(
    (value) =>
      value !== null &&
      value !== undefined &&
      !(typeof value === 'number' && !Number.isFinite(value)),
  );
  if (present.length && present.every((value) => typeof value === 'number')) {
    const numbers = present as number[];
    let min = Infinity;
    let max = -Infinity;
    for (const value of numbers) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    return { key, kind: 'number', min, max, log: min > 0 && max / min >= LOG_SPAN };
  }
  const distinct = [...new Set(present.map((value) => String(value)))].sort(collator.compare);
  return { key, kind: 'category', values: distinct };
}

/** Where a value lies on an axis, from 0 (bottom) to 1 (top); null when it is missing. */
export function axisPosition(axis: Axis, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (axis.kind === 'category') {
    const index = axis.values.indexOf(String(value));
    if (index < 0) return null;
    return axis.values.length === 1 ? 0.5 : index / (axis.values.length - 1);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (axis.max === axis.min) return 0.5;
  if (axis.log) {
    if (value <= 0) return null;
    return (Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min));
  }
  return (value - axis.min) / (axis.max - axis.min);
}

export interface ParallelCoordinates {
  axes: Axis[];
  /** One line per run: its position on each axis (null where it has no value). */
  lines: { id: string; positions: (number | null)[] }[];
}

/**
 * Places runs on parallel axes: the given params first, then the metric as the last axis, the
 * one the lines are coloured by.
 */
export function parallelCoordinates(
  runs: readonly ComparableRun[],
  params: readonly string[],
  metric: string,
): ParallelCoordinates {
  const read = (run: ComparableRun, index: number): unknown =>
    index < params.length ? run.params[params[index] as string] : run.metrics[metric];
  const keys = [...params, metric];
  const axes = keys.map((key, index) =>
    axisFor(
      key,
      runs.map((run) => read(run, index)),
    ),
  );
  const lines = runs.map((run) => ({
    id: run.id,
    positions: axes.map((axis, index) => axisPosition(axis, read(run, index))),
  }));
  return { axes, lines };
}

/**
 * The quantity a metric measures, without its fold prefix or split: `fold2/val_loss` → `loss`.
 * A run page draws one family per chart, so training and validation curves (and every fold's)
 * share their axes.
 */
export function metricFamily(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return base.replace(/^(?:val|valid|validation|train|test)_(?=.)/, '');
}

/** Metric names grouped by family, families and names sorted. */
export function groupByFamily(names: readonly string[]): { family: string; names: string[] }[] {
  const families = new Map<string, string[]>();
  for (const name of names) {
    const family = metricFamily(name);
    const list = families.get(family);
    if (list) list.push(name);
    else families.set(family, [name]);
  }
  return [...families]
    .sort(([a], [b]) => collator.compare(a, b))
    .map(([family, members]) => ({ family, names: [...members].sort(collator.compare) }));
}
