import type { SavedForecast } from '../core/forecast/saved';
import type { EnsembleJSON, ModelJSON } from '../core/model/model';

export type Task = 'classification' | 'regression';

/** The lab's logical column types that a model can read. */
export type InputType = 'numeric' | 'integer' | 'boolean' | 'datetime' | 'categorical' | 'text';

export interface SignatureInput {
  readonly name: string;
  readonly type: InputType;
  /** Categorical inputs: the categories seen in training, sorted. Other values count as unseen. */
  readonly categories?: readonly string[];
  /** Datetime inputs: the finest unit of the training timestamps (picks a date or date-time field). */
  readonly resolution?: 'day' | 'hour' | 'minute';
}

/** What a model reads and what it predicts. */
export interface Signature {
  readonly target: string;
  readonly task: Task;
  /** Class labels in the order of the probabilities; null for regression. */
  readonly classes: readonly string[] | null;
  readonly inputs: readonly SignatureInput[];
}

/** A model exported to ONNX, stored next to the embed file. */
export interface OnnxModelReference {
  readonly format: 'onnx';
  /** The `.onnx` file, relative to the embed file. */
  readonly src: string;
}

/** `model.bunsen.json`: the file `bunsen export --format embed` writes. */
export interface EmbedFile {
  readonly format: 'bunsen-embed';
  readonly version: 1;
  readonly signature: Signature;
  readonly model: ModelJSON | EnsembleJSON | OnnxModelReference;
}

/**
 * A forecaster's embed file: the lab's saved forecast (`bunsen forecast --out` writes it as
 * forecast.json), which carries its own time grid, so it needs no signature.
 */
export interface ForecastEmbedFile {
  readonly format: 'bunsen-embed';
  readonly version: 1;
  readonly model: SavedForecast;
}

/** One input row: a value per input column (null, undefined or '' for a missing value). */
export type Row = Readonly<Record<string, unknown>>;

export interface ClassPrediction {
  readonly label: string;
  /** Probability of each class, keyed by class label. */
  readonly probabilities: Readonly<Record<string, number>>;
}

export interface ValuePrediction {
  readonly value: number;
}

export type Prediction = ClassPrediction | ValuePrediction;

export interface PredictOptions {
  /** Columns the model does not read are an error by default; `ignore` skips them. */
  readonly unknownColumns?: 'error' | 'ignore';
}

export interface EmbeddedModel {
  readonly signature: Signature;
  /** `bunsen` evaluates the lab's own format in plain JavaScript; `onnx` runs onnxruntime-web. */
  readonly kind: 'bunsen' | 'onnx';
  /** Predictions in row order; ONNX models return a promise (awaiting works for both). */
  predict(
    rows: readonly Row[],
    options?: PredictOptions,
  ): readonly Prediction[] | Promise<readonly Prediction[]>;
}

export interface BunsenModel extends EmbeddedModel {
  readonly kind: 'bunsen';
  predict(rows: readonly Row[], options?: PredictOptions): readonly Prediction[];
}

export interface OnnxModel extends EmbeddedModel {
  readonly kind: 'onnx';
  predict(rows: readonly Row[], options?: PredictOptions): Promise<readonly Prediction[]>;
}

/** Column values after reading rows: numbers (NaN when missing) or strings (null when missing). */
export type ColumnValues = Float64Array | readonly (string | null)[];

export const NUMBER_INPUTS: readonly InputType[] = ['numeric', 'integer', 'boolean', 'datetime'];

/** One step of a forecast: the point forecast and its prediction interval. */
export interface ForecastPoint {
  /** The series (the values of the series columns, joined), when the model forecasts several. */
  readonly series?: string;
  /** The step's time as the training data wrote it: ISO text for dates, else a number. */
  readonly time: string | number;
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
}

export interface ForecastOptions {
  /** The interval's coverage in percent (80 by default). */
  readonly level?: number;
  /** Forecast only this series (by its id); all of them by default. */
  readonly series?: string;
}

/** A saved forecaster: forecasts h steps after the end of its training data. */
export interface ForecastModel {
  readonly kind: 'forecast';
  readonly target: string;
  /** The name of the time column. */
  readonly time: string;
  /** The grid, in words (`monthly`, `every 15 minutes` …). */
  readonly frequency: string;
  /** The horizon the model was searched for: a sensible default for `forecast(h)`. */
  readonly horizon: number;
  /** One id per series (null for the only series of a table without series columns). */
  readonly series: readonly (string | null)[];
  /** The model of each series in words, e.g. `ETS(M,Ad,M)`. */
  readonly labels: readonly string[];
  /** Forecasts h steps of every series (or of `options.series`), series by series. */
  forecast(h: number, options?: ForecastOptions): readonly ForecastPoint[];
}

/** Whatever `load()` returns: a model that predicts rows, or a forecaster. */
export type LoadedModel = EmbeddedModel | ForecastModel;
