/**
 * Scores many rows with a loaded model, a chunk at a time: between chunks it reports progress,
 * yields to the event loop (so a page stays responsive and can cancel) and checks the signal.
 * Used by the lab to score a dataset version with the same runtime a deployment ships. Not part
 * of the runtime bundle.
 */
import { yieldToEventLoop } from '../core/errors/training-error';
import { EmbedError } from './errors';
import type { EmbeddedModel, Row } from './types';

/** Rows read one at a time, so a large table is never turned into objects all at once. */
export interface RowSource {
  readonly rowCount: number;
  readonly names: readonly string[];
  row(index: number): Row;
}

export interface BatchOptions {
  /** Rows per call to `predict`; 2,000 by default. */
  readonly chunkRows?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export type BatchScores =
  | {
      readonly task: 'classification';
      readonly classes: readonly string[];
      readonly labels: string[];
      /** Per class, in the order of `classes`; null when the model gives no probabilities. */
      readonly probabilities: Float64Array[] | null;
    }
  | { readonly task: 'regression'; readonly values: Float64Array };

/** The inputs the model reads that the rows lack, matched by name. */
export function missingInputs(model: EmbeddedModel, names: readonly string[]): string[] {
  const present = new Set(names);
  return model.signature.inputs.map((input) => input.name).filter((name) => !present.has(name));
}

/**
 * Predicts every row of `source`. Columns the model does not read are ignored; a missing input
 * column fails before anything runs, naming every missing column; a bad value fails naming its
 * row (counted from 1 over the whole source) and column.
 */
export async function scoreRows(
  model: EmbeddedModel,
  source: RowSource,
  options: BatchOptions = {},
): Promise<BatchScores> {
  const missing = missingInputs(model, source.names);
  if (missing.length) {
    throw new EmbedError(
      `The data lacks ${missing.length === 1 ? 'a column' : `${missing.length} columns`} the model reads: ` +
        `${missing.map((name) => `“${name}”`).join(', ')}. Columns are matched to the model's inputs by name.`,
      missing[0],
    );
  }
  const { classes, task } = model.signature;
  const total = source.rowCount;
  const chunk = Math.max(1, Math.floor(options.chunkRows ?? 2000));
  const labels: string[] = [];
  const values = new Float64Array(task === 'regression' ? total : 0);
  const k = classes?.length ?? 0;
  let probabilities: Float64Array[] | null =
    task === 'classification' ? Array.from({ length: k }, () => new Float64Array(total)) : null;
  options.onProgress?.(0, total);
  for (let start = 0; start < total; start += chunk) {
    options.signal?.throwIfAborted();
    const end = Math.min(total, start + chunk);
    const rows: Row[] = [];
    for (let i = start; i < end; i++) rows.push(source.row(i));
    let predictions;
    try {
      predictions = await model.predict(rows, { unknownColumns: 'ignore' });
    } catch (error) {
      throw atRow(error, start);
    }
    predictions.forEach((prediction, offset) => {
      const i = start + offset;
      if ('value' in prediction) {
        values[i] = prediction.value;
        return;
      }
      labels.push(prediction.label);
      if (!probabilities) return;
      if (!Object.keys(prediction.probabilities).length) {
        probabilities = null;
        return;
      }
      classes!.forEach((label, c) => {
        probabilities![c]![i] = prediction.probabilities[label] ?? NaN;
      });
    });
    options.onProgress?.(end, total);
    // A new task, so that the page handles input and paints between batches.
    if (end < total) await yieldToEventLoop();
  }
  return task === 'classification'
    ? { task, classes: classes!, labels, probabilities }
    : { task, values };
}

/** A row error of one chunk, renumbered over the whole source. */
function atRow(error: unknown, offset: number): unknown {
  if (!(error instanceof EmbedError) || error.row === undefined) return error;
  const row = offset + error.row;
  const detail = error.message.slice(error.message.indexOf(': ') + 2);
  return new EmbedError(
    `Row ${row + 1}${error.column === undefined ? '' : `, column “${error.column}”`}: ${detail}`,
    error.column,
    row,
  );
}
