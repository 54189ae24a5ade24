import { drift, meanForecaster, naive, snaive } from '../core/forecast/baselines';
import { calendarFeatures } from '../core/forecast/calendar';
import { croston } from '../core/forecast/croston';
import { EnsembleForecast } from '../core/forecast/ensemble';
import { ets } from '../core/forecast/ets';
import { arima } from '../core/forecast/arima';
import {
  checkHorizon,
  checkLevels,
  DEFAULT_LEVELS,
  numbersField,
} from '../core/forecast/intervals';
import { normalQuantile } from '../core/forecast/stats';
import { createStlForecaster } from '../core/forecast/stlf';
import { theta } from '../core/forecast/theta';
import { TimeAxis } from '../core/forecast/time-axis';
import {
  CleanedForecast,
  FlooredForecast,
  savedScaleFactor,
  savedWidening,
  ScaledForecast,
  WidenedForecast,
  withBoxCox,
} from '../core/forecast/transformed';
import { trend } from '../core/forecast/trend';
import type {
  FittedForecaster,
  Forecaster,
  ForecasterJSON,
  ForecastResult,
} from '../core/forecast/types';
import type { EmbedError } from './errors';
import type { compileModel } from './model';
import type { BunsenModel, ForecastModel, ForecastOptions, ForecastPoint } from './types';

/**
 * The forecasting path, loaded only when a model is a saved forecaster (`bunsen-forecast`). The
 * statistical families (naive, seasonal naive, drift, mean, Croston, ETS, ARIMA, theta, trend, STL) are
 * restored with the lab's own classes from `src/core/forecast`, so a forecast here is the lab's
 * forecast, interval for interval. Regression on lags is evaluated here: the lab's class
 * predicts with `Model` (and so pulls in every learner's training code), while this one runs its
 * fitted learners through the runtime's `compileModel`.
 *
 * Like the ONNX path it imports no values from the rest of the runtime, which hands it what it
 * shares (a bundler would otherwise split the shared modules into a third file).
 */

export interface ForecastKit {
  readonly compileModel: typeof compileModel;
  readonly EmbedError: typeof EmbedError;
}

interface Layout {
  readonly lags: number;
  readonly windows: readonly number[];
  readonly period: number;
  readonly harmonics: number;
  readonly regressors: number;
  /** The least unit of the features; absent in models saved before it. */
  readonly floor?: number;
}

interface LagSettings {
  readonly learner: string;
  readonly strategy: 'recursive' | 'direct';
  readonly horizon: number;
}

const LAG_LEARNER_NAMES: Record<string, string> = {
  gbdt: 'Boosted trees',
  forest: 'Random forest',
  linear: 'Ridge regression',
};

/**
 * The mean absolute one-step change over the window ending at t, but no less than the layout's
 * floor (as `lagreg.ts` computes it).
 */
function localScale(y: Float64Array, t: number, layout: Layout): number {
  let sum = 0;
  let count = 0;
  for (let k = Math.max(1, t - layout.lags + 1); k <= t; k++) {
    sum += Math.abs(y[k]! - y[k - 1]!);
    count++;
  }
  const scale = Math.max(count ? sum / count : 0, layout.floor ?? 0);
  return scale > 1e-12 * (Math.abs(y[t]!) + 1) ? scale : Math.abs(y[t]!) * 1e-3 || 1;
}

/** The features for predicting step `target` from the history up to index t, by name. */
function features(
  layout: Layout,
  names: readonly string[],
  y: Float64Array,
  t: number,
  target: number,
  regressors: Float64Array | undefined,
): Record<string, number> {
  const level = y[t]!;
  const scale = localScale(y, t, layout);
  const values: number[] = [];
  for (let k = 1; k < layout.lags; k++) values.push((y[t - k]! - level) / scale);
  for (const window of layout.windows) {
    let sum = 0;
    for (let k = 0; k < window; k++) sum += y[t - k]!;
    values.push((sum / window - level) / scale);
  }
  for (let harmonic = 1; harmonic <= layout.harmonics; harmonic++) {
    const phase = (2 * Math.PI * harmonic * (target % layout.period)) / layout.period;
    values.push(Math.sin(phase), Math.cos(phase));
  }
  for (let c = 0; c < layout.regressors; c++) {
    values.push(regressors![target * layout.regressors + c]!);
  }
  const row: Record<string, number> = {};
  names.forEach((name, i) => (row[name] = values[i]!));
  return row;
}

