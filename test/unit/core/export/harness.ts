import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { openOnnxModel } from '../../../../src/core/backend/onnx';
import { parseCsv } from '../../../../src/core/data';
import {
  exportOnnx,
  onnxFeeds,
  onnxInputs,
  type OnnxExportOptions,
} from '../../../../src/core/export';
import type { Predictor } from '../../../../src/core/model';
import { isNumberColumn, type Table } from '../../../../src/core/table';

/** The parity bound: 1e-5 relative, with a floor at float32's smallest step (denormals). */
export const RELATIVE = 1e-5;
const FLOOR = 1e-44;

export interface Parity {
  readonly rows: number;
  readonly bytes: number;
  readonly labelMismatches: number;
  /** Values outside the relative bound. */
  readonly outside: number;
  /** Values that differ from the lab's rounded to float32: 0 means bit-exact parity. */
  readonly notRounded: number;
  readonly maxAbs: number;
  /** The largest relative error among expected values of magnitude ≥ 1e-30. */
  readonly maxRel: number;
  readonly model: Uint8Array;
}

/** Exports `predictor`, runs the file in onnxruntime-web and compares it with the lab's predictions. */
export async function onnxParity(
  predictor: Predictor,
  table: Table,
  options: OnnxExportOptions = {},
): Promise<Parity> {
  const model = exportOnnx(predictor, options);
  const session = await openOnnxModel(model);
  const outputs = await session.run(onnxFeeds(onnxInputs(predictor, options), table));
  await session.release();
  let expected: Float64Array;
  let actual: Float32Array;
  let labelMismatches = 0;
  if (predictor.task === 'classification') {
    const labels = outputs.label?.data as string[];
    const column = predictor.predict(table);
    if (isNumberColumn(column)) throw new Error('a classifier predicted numbers');
    expect(labels).toHaveLength(table.rowCount);
    labels.forEach((label, i) => {
      if (label !== column.dictionary[column.codes[i] as number]) labelMismatches++;
    });
    expected = predictor.predictProba(table).proba;
    actual = outputs.probabilities?.data as Float32Array;
    expect(outputs.probabilities?.dims).toEqual([table.rowCount, predictor.classes?.length]);
  } else {
    const column = predictor.predict(table);
    if (!isNumberColumn(column)) throw new Error('a regressor predicted text');
    expected = column.values;
    actual = outputs.variable?.data as Float32Array;
    expect(outputs.variable?.dims).toEqual([table.rowCount, 1]);
  }
  expect(actual).toHaveLength(expected.length);
  let maxAbs = 0;
  let maxRel = 0;
  let outside = 0;
  let notRounded = 0;
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i] as number;
    const got = actual[i] as number;
    const error = Math.abs(got - want);
    if (!(error <= RELATIVE * Math.abs(want) + FLOOR)) outside++;
    if (got !== Math.fround(want)) notRounded++;
    maxAbs = Math.max(maxAbs, error);
    if (Math.abs(want) >= 1e-30) maxRel = Math.max(maxRel, error / Math.abs(want));
  }
  return {
    rows: table.rowCount,
    bytes: model.length,
    labelMismatches,
    outside,
    notRounded,
    maxAbs,
    maxRel,
    model,
  };
}

export function expectParity(parity: Parity) {
  expect(parity.labelMismatches).toBe(0);
  expect(parity.outside).toBe(0);
  expect(parity.maxRel).toBeLessThanOrEqual(RELATIVE);
}

/** A sample data set shipped with the lab, parsed as the lab parses it. */
export function sampleTable(file: string): Table {
  const bytes = readFileSync(new URL(`../../../../public/samples/${file}`, import.meta.url));
  const result = parseCsv(new Uint8Array(bytes));
  if (!result.ok) throw new Error(`${file}: ${result.error.message}`);
  return result.table;
}

/** Collects one line per parity check, printed once at the end of a test file. */
export class ParityLog {
  private readonly lines: string[] = [];

  add(name: string, parity: Parity) {
    this.lines.push(
      `${name.padEnd(44)} rows ${String(parity.rows).padStart(5)}  labels≠ ${parity.labelMismatches}` +
        `  max abs ${parity.maxAbs.toExponential(2)}  max rel ${parity.maxRel.toExponential(2)}` +
        `  ${(parity.bytes / 1024).toFixed(1)} KiB`,
    );
  }

  print(title: string) {
    if (this.lines.length) console.log(`${title}\n${this.lines.join('\n')}`);
  }
}
