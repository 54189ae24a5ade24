import { afterEach, describe, expect, it } from 'vitest';
import type {
  ForecastApi,
  ForecastFinished,
  ForecastProgress,
  ForecastRequest,
} from '../../../src/compute/forecast-api';
import { createForecastClient, type ForecastClient } from '../../../src/compute/forecast-client';
import { createForecastService } from '../../../src/compute/forecast-service';
import { inProcessEndpoint } from '../../../src/compute/in-process';
import { createPool } from '../../../src/compute/pool';
import { seededRandom } from '../../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../../src/core/table';

const DAY = 86_400_000;
const iso = (day: number) => new Date(Date.UTC(2024, 0, 1) + day * DAY).toISOString().slice(0, 10);
/** Promotions on an irregular schedule, so that no seasonal model can stand in for them. */
const promoOn = (day: number) => (day % 7 === 3 || day % 11 === 5 ? 1 : 0);

/** 80 days of sales lifted by 50 on promotion days, then `ahead` rows with the promotions only. */
function sales(ahead: number) {
  const random = seededRandom(11);
  const days = 80 + ahead;
  return new Table([
    stringColumn(
      'date',
      Array.from({ length: days }, (_, day) => iso(day)),
    ),
    numberColumn(
      'sales',
      Array.from({ length: days }, (_, day) =>
        day < 80 ? 200 + 50 * promoOn(day) + (random() - 0.5) * 6 : null,
      ),
    ),
    numberColumn(
      'promo',
      Array.from({ length: days }, (_, day) => promoOn(day)),
      'boolean',
    ),
  ]);
}

let client: ForecastClient | undefined;
afterEach(() => client?.close());

function forecaster(versions: Record<string, Table>): ForecastClient {
  let clock = 0;
  client = createForecastClient(
    createPool<ForecastApi>({
      spawn: () =>
        inProcessEndpoint(
          createForecastService({
            now: () => (clock += 5),
            loadVersion: async (id) => {
              const table = versions[id];
              if (!table) throw new Error(`no version ${id}`);
              return table;
            },
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

const request: ForecastRequest = {
  source: { kind: 'version', versionId: 'history' },
  time: 'date',
  target: 'sales',
  horizon: 14,
  // No season: the non-seasonal ARIMA search keeps the test quick.
  period: 1,
  metric: 'mase',
  budgetSeconds: 600,
  seed: 3,
  families: ['naive', 'arima'],
  features: ['promo'],
};

async function run(versions: Record<string, Table>, job: ForecastRequest) {
  const events: ForecastProgress[] = [];
  await forecaster(versions).start(job, (event) => events.push(event)).done;
  return events.at(-1)!;
}

function expectPromotionsFollowed(result: ForecastFinished) {
  const series = result.view.series[0]!;
  expect(series.best.label).toMatch(/^Regression on promo/);
  expect(series.leaderboard.some((entry) => entry.label.startsWith('Regression on promo'))).toBe(
    true,
  );
  series.futureTimes.forEach((time, i) => {
    const day = Math.round((time - Date.UTC(2024, 0, 1)) / DAY);
    expect(series.mean[i]! - 200).toBeCloseTo(50 * promoOn(day), -1);
  });
}

describe('forecast jobs with known-in-advance features', () => {
  it('reads the future promotions from the rows after the last target', async () => {
    const last = await run({ history: sales(14) }, request);
    if (last.type !== 'finished') throw new Error(JSON.stringify(last));
    expect(last.result.view.series[0]!.times).toHaveLength(80);
    expectPromotionsFollowed(last.result);
  });

  it('reads them from another dataset version', async () => {
    const future = new Table([
      stringColumn(
        'date',
        Array.from({ length: 14 }, (_, i) => iso(80 + i)),
      ),
      numberColumn(
        'promo',
        Array.from({ length: 14 }, (_, i) => promoOn(80 + i)),
      ),
    ]);
    const last = await run(
      { history: sales(0), future },
      { ...request, future: { kind: 'version', versionId: 'future' } },
    );
    if (last.type !== 'finished') throw new Error(JSON.stringify(last));
    expectPromotionsFollowed(last.result);
  });

  it('fails before searching when the future rows fall short, naming the step', async () => {
    const last = await run({ history: sales(10) }, request);
    expect(last).toEqual({
      type: 'failed',
      error: {
        kind: 'invalid-input',
        where: 'features',
        message: `The rows after the last target have no row for ${iso(90)} (step 11 of 14), ${iso(91)} (step 12 of 14), ${iso(92)} (step 13 of 14) and 1 more: the features need their values at every one of the 14 forecast steps.`,
      },
    });
  });
});
