import type { StringColumn } from '../../table';
import type { LengthStats, TopValue } from './types';

export interface StringSummary {
  readonly count: number;
  readonly missing: number;
  readonly distinct: number;
  readonly top: TopValue[];
  readonly length: LengthStats | null;
  /** How often each dictionary code occurs. */
  readonly counts: Float64Array;
}

/** Counts per category straight from the codes: exact at any size. */
export function summarizeStrings(column: StringColumn, topValues: number): StringSummary {
  const { codes, dictionary } = column;
  const counts = new Float64Array(dictionary.length);
  let missing = 0;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code < 0) missing++;
    else counts[code] = (counts[code] as number) + 1;
  }
  const count = codes.length - missing;
  let distinct = 0;
  let characters = 0;
  let shortest = Infinity;
  let longest = 0;
  const topCodes: number[] = [];
  for (let code = 0; code < dictionary.length; code++) {
    const times = counts[code] as number;
    if (times === 0) continue;
    distinct++;
    const length = (dictionary[code] as string).length;
    characters += times * length;
    if (length < shortest) shortest = length;
    if (length > longest) longest = length;
    if (
      topCodes.length === topValues &&
      times <= (counts[topCodes[topValues - 1] as number] as number)
    ) {
      continue;
    }
    let at = topCodes.length;
    while (at > 0 && (counts[topCodes[at - 1] as number] as number) < times) at--;
    topCodes.splice(at, 0, code);
    if (topCodes.length > topValues) topCodes.pop();
  }
  return {
    count,
    missing,
    distinct,
    top: topCodes.map((code) => ({
      value: dictionary[code] as string,
      count: counts[code] as number,
    })),
    length: count === 0 ? null : { min: shortest, mean: characters / count, max: longest },
    counts,
  };
}