/** The split-conformal quantile, with the lab's normal tail beyond the calibrated scores. */
function conformalQuantile(sorted: Float64Array, level: number): number {
  const m = sorted.length;
  const rank = Math.ceil((m + 1) * (level / 100));
  if (rank <= m) return sorted[rank - 1]!;
  const top = sorted[m - 1]!;
  return top * (normalQuantile(0.5 + level / 200) / normalQuantile(1 - 0.5 / (m + 1)));
}

/** Regression on lags (`lagreg.ts`), its learners compiled by the runtime. */
function restoreLagRegression(json: ForecasterJSON, kit: ForecastKit): FittedForecaster {
  const layout = json.layout as Layout | undefined;
  const settings = json.settings as LagSettings | undefined;
  const names = json.names;
  if (
    !layout ||
    !settings ||
    !Array.isArray(json.models) ||
    !Array.isArray(names) ||
    names.length !==
      layout.lags - 1 + layout.windows.length + 2 * layout.harmonics + layout.regressors
  ) {
    throw new kit.EmbedError(
      'The model file is damaged: its lag regression model lacks its layout, settings, feature names or learners.',
    );
  }
  const models: BunsenModel[] = json.models.map((model, i) =>
    kit.compileModel(model, `lag regression learner ${i + 1}`),
  );
  const history = numbersField(json, 'history');
  const scales = numbersField(json, 'scales');
  const normalized = numbersField(json, 'normalized');
  // Per learner, the least and the greatest change it predicts (absent in older files).
  const limits = json.limits === undefined ? null : numbersField(json, 'limits');
  if (limits && limits.length !== 2 * models.length) {
    throw new kit.EmbedError(
      'The model file is damaged: its lag regression model has change limits for another number of learners.',
    );
  }
  const predict = (index: number, row: Record<string, number>) => {
    const value = (models[index]!.predict([row])[0] as { value: number }).value;
    return limits ? Math.max(limits[2 * index]!, Math.min(limits[2 * index + 1]!, value)) : value;
  };

  const path = (h: number, regressors: Float64Array | undefined): Float64Array => {
    const n = history.length;
    const out = new Float64Array(h);
    if (settings.strategy === 'direct') {
      for (let step = 1; step <= h; step++) {
        const row = features(layout, names, history, n - 1, n - 1 + step, regressors);
        const scale = localScale(history, n - 1, layout);
        out[step - 1] = history[n - 1]! + predict(step - 1, row) * scale;
      }
      return out;
    }
    const y = new Float64Array(n + h);
    y.set(history);
    for (let step = 1; step <= h; step++) {
      const t = n - 2 + step;
      const row = features(layout, names, y, t, t + 1, regressors);
      y[t + 1] = y[t]! + predict(0, row) * localScale(y, t, layout);
      out[step - 1] = y[t + 1]!;
    }
    return out;
  };

  return {
    model: 'lagreg',
    label: `${LAG_LEARNER_NAMES[settings.learner] ?? settings.learner} on ${layout.lags} lags, ${settings.strategy}`,
    params: { learner: settings.learner, strategy: settings.strategy, lags: layout.lags },
    fitted: new Float64Array(0),
    forecast(h, levels = DEFAULT_LEVELS, futureRegressors): ForecastResult {
      checkHorizon(h);
      checkLevels(levels);
      if (settings.strategy === 'direct' && h > settings.horizon) {
        throw new kit.EmbedError(
          `This model forecasts at most ${settings.horizon} steps ahead (it learned each step separately), not ${h}.`,
        );
      }
      const width = layout.regressors;
      if (width && (!futureRegressors || futureRegressors.length < h * width)) {
        throw new kit.EmbedError(
          `Forecasting ${h} steps needs ${h} future rows of the ${width} regressors.`,
        );
      }
      // Regressor rows are indexed by step from the start of the history; only future ones are read.
      let rows: Float64Array | undefined;
      if (width && futureRegressors) {
        rows = new Float64Array((history.length + h) * width);
        rows.set(futureRegressors.subarray(0, h * width), history.length * width);
      }
      const mean = path(h, rows);
      const horizon = scales.length;
      return {
        mean,
        intervals: levels.map((level) => {
          const q = conformalQuantile(normalized, level);
          const lo = new Float64Array(h);
          const hi = new Float64Array(h);
          for (let i = 0; i < h; i++) {
            // Beyond the calibrated steps the width grows like a random walk's.
            const scale =
              i < horizon ? scales[i]! : scales[horizon - 1]! * Math.sqrt((i + 1) / horizon);
            lo[i] = mean[i]! - q * scale;
            hi[i] = mean[i]! + q * scale;
          }
          return { level, lo, hi };
        }),
      };
    },
    toJSON: () => json,
  };
}

