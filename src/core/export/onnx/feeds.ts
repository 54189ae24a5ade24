import type { OnnxFeed } from '../../backend/onnx';
import { isNumberColumn, type Table } from '../../table';
import { MISSING_STRING, type ModelInput } from './features';
import { unsupported } from './unsupported';

/**
 * The exported model's inputs for the rows of `table`: numbers as float32 or float64 (NaN where
 * missing), text with the empty text where missing, each `[rows, 1]`.
 */
export function onnxFeeds(inputs: readonly ModelInput[], table: Table): Record<string, OnnxFeed> {
  const feeds: Record<string, OnnxFeed> = {};
  const dims = [table.rowCount, 1];
  for (const input of inputs) {
    const column = table.column(input.name);
    if (input.elementType === 'string') {
      if (isNumberColumn(column)) {
        throw unsupported(input.name, 'the model reads text but the table holds numbers');
      }
      const data = Array.from(column.codes, (code) =>
        code < 0 ? MISSING_STRING : (column.dictionary[code] as string),
      );
      feeds[input.name] = { type: 'string', data, dims };
    } else {
      if (!isNumberColumn(column)) {
        throw unsupported(input.name, 'the model reads numbers but the table holds text');
      }
      feeds[input.name] =
        input.elementType === 'float'
          ? { type: 'float32', data: Float32Array.from(column.values), dims }
          : { type: 'float64', data: Float64Array.from(column.values), dims };
    }
  }
  return feeds;
}
