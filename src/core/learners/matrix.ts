import type { Matrix } from './types';

export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  const values = new Float32Array(rows * cols);
  if (data) {
    if (data.length !== rows * cols) {
      throw new Error(`A ${rows}×${cols} matrix needs ${rows * cols} values, got ${data.length}.`);
    }
    values.set(data);
  }
  return { rows, cols, data: values };
}

/** Builds a matrix from rows of numbers (tests, small data). */
export const fromRows = (rows: readonly (readonly number[])[]): Matrix =>
  matrix(rows.length, rows[0]?.length ?? 0, rows.flat());

export function takeRows(x: Matrix, rows: ArrayLike<number>): Matrix {
  const out = new Float32Array(rows.length * x.cols);
  for (let i = 0; i < rows.length; i++) {
    const start = (rows[i] as number) * x.cols;
    out.set(x.data.subarray(start, start + x.cols), i * x.cols);
  }
  return { rows: rows.length, cols: x.cols, data: out };
}