const BASE: Record<string, Forecaster> = {
  naive,
  snaive,
  drift,
  mean: meanForecaster,
  croston,
  theta,
  trend,
  ets,
  arima,
};
const FAMILIES: Record<string, Forecaster> = {
  ...BASE,
  stl: createStlForecaster((name) => BASE[name]),
};

/** A saved model of any family, as `restoreForecaster` in `src/core/forecast/registry.ts`. */
function restore(json: unknown, kit: ForecastKit, path: string): FittedForecaster {
  const value = json as ForecasterJSON | null;
  if (!value || typeof value !== 'object' || typeof value.model !== 'string') {
    throw new kit.EmbedError(`The model file is damaged: ${path} should be a forecasting model.`);
  }
  if (value.model === 'ensemble') {
    if (!Array.isArray(value.members) || !value.members.length) {
      throw new kit.EmbedError(`The model file is damaged: ${path}.members should list models.`);
    }
    return new EnsembleForecast(
      value.members.map((member, i) => restore(member, kit, `${path}.members[${i}]`)),
    );
  }
  if (value.model === 'boxcox') {
    const lambda = Number(value.lambda);
    if (!Number.isFinite(lambda)) {
      throw new kit.EmbedError(`The model file is damaged: ${path}.lambda should be a number.`);
    }
    return withBoxCox(restore(value.inner, kit, `${path}.inner`), lambda);
  }
  if (value.model === 'floor') {
    const floor = Number(value.floor);
    if (!Number.isFinite(floor)) {
      throw new kit.EmbedError(`The model file is damaged: ${path}.floor should be a number.`);
    }
    return new FlooredForecast(restore(value.inner, kit, `${path}.inner`), floor);
  }
  if (value.model === 'scaled') {
    const factor = savedScaleFactor(value.factor);
    if (factor === null) {
      throw new kit.EmbedError(
        `The model file is damaged: ${path}.factor should be a power of two.`,
      );
    }
    return new ScaledForecast(restore(value.inner, kit, `${path}.inner`), factor);
  }
  if (value.model === 'widened') {
    const factor = savedWidening(value.factor);
    if (factor === null) {
      throw new kit.EmbedError(
        `The model file is damaged: ${path}.factor should be a number of at least 1.`,
      );
    }
    return new WidenedForecast(restore(value.inner, kit, `${path}.inner`), factor);
  }
  if (value.model === 'cleaned') {
    const replaced = Number(value.replaced);
    if (!Number.isInteger(replaced) || replaced < 0) {
      throw new kit.EmbedError(
        `The model file is damaged: ${path}.replaced should be a whole number.`,
      );
    }
    return new CleanedForecast(restore(value.inner, kit, `${path}.inner`), replaced);
  }
  if (value.model === 'lagreg') return restoreLagRegression(value, kit);
  const family = Object.hasOwn(FAMILIES, value.model) ? FAMILIES[value.model] : undefined;
  if (!family?.restore) {
    throw new kit.EmbedError(
      `${path} is a “${value.model}” model, which this runtime cannot forecast with (it knows ${[...Object.keys(FAMILIES), 'lagreg', 'ensemble', 'boxcox', 'cleaned', 'floor', 'scaled', 'widened'].join(', ')}).`,
    );
  }
  return family.restore(value);
}

