import { afterEach, describe, expect, it } from 'vitest';
import type { ForecastApi, ForecastProgress } from '../../../src/compute/forecast-api';
import { createForecastClient, type ForecastClient } from '../../../src/compute/forecast-client';
import { createForecastService } from '../../../src/compute/forecast-service';
import { inProcessEndpoint } from '../../../src/compute/in-process';
import { createPool } from '../../../src/compute/pool';
import { loadForecast } from '../../../src/core/forecast';
import { numberColumn, stringColumn, Table } from '../../../src/core/table';
import { seasonalSeries } from '../core/forecast/helpers';

function monthly(n: number) {
  const y = seasonalSeries(n, 5);
  const months = Array.from(
    { length: n },
    (_, t) => `${2000 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`,
  );
  return new Table([stringColumn('month', months), numberColumn('sales', y)]);
}

let client: ForecastClient | undefined;
afterEach(() => client?.close());

function forecaster(table: Table): ForecastClient {
  let clock = 0;
  client = createForecastClient(
    createPool<ForecastApi>({
      spawn: () =>
        inProcessEndpoint(
          createForecastService({
            now: () => (clock += 5),
            loadVersion: async () => table,
            initBackend: async () => undefined,
          }),
        ),
      size: 1,
      idleTimeoutMs: 60_000,
      cancelGraceMs: 60_000,
    }),
  );
  return client;
}

const request = {
  source: { kind: 'version' as const, versionId: 'v1' },
  time: 'month',
  target: 'sales',
  horizon: 6,
  metric: 'mase' as const,
  budgetSeconds: 600,
  seed: 2,
  families: ['snaive', 'naive', 'drift', 'theta'],
};

describe('forecast jobs over an in-process worker', () => {
  it('streams the search and ends with the view and a forecaster that forecasts again', async () => {
    const events: ForecastProgress[] = [];
    const job = forecaster(monthly(72)).start(request, (event) => events.push(event));
    await job.done;
    const types = events.map((event) => (event.type === 'search' ? event.event.type : event.type));
    const started = events[0];
    if (started?.type !== 'search' || started.event.type !== 'series-started') {
      throw new Error('the search did not start with its series');
    }
    // The four families, and theta on the log scale for this positive series.
    expect(started.event.candidates).toBe(5);
    expect(types.filter((type) => type === 'candidate-finished')).toHaveLength(5);
    expect(types.at(-2)).toBe('series-finished');
    expect(types.at(-1)).toBe('finished');
    const finished = events.at(-1);
    if (finished?.type !== 'finished') throw new Error('no result');
    const { view, saved } = finished.result;
    expect(view.frequency).toBe('monthly');
    expect(view.series[0]!.period).toBe(12);
    expect(view.series[0]!.mean).toHaveLength(6);
    const again = loadForecast(JSON.parse(JSON.stringify(saved))).series[0]!.forecast(6);
    expect(Array.from(again.result.mean)).toEqual(Array.from(view.series[0]!.mean));
    expect(Array.from(again.times)).toEqual(Array.from(view.series[0]!.futureTimes));
  });

  it('reports bad settings as a failure that names the column', async () => {
    const events: ForecastProgress[] = [];
    const job = forecaster(monthly(40)).start({ ...request, time: 'when' }, (event) =>
      events.push(event),
    );
    await job.done;
    expect(events).toEqual([
      {
        type: 'failed',
        error: expect.objectContaining({ kind: 'invalid-input', where: 'when' }) as unknown,
      },
    ]);
  });

  it('reports nothing once cancelled', async () => {
    const events: ForecastProgress[] = [];
    const job = forecaster(monthly(72)).start(request, (event) => events.push(event));
    job.cancel();
    await job.done;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([]);
  });
});
