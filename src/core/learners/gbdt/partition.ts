/**
 * Where a split sends rows. A row's code for the split feature is byte `shift / 8` of
 * `words[column + row]`; codes `0 … bin` go left, and so does the missing code when
 * `missingGoesLeft` is 1.
 */
export interface PartitionRule {
  readonly column: number;
  readonly shift: number;
  readonly bin: number;
  readonly missingCode: number;
  readonly missingGoesLeft: 0 | 1;
}

/**
 * Partitions `rowIndex[start … end - 1]` in place, stably (rows keep their order on each side);
 * returns where the right side starts. `scratch` needs room for the right side.
 */
export function partitionInPlace(
  words: Uint32Array,
  rule: PartitionRule,
  rowIndex: Uint32Array,
  start: number,
  end: number,
  scratch: Uint32Array,
): number {
  const { column, shift, bin, missingCode, missingGoesLeft } = rule;
  let leftEnd = start;
  let rightCount = 0;
  // Every row is written to both sides and only one cursor advances: no unpredictable branch.
  // Writing `rowIndex[leftEnd]` is safe because `leftEnd <= i`, a slot already read.
  for (let i = start; i < end; i++) {
    const row = rowIndex[i] as number;
    const code = ((words[column + row] as number) >>> shift) & 255;
    const goesLeft = (((bin - code) >>> 31) ^ 1) | (code === missingCode ? missingGoesLeft : 0);
    rowIndex[leftEnd] = row;
    scratch[rightCount] = row;
    leftEnd += goesLeft;
    rightCount += goesLeft ^ 1;
  }
  if (rowIndex.buffer instanceof ArrayBuffer) {
    rowIndex.set(scratch.subarray(0, rightCount), leftEnd);
  } else {
    // Shared memory: V8's bulk copy into it is slower than this loop.
    for (let i = 0; i < rightCount; i++) rowIndex[leftEnd + i] = scratch[i] as number;
  }
  return leftEnd;
}

/**
 * Partitions `rowIndex[from … to - 1]` into `left[from …]` and `right[from …]`, stably, without
 * writing to `rowIndex`; returns how many rows went left (the rest went right).
 */
export function partitionInto(
  words: Uint32Array,
  rule: PartitionRule,
  rowIndex: Uint32Array,
  from: number,
  to: number,
  left: Uint32Array,
  right: Uint32Array,
): number {
  const { column, shift, bin, missingCode, missingGoesLeft } = rule;
  let leftEnd = from;
  let rightEnd = from;
  for (let i = from; i < to; i++) {
    const row = rowIndex[i] as number;
    const code = ((words[column + row] as number) >>> shift) & 255;
    const goesLeft = (((bin - code) >>> 31) ^ 1) | (code === missingCode ? missingGoesLeft : 0);
    left[leftEnd] = row;
    right[rightEnd] = row;
    leftEnd += goesLeft;
    rightEnd += goesLeft ^ 1;
  }
  return leftEnd - from;
}