interface SavedSeriesEntry {
  readonly id: string | null;
  readonly start: number;
  readonly length: number;
  readonly calendar: boolean;
  /** Whether the model reads the file's known-in-advance `features` (`SavedSeries.features`). */
  readonly features?: boolean;
  readonly model: unknown;
}

/** Runs core code, whose errors (TrainingError) become the runtime's. */
function guarded<T>(kit: ForecastKit, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof kit.EmbedError) throw error;
    throw new kit.EmbedError((error as Error).message);
  }
}

/** Compiles a saved forecast (`SavedForecast` in `src/core/forecast/saved.ts`). */
export function createForecastModel(json: unknown, kit: ForecastKit): ForecastModel {
  const saved = json as Record<string, unknown> | null;
  const damaged = (field: string, expected: string): never => {
    throw new kit.EmbedError(`The model file is damaged: ${field} should be ${expected}.`);
  };
  if (!saved || saved.format !== 'bunsen-forecast' || saved.version !== 1) {
    damaged('format', '“bunsen-forecast” version 1');
  }
  const entries = saved!.series as SavedSeriesEntry[];
  if (!Array.isArray(entries) || !entries.length) damaged('series', 'a list of series');
  const axis = guarded(kit, () => TimeAxis.fromJSON(saved!.axis));
  const series = entries.map((entry, i) => {
    const path = `series[${i}]`;
    if (!entry || typeof entry !== 'object') damaged(path, 'a series');
    if (!Number.isInteger(entry.start) || !Number.isInteger(entry.length) || entry.length < 1) {
      damaged(`${path}.start`, 'whole numbers start and length');
    }
    if (entry.features !== undefined && typeof entry.features !== 'boolean') {
      damaged(`${path}.features`, 'true or false');
    }
    if (entry.features) {
      // Such a model forecasts only from the future values of those columns, which a page has
      // no way to hand this runtime yet: refusing at load beats forecasts from made-up values.
      const names = Array.isArray(saved!.features)
        ? saved!.features.filter((name): name is string => typeof name === 'string')
        : [];
      const of = entry.id === null ? '' : ` of “${String(entry.id)}”`;
      throw new kit.EmbedError(
        names.length
          ? `The model${of} forecasts from the future values of ${names.map((name) => `“${name}”`).join(', ')}, which the embedded runtime cannot take yet; forecast it in the lab or with the command line, or save a search without those columns.`
          : `The model${of} reads known-in-advance features, but the file does not name them.`,
      );
    }
    const model = guarded(kit, () => restore(entry.model, kit, `${path}.model`));
    return { id: entry.id === null ? null : String(entry.id), entry, model };
  });
  const text = (field: string) =>
    typeof saved![field] === 'string' ? (saved![field] as string) : '';
  const horizon = Number(saved!.horizon);
  return {
    kind: 'forecast',
    target: text('target'),
    time: text('time'),
    frequency: text('frequency') || axis.name,
    horizon: Number.isInteger(horizon) && horizon > 0 ? horizon : 1,
    series: series.map((item) => item.id),
    labels: series.map((item) => item.model.label),
    forecast(h: number, options: ForecastOptions = {}): ForecastPoint[] {
      const level = options.level ?? 80;
      if (!Number.isInteger(h) || h < 1 || h > 10_000) {
        throw new kit.EmbedError(`The horizon must be a whole number from 1 to 10000, got ${h}.`);
      }
      if (!(level > 0 && level < 100)) {
        throw new kit.EmbedError(
          `The interval level is a percentage between 0 and 100, got ${level}.`,
        );
      }
      const chosen =
        options.series === undefined
          ? series
          : series.filter((item) => item.id === String(options.series));
      if (!chosen.length) {
        throw new kit.EmbedError(
          `There is no series “${options.series}”; the model forecasts ${series.map((item) => `“${item.id}”`).join(', ')}.`,
        );
      }
      // The lab forecasts at 80 and 95 %; asking for the same levels gives the same numbers even
      // for models whose intervals are simulated.
      const levels = DEFAULT_LEVELS.includes(level) ? DEFAULT_LEVELS : [level];
      return chosen.flatMap(({ id, entry, model }) => {
        const end = entry.start + entry.length;
        const times = Float64Array.from({ length: h }, (_, i) => axis.timeAt(end + i));
        const calendar = entry.calendar ? calendarFeatures(axis, times) : undefined;
        const regressors = calendar?.names.length ? calendar.x : undefined;
        const result = guarded(kit, () => model.forecast(h, levels, regressors));
        const interval = result.intervals.find((item) => item.level === level)!;
        return Array.from(times, (time, i): ForecastPoint => ({
          ...(id !== null ? { series: id } : {}),
          time: axis.format(time),
          value: result.mean[i]!,
          lo: interval.lo[i]!,
          hi: interval.hi[i]!,
        }));
      });
    },
  };
}

