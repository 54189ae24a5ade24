// A shipped sample as the forecast benchmarks read it, shared by forecast.ts and arima.ts (not a
// benchmark itself: scripts/bench.mjs runs only the files directly in scripts/bench).
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../../src/core/data';
import { buildSeries } from '../../../src/core/forecast/series';

/**
 * A shipped sample on its regular grid (gaps interpolated, as the command line does), so that R
 * sees the same series as we do: R's ts() would silently close the gaps and shift the season.
 */
export function readSample(
  file: string,
  time: string,
  target: string,
): { times: (string | number)[]; values: number[] } {
  const parsed = parseCsv(new Uint8Array(readFileSync(file)));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.error.message}`);
  const { axis, series } = buildSeries(parsed.table, { time, target });
  const [only] = series;
  return {
    times: Array.from(only!.times, (value) => axis.format(value)),
    values: Array.from(only!.values),
  };
}
