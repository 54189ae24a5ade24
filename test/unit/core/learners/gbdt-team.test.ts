import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { binMatrix, codeAt } from '../../../../src/core/learners/gbdt/binning';
import { histogramLength } from '../../../../src/core/learners/gbdt/histogram';
import {
  SerialHistogramBuilder,
  type PartitionRule,
} from '../../../../src/core/learners/gbdt/histogram-builder';
import {
  CLAIM_PROTOCOL,
  SharedHistogramBuilder,
  type HistogramHelpers,
} from '../../../../src/core/learners/gbdt/histogram-team';
import { partitionInPlace, partitionInto } from '../../../../src/core/learners/gbdt/partition';
import { seededRandom } from '../../../../src/core/random';

const ROWS = 40_000;
const constraints = { l2: 0, minSamplesLeaf: 20, minHessian: 1e-3, hessianSlot: 1 } as const;
const COLS = 6;

function binned(seed: number) {
  const random = seededRandom(seed);
  const data = Float32Array.from({ length: ROWS * COLS }, () =>
    random() < 0.05 ? NaN : Math.floor(random() * 50),
  );
  return binMatrix({ rows: ROWS, cols: COLS, data }, 255, seededRandom(seed + 1));
}

function ruleFor(data: ReturnType<typeof binned>, feature: number, bin: number, left: 0 | 1) {
  return {
    column: (feature >> 2) * data.rows,
    shift: 8 * (feature & 3),
    bin,
    missingCode: data.missingBin[feature] as number,
    missingGoesLeft: left,
  } satisfies PartitionRule;
}

/** Which side each row goes to, straight from the definition. */
function goesLeft(
  data: ReturnType<typeof binned>,
  rule: PartitionRule,
  feature: number,
  row: number,
) {
  const code = codeAt(data, feature, row);
  return code === rule.missingCode ? rule.missingGoesLeft === 1 : code <= rule.bin;
}

describe('gbdt partitions', () => {
  it('keep row order on both sides, in place or into separate sides', () => {
    const data = binned(1);
    for (const [feature, bin, left] of [
      [0, 10, 0],
      [4, 30, 1],
      [5, 0, 1],
    ] as const) {
      const rule = ruleFor(data, feature, bin, left);
      const rows = Uint32Array.from({ length: ROWS }, (_, r) => r).filter((r) => r % 3 !== 1);
      const expectedLeft = rows.filter((r) => goesLeft(data, rule, feature, r));
      const expectedRight = rows.filter((r) => !goesLeft(data, rule, feature, r));
      const inPlace = Uint32Array.from([7, ...rows]);
      const leftEnd = partitionInPlace(
        data.words,
        rule,
        inPlace,
        1,
        inPlace.length,
        new Uint32Array(ROWS),
      );
      expect(leftEnd - 1).toBe(expectedLeft.length);
      expect(Array.from(inPlace.subarray(1, leftEnd))).toEqual(Array.from(expectedLeft));
      expect(Array.from(inPlace.subarray(leftEnd))).toEqual(Array.from(expectedRight));
      expect(inPlace[0]).toBe(7);

      const lefts = new Uint32Array(rows.length);
      const rights = new Uint32Array(rows.length);
      const from = 1000;
      const count = partitionInto(data.words, rule, rows, from, rows.length, lefts, rights);
      const tail = rows.subarray(from);
      expect(Array.from(lefts.subarray(from, from + count))).toEqual(
        Array.from(tail.filter((r) => goesLeft(data, rule, feature, r))),
      );
      expect(Array.from(rights.subarray(from, from + tail.length - count))).toEqual(
        Array.from(tail.filter((r) => !goesLeft(data, rule, feature, r))),
      );
    }
  });

  it('come out the same when shared with helpers that never deliver', async () => {
    const data = binned(2);
    const length = histogramLength(data.offsets, data.cols);
    const worker = new Worker(new URL('./gbdt-greedy-helper.mjs', import.meta.url));
    const messages: { ready?: boolean; claimed?: number[] }[] = [];
    let notify = () => {};
    worker.on('message', (message) => {
      messages.push(message);
      notify();
    });
    const next = () =>
      new Promise<{ ready?: boolean; claimed?: number[] }>((resolve) => {
        const take = () => {
          const message = messages.shift();
          if (message) resolve(message);
          else notify = take;
        };
        take();
      });
    const greedy: HistogramHelpers = {
      size: 1,
      share: (session) => worker.postMessage({ session, protocol: CLAIM_PROTOCOL }),
    };
    let partitionClaims = 0;
    try {
      // The helper races the training thread for tasks, so try fresh fits until it has taken
      // (and dropped) some partition blocks; every attempt must match the serial result. On a
      // loaded machine its thread may not run for many attempts (20 were once not enough).
      for (let attempt = 0; attempt < 400 && partitionClaims === 0; attempt++) {
        const serial = new SerialHistogramBuilder(data, false, length, constraints);
        const team = new SharedHistogramBuilder(data, false, length, greedy, constraints, 4);
        expect((await next()).ready).toBe(true);
        const rule = ruleFor(data, attempt % COLS, 3 + (attempt % 20), (attempt & 1) as 0 | 1);
        const rows = Uint32Array.from({ length: ROWS }, (_, r) => r).filter(
          (r) => r % 5 !== attempt % 5,
        );
        serial.rowIndex.set(rows);
        team.rowIndex.set(rows);
        const serialEnd = serial.partition(0, rows.length, rule);
        const teamEnd = team.partition(0, rows.length, rule);
        team.close();
        expect(teamEnd).toBe(serialEnd);
        expect(Array.from(team.rowIndex.subarray(0, rows.length))).toEqual(
          Array.from(serial.rowIndex.subarray(0, rows.length)),
        );
        partitionClaims += (await next()).claimed?.[1] ?? 0;
      }
      expect(partitionClaims).toBeGreaterThan(0);
    } finally {
      await worker.terminate();
    }
  });
});