// ── <bunsen-model> for a forecaster ──────────────────────────────────────────────────────────

const SVG = 'http://www.w3.org/2000/svg';
const STYLES = `
[part~=chart]{display:block;width:100%;height:auto;margin:.5rem 0}
[part~=band]{fill:var(--bunsen-band-color,var(--bunsen-bar-background,#e8590c33))}
[part~=line]{fill:none;stroke:var(--bunsen-accent,#e8590c);stroke-width:2;vector-effect:non-scaling-stroke}
[part~=table]{border-collapse:collapse;font-variant-numeric:tabular-nums;width:100%}
[part~=table] th,[part~=table] td{padding:.2rem .5rem;text-align:right;border-bottom:1px solid var(--bunsen-border-color,#8884)}
[part~=table] th:first-child,[part~=table] td:first-child{text-align:left}
`;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, value);
  created.append(...children);
  return created;
}

function svg(tag: string, attributes: Record<string, string>): SVGElement {
  const created = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, value);
  return created;
}

const number = (value: number) =>
  Number.isFinite(value) ? Number(value.toPrecision(6)).toLocaleString('en-US') : String(value);

/** The forecast as a line inside its interval band, scaled to the band's range. */
function chart(points: readonly ForecastPoint[], level: number): SVGElement {
  const width = 320;
  const height = 120;
  const low = Math.min(...points.map((p) => p.lo));
  const high = Math.max(...points.map((p) => p.hi));
  const span = high - low || 1;
  const x = (i: number) => (points.length > 1 ? (i / (points.length - 1)) * width : width / 2);
  const y = (value: number) => height - 4 - ((value - low) / span) * (height - 8);
  const line = (key: 'value' | 'lo' | 'hi', order: readonly number[]) =>
    order.map((i) => `${x(i).toFixed(2)},${y(points[i]![key]).toFixed(2)}`).join(' ');
  const forward = points.map((_, i) => i);
  const root = svg('svg', {
    part: 'chart',
    id: 'chart',
    viewBox: `0 0 ${width} ${height}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': `Forecast from ${points[0]!.time} to ${points.at(-1)!.time}, with its ${level}% interval`,
  });
  root.append(
    svg('polygon', {
      part: 'band',
      points: `${line('hi', forward)} ${line('lo', [...forward].reverse())}`,
    }),
    svg('polyline', { part: 'line', points: line('value', forward) }),
  );
  return root;
}

function table(points: readonly ForecastPoint[], time: string, level: number) {
  const head = element(
    'tr',
    {},
    ...[time || 'time', 'forecast', `lo ${level}%`, `hi ${level}%`].map((text) =>
      element('th', { scope: 'col' }, text),
    ),
  );
  const rows = points.map((point) =>
    element(
      'tr',
      {
        'data-time': String(point.time),
        'data-value': String(point.value),
        'data-lo': String(point.lo),
        'data-hi': String(point.hi),
      },
      element('td', {}, String(point.time)),
      element('td', {}, number(point.value)),
      element('td', {}, number(point.lo)),
      element('td', {}, number(point.hi)),
    ),
  );
  return element(
    'table',
    { part: 'table', id: 'forecast' },
    element('thead', {}, head),
    element('tbody', {}, ...rows),
  );
}

/**
 * Renders a forecaster into the element's shadow root: the number of steps, the series when
 * there are several, and on submit the forecast as a chart and a table. Calls `emit` with
 * `bunsen-forecast` ({ h, series, forecast }) or `bunsen-error` ({ error }).
 */
export function renderForecast(
  root: ShadowRoot,
  model: ForecastModel,
  options: { submitLabel: string | null; emit(type: string, detail: unknown): void },
): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function') {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else root.append(element('style', {}, STYLES));
  const horizon = element('input', {
    part: 'input',
    id: 'horizon',
    name: 'horizon',
    type: 'number',
    min: '1',
    max: '10000',
    step: '1',
    value: String(model.horizon),
  });
  const fields = element(
    'div',
    { part: 'fields' },
    element(
      'div',
      { part: 'field' },
      element('label', { part: 'label', for: 'horizon' }, `Steps ahead (${model.frequency})`),
      horizon,
    ),
  );
  let choice: HTMLSelectElement | undefined;
  if (model.series.length > 1) {
    choice = element(
      'select',
      { part: 'input select', id: 'series', name: 'series' },
      ...model.series.map((id) => element('option', { value: String(id) }, String(id))),
    );
    fields.append(
      element(
        'div',
        { part: 'field' },
        element('label', { part: 'label', for: 'series' }, 'Series'),
        choice,
      ),
    );
  }
  const submit = element(
    'button',
    { part: 'submit', id: 'submit', type: 'submit' },
    options.submitLabel ?? 'Forecast',
  );
  const form = element('form', { part: 'form', id: 'form', novalidate: '' }, fields, submit);
  const failure = element('p', { part: 'error', id: 'error', role: 'alert', hidden: '' });
  const result = element('section', {
    part: 'result',
    id: 'result',
    'aria-live': 'polite',
    hidden: '',
  });
  root.replaceChildren(form, failure, result);
  const level = 80;
  const run = () => {
    failure.hidden = true;
    const h = horizon.valueAsNumber;
    const series = choice?.value;
    try {
      const points = model.forecast(h, { level, ...(series === undefined ? {} : { series }) });
      result.replaceChildren(
        element(
          'p',
          { part: 'prediction' },
          element('span', { part: 'prediction-label' }, `${model.target}: `),
          element(
            'output',
            { part: 'prediction-value', id: 'prediction', for: 'form' },
            `${h} step${h === 1 ? '' : 's'} ahead, ${model.labels[Math.max(0, model.series.indexOf(series ?? null))] ?? ''}`,
          ),
        ),
        chart(points, level),
        table(points, model.time, level),
      );
      result.hidden = false;
      options.emit('bunsen-forecast', { h, series: series ?? null, forecast: points });
    } catch (error) {
      failure.textContent = (error as Error).message;
      failure.hidden = false;
      options.emit('bunsen-error', { error });
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  run();
}
