import type { ModelSignature, SignatureInput } from '../tracking/signature';
import type { SavedForecast } from './saved';

/**
 * The registry signature of a saved forecaster: it takes the time column (and the series
 * columns, with the series it knows, and the known-in-advance features it was searched with) and
 * gives the target, stepping at its frequency up to its horizon.
 */
export function forecastSignature(
  saved: SavedForecast,
  features: readonly string[] = [],
): ModelSignature {
  const ids = saved.series.map((series) => series.id).filter((id): id is string => id !== null);
  const single = saved.seriesColumns.length === 1;
  const inputs: SignatureInput[] = [
    { name: saved.time, type: saved.axis.kind === 'datetime' ? 'datetime' : 'number' },
    ...saved.seriesColumns.map((name): SignatureInput => ({
      name,
      type: 'category',
      ...(single && ids.length ? { allowed: [...ids].sort() } : {}),
    })),
    ...features.map((name): SignatureInput => ({ name, type: 'number' })),
  ];
  return {
    inputs,
    output: {
      kind: 'other',
      name: saved.target,
      forecast: { time: saved.time, frequency: saved.frequency, horizon: saved.horizon },
    },
  };
}
