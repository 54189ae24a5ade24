import { afterEach, describe, expect, it } from 'vitest';
import type { ExportApi, OnnxExportProgress } from '../../../../src/compute/export-api';
import { createExportClient, type ExportClient } from '../../../../src/compute/export-client';
import { createExportService } from '../../../../src/compute/export-service';
import { JobError } from '../../../../src/compute/errors';
import { inProcessEndpoint } from '../../../../src/compute/in-process';
import { createPool } from '../../../../src/compute/pool';
import { exportOnnx } from '../../../../src/core/export';
import { fit } from '../../../../src/core/model';
import { randomNormal, seededRandom } from '../../../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';

function table(rows: number, seed: number) {
  const rng = seededRandom(seed);
  const x: number[] = [];
  const words: string[] = [];
  const label: string[] = [];
  for (let i = 0; i < rows; i++) {
    const v = randomNormal(rng);
    x.push(v);
    words.push(i % 3 ? 'red note' : 'blue note');
    label.push(v > 0 ? 'up' : 'down');
  }
  return new Table([
    numberColumn('x', x),
    stringColumn('words', words, 'text'),
    stringColumn('label', label),
  ]);
}

let client: ExportClient | undefined;
afterEach(() => client?.close());

function exporter(): ExportClient {
  client = createExportClient(
    createPool<ExportApi>({
      spawn: () => inProcessEndpoint(createExportService()),
      size: 1,
      idleTimeoutMs: 60_000,
    }),
  );
  return client;
}

describe('ONNX export in the export worker', () => {
  it('writes the same file as the exporter on the page, reporting each step', async () => {
    const model = await fit(
      table(80, 1),
      { target: 'label', learner: 'gbdt', features: ['x'], params: { max_iter: 5 } },
      { rng: seededRandom(2) },
    );
    const progress: OnnxExportProgress[] = [];
    const outcome = await exporter().exportOnnx({
      model: JSON.parse(JSON.stringify(model.toJSON())),
      onProgress: (step) => progress.push(step),
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.inputs).toEqual(['x']);
    expect(Array.from(outcome.bytes)).toEqual(Array.from(exportOnnx(model)));
    expect(progress).toEqual([
      { phase: 'read' },
      { phase: 'export' },
      { phase: 'done', bytes: outcome.bytes.byteLength },
    ]);
  });

  it('says which part of a model ONNX cannot express, and why', async () => {
    const model = await fit(
      table(60, 3),
      {
        target: 'label',
        learner: 'linear',
        featurization: { columns: { words: { kind: 'tfidf' } } },
      },
      { rng: seededRandom(1) },
    );
    const outcome = await exporter().exportOnnx({ model: model.toJSON() });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'unsupported', part: 'words' } });
    if (outcome.ok) return;
    expect(outcome.error.message).toMatch(/^Cannot export “words” to ONNX: .*splits text/);
  });

  it('reports a model file it cannot read', async () => {
    const outcome = await exporter().exportOnnx({ model: { format: 'bunsen-model' } });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.kind).not.toBe('unsupported');
    expect(outcome.error.message.length).toBeGreaterThan(0);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const model = await fit(
      table(80, 4),
      { target: 'label', learner: 'nb', features: ['x'] },
      { rng: seededRandom(1) },
    );
    const job = exporter().exportOnnx({
      model: model.toJSON(),
      signal: controller.signal,
      onProgress: (step) => {
        if (step.phase === 'read') controller.abort();
      },
    });
    const error = await job.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(JobError);
    expect((error as JobError).kind).toBe('cancelled');
  });
});
