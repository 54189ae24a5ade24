import { describe, expect, it } from 'vitest';
import { datasetVersion, openLab } from './helpers';
import { StoreError } from '../../../src/store/errors';
import type { Lab } from '../../../src/sdk/lab';
import { sha256 } from '../../../src/store/hash';

async function refusal(promise: Promise<unknown>, kind: StoreError['kind']) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).kind).toBe(kind);
  return error as StoreError;
}

const SIGNATURE = {
  inputs: [
    { name: 'petal_length', type: 'number', min: 1, max: 6.9 },
    { name: 'colour', type: 'category', allowed: ['red', 'blue'] },
  ],
  output: { kind: 'classification', classes: ['setosa', 'versicolor', 'virginica'] },
};

async function trainedRun(lab: Lab, workspaceId: string, inputs: string[], accuracy: number) {
  const run = await lab.runs.start(workspaceId, {
    experiment: 'Iris',
    params: { learner: 'gbdt' },
    inputs,
  });
  run.logMetric('accuracy', accuracy - 0.05, 0);
  run.logMetric('accuracy', accuracy, 1);
  await run.logArtifact('model.json', `{"accuracy":${accuracy}}`, 'application/json');
  await run.finish();
  return run.record;
}

async function setUp() {
  const opened = await openLab();
  const { lab, workspace, store } = opened;
  const data = await datasetVersion(store, workspace.id);
  const first = await trainedRun(lab, workspace.id, [data.id], 0.9);
  const second = await trainedRun(lab, workspace.id, [data.id], 0.95);
  return { ...opened, data, first, second };
}

describe('model registry', () => {
  it('numbers versions per model and keeps what each came from', async () => {
    const { lab, workspace, data, first, second } = await setUp();
    const one = await lab.models.register(workspace.id, {
      name: 'iris',
      fromRunId: first.id,
      signature: SIGNATURE,
      tags: ['tabular'],
      description: 'First try',
    });
    expect(one.version).toMatchObject({
      version: 1,
      source: 'run',
      runId: first.id,
      metrics: { accuracy: 0.9 },
      datasetVersions: [{ datasetVersionId: data.id, contentHash: data.contentHash }],
      artifact: { name: 'model.json', mediaType: 'application/json' },
      signature: SIGNATURE,
      stage: 'active',
    });
    const two = await lab.models.register(workspace.id, {
      name: 'IRIS',
      fromRunId: second.id,
      metrics: { accuracy: 0.95, f1_macro: 0.94 },
    });
    expect(two.model.id).toBe(one.model.id);
    expect(two.version.version).toBe(2);
    const onnx = new Uint8Array([8, 7, 18, 4, 116, 101, 115, 116]);
    const three = await lab.models.register(workspace.id, {
      name: 'iris',
      onnxBytes: onnx,
      fileName: 'iris.onnx',
      datasetVersions: [data.id],
    });
    expect(three.version).toMatchObject({
      version: 3,
      source: 'onnx',
      runId: null,
      fileName: 'iris.onnx',
      artifact: { hash: await sha256(onnx), mediaType: 'application/onnx' },
    });
    const other = await lab.models.register(workspace.id, {
      name: 'penguins',
      fromRunId: first.id,
    });
    expect(other.version.version).toBe(1);

    expect([...(await lab.models.artifact(two.version.id)).bytes]).toEqual([
      ...new TextEncoder().encode('{"accuracy":0.95}'),
    ]);
    expect(
      (await lab.models.list(workspace.id)).map((item) => [item.model.name, item.versions]),
    ).toEqual([
      ['iris', 3],
      ['penguins', 1],
    ]);
    const trail = await lab.audit(workspace.id, { limit: 3 });
    expect(trail.map((event) => [event.action, event.summary])).toEqual([
      ['register', 'Registered version 1 of “penguins” from run “Run 1”'],
      ['create', 'Created model “penguins”'],
      ['register', 'Registered version 3 of “iris” from the ONNX file “iris.onnx”'],
    ]);
    lab.close();
  });

  it('refuses what cannot be registered, saying why', async () => {
    const { lab, workspace, first } = await setUp();
    const running = await lab.runs.start(workspace.id);
    await running.logArtifact('model.json', '{}');
    expect(
      (
        await refusal(
          lab.models.register(workspace.id, { name: 'm', fromRunId: running.id }),
          'invalid',
        )
      ).message,
    ).toMatch(/is running: only a finished run can be registered/);
    expect(
      (
        await refusal(
          lab.models.register(workspace.id, {
            name: 'm',
            fromRunId: first.id,
            artifact: 'weights.bin',
          }),
          'not-found',
        )
      ).message,
    ).toBe('Run “Run 1” has no artifact “weights.bin” (it has “model.json”).');
    const bad = await refusal(
      lab.models.register(workspace.id, {
        name: 'm',
        fromRunId: first.id,
        signature: { inputs: [{ name: 'x' }], output: { kind: 'regression' } },
      }),
      'invalid',
    );
    expect(bad.where).toBe('signature.inputs[0].type');
    await refusal(
      lab.models.register(workspace.id, { name: 'm', onnxBytes: new Uint8Array(0) }),
      'invalid',
    );
    expect(() => lab.models.register(workspace.id, { name: 'm' })).toThrow(/either from a run/);
    expect(await lab.models.list(workspace.id)).toEqual([]);
    await running.finish();
    lab.close();
  });

  it('moves aliases between versions and keeps their history', async () => {
    const { lab, clock, workspace, first, second } = await setUp();
    const { model } = await lab.models.register(workspace.id, {
      name: 'iris',
      fromRunId: first.id,
    });
    await lab.models.register(workspace.id, { name: 'iris', fromRunId: second.id });
    await lab.models.setAlias(model.id, 'champion', 1);
    clock.advance(1000);
    await lab.models.setAlias(model.id, 'production', 1);
    clock.advance(1000);
    const moved = await lab.models.setAlias(model.id, 'champion', 2);
    expect(moved.aliases).toEqual({ champion: 2, production: 1 });
    expect(await lab.models.setAlias(model.id, 'champion', 2)).toEqual(moved);
    await lab.models.setAlias(model.id, 'production', null);

    expect(
      (await lab.models.aliasHistory(model.id)).map((move) => [move.alias, move.from, move.to]),
    ).toEqual([
      ['champion', null, 1],
      ['production', null, 1],
      ['champion', 1, 2],
      ['production', 1, null],
    ]);
    expect(
      (await lab.models.versions(model.id)).map((view) => [view.record.version, view.aliases]),
    ).toEqual([
      [1, []],
      [2, ['champion']],
    ]);
    expect((await lab.models.resolve(workspace.id, 'iris', 'champion')).version).toBe(2);
    expect((await lab.models.resolve(workspace.id, 'iris', 'v1')).version).toBe(1);
    expect((await lab.models.resolve(workspace.id, 'iris')).version).toBe(2);
    await refusal(lab.models.resolve(workspace.id, 'iris', 'staging'), 'not-found');
    await refusal(lab.models.setAlias(model.id, 'champion', 7), 'not-found');
    await refusal(lab.models.setAlias(model.id, 'latest', 1), 'invalid');
    await refusal(lab.models.setAlias(model.id, 'two words', 1), 'invalid');

    const events = (await lab.auditOf(model.id)).filter((event) => event.action === 'alias');
    expect(events.map((event) => event.summary)).toEqual([
      'Removed alias “production” from version 1 of “iris”',
      'Moved alias “champion” of “iris” from version 1 to version 2',
      'Gave version 1 of “iris” the alias “production”',
      'Gave version 1 of “iris” the alias “champion”',
    ]);
    expect(events[1]?.changes).toEqual([{ field: 'aliases.champion', before: 1, after: 2 }]);
    lab.close();
  });

  it('archives versions and models, never one an alias points at', async () => {
    const { lab, workspace, first, second } = await setUp();
    const { model, version: one } = await lab.models.register(workspace.id, {
      name: 'iris',
      fromRunId: first.id,
    });
    const { version: two } = await lab.models.register(workspace.id, {
      name: 'iris',
      fromRunId: second.id,
    });
    await lab.models.setAlias(model.id, 'production', 2);
    const held = await refusal(lab.models.archiveVersion(two.id), 'conflict');
    expect(held.message).toBe(
      'version 2 of “iris” holds the alias “production”; move it to another version first.',
    );
    await lab.models.setAlias(model.id, 'production', 1);
    expect((await lab.models.archiveVersion(two.id)).stage).toBe('archived');
    await refusal(lab.models.setAlias(model.id, 'champion', 2), 'invalid');
    expect((await lab.models.resolve(workspace.id, 'iris', 'latest')).id).toBe(one.id);
    expect((await lab.models.archiveVersion(two.id, false)).stage).toBe('active');
    await lab.models.archiveModel(model.id);
    expect(await lab.models.list(workspace.id)).toEqual([]);
    expect((await lab.models.list(workspace.id, { includeArchived: true })).length).toBe(1);
    expect((await lab.audit(workspace.id, { limit: 3 })).map((event) => event.action)).toEqual([
      'archive',
      'archive',
      'archive',
    ]);
    lab.close();
  });

  it('never deletes a version a deployment uses, unless forced, and never reuses its number', async () => {
    const { lab, workspace, store, first, second } = await setUp();
    const { model, version: one } = await lab.models.register(workspace.id, {
      name: 'iris',
      fromRunId: first.id,
    });
    const { version: two } = await lab.models.register(workspace.id, {
      name: 'iris',
      fromRunId: second.id,
    });
    await lab.models.setAlias(model.id, 'production', 1);
    const deployment = await store.create('deployments', workspace.id, {
      name: 'Class page',
      modelVersionId: one.id,
    });
    const refused = await refusal(lab.models.deleteVersion(one.id), 'conflict');
    expect(refused.message).toBe(
      `version 1 of “iris” is used by deployment “Class page” (${deployment.id}). Delete the deployment first, or delete with force to remove the deployment as well.`,
    );
    await refusal(lab.models.deleteModel(model.id), 'conflict');
    expect((await lab.models.versions(model.id)).length).toBe(2);

    const deletion = await lab.models.deleteVersion(one.id, { force: true });
    expect(deletion).toMatchObject({
      versions: [1],
      deployments: [{ id: deployment.id, name: 'Class page' }],
      aliasesRemoved: ['production'],
    });
    expect(await store.get('deployments', deployment.id)).toBeUndefined();
    expect((await lab.models.get(model.id)).aliases).toEqual({});
    expect((await lab.models.aliasHistory(model.id)).at(-1)).toMatchObject({
      alias: 'production',
      from: 1,
      to: null,
    });
    expect((await lab.audit(workspace.id, { limit: 3 })).map((event) => event.summary)).toEqual([
      'Deleted version 1 of “iris”',
      'Removed alias “production” from version 1 of “iris”',
      'Deleted deployment “Class page” with version 1 of “iris”, which it served',
    ]);
    const again = await lab.models.register(workspace.id, { name: 'iris', fromRunId: first.id });
    expect(again.version.version).toBe(3);

    const runDeletion = await lab.runs.delete([second.id]);
    expect(runDeletion.deleted).toEqual([]);
    expect(runDeletion.skipped[0]?.reason).toMatch(/source of model version 2/);

    // The artifact blob stays while the run and the version both hold it.
    const hash = two.artifact.hash;
    expect((await store.getBlob(hash))?.refs).toBe(2);
    const gone = await lab.models.deleteModel(model.id);
    expect(gone.versions).toEqual([2, 3]);
    expect((await store.getBlob(hash))?.refs).toBe(1);
    expect(await lab.models.list(workspace.id, { includeArchived: true })).toEqual([]);
    expect((await lab.verifyAudit(workspace.id)).ok).toBe(true);
    lab.close();
  });

  it('renders and exports a model card from what is known plus what people wrote', async () => {
    const { lab, workspace, first } = await setUp();
    const { version } = await lab.models.register(workspace.id, {
      name: 'iris',
      fromRunId: first.id,
      signature: SIGNATURE,
      perClassMetrics: [{ class: 'setosa', precision: 1, recall: 0.98, f1: 0.99, support: 50 }],
    });
    await lab.models.updateVersion(version.id, {
      card: { intendedUse: 'Teaching <b>only</b>', limitations: 'Three species & no more.' },
    });
    const html = await lab.models.renderCard(version.id, 'html');
    expect(html).toContain('<p>Teaching &lt;b&gt;only&lt;/b&gt;</p>');
    expect(html).toContain('<p>Three species &amp; no more.</p>');
    expect(html).toContain('<td>setosa</td><td>1</td><td>0.98</td><td>0.99</td><td>50</td>');
    expect(html).toContain('Trained in run “Run 1” (');
    expect(html).toContain('of experiment “Iris”.');
    expect(html).toContain('<td>iris</td><td>1</td><td>150</td>');
    expect(html).toContain('registered 2027-01-15 by Local user');
    const exported = await lab.models.exportCard(version.id, 'markdown');
    expect(exported).toMatchObject({
      fileName: 'iris-v1-model-card.md',
      mediaType: 'text/markdown',
    });
    expect(exported.text).toContain('## Intended use\n\nTeaching &lt;b&gt;only&lt;/b&gt;');
    expect(exported.text).toContain('| learner | gbdt |');
    const [event] = await lab.audit(workspace.id, { limit: 1 });
    expect(event).toMatchObject({ action: 'export', entityId: version.id });
    lab.close();
  });
});

describe('lineage', () => {
  it('links dataset versions, runs, model versions and deployments in both directions', async () => {
    const { lab, workspace, store, data, first, second } = await setUp();
    const other = await datasetVersion(store, workspace.id, 'penguins');
    const child = await lab.runs.start(workspace.id, {
      name: 'child',
      parentRunId: first.id,
      inputs: [other.id],
    });
    await child.finish();
    const { version } = await lab.models.register(workspace.id, {
      name: 'iris',
      fromRunId: first.id,
    });
    const imported = await lab.models.register(workspace.id, {
      name: 'imported',
      onnxBytes: new Uint8Array([1]),
      datasetVersions: [other.id],
    });
    const deployment = await store.create('deployments', workspace.id, {
      name: 'Class page',
      modelVersionId: version.id,
    });

    const fromData = await lab.lineage(workspace.id, { kind: 'datasetVersion', id: data.id });
    expect(fromData.nodes.map((node) => node.label).sort()).toEqual(
      ['Class page', 'Run 1', 'Run 2', 'child', 'iris v1', 'iris v1'].sort(),
    );
    const fromModel = await lab.lineage(workspace.id, { kind: 'modelVersion', id: version.id });
    expect(fromModel.root).toBe(`modelVersion:${version.id}`);
    expect(fromModel.nodes.map((node) => node.key).sort()).toEqual(
      [
        `datasetVersion:${data.id}`,
        `run:${first.id}`,
        `modelVersion:${version.id}`,
        `deployment:${deployment.id}`,
      ].sort(),
    );
    expect(fromModel.edges).toEqual(
      expect.arrayContaining([
        { from: `datasetVersion:${data.id}`, to: `run:${first.id}`, relation: 'input' },
        { from: `run:${first.id}`, to: `modelVersion:${version.id}`, relation: 'produced' },
        {
          from: `modelVersion:${version.id}`,
          to: `deployment:${deployment.id}`,
          relation: 'deployed',
        },
      ]),
    );
    expect(fromModel.edges).toHaveLength(3);
    expect(fromModel.nodes.some((node) => node.id === second.id)).toBe(false);

    const up = await lab.lineage(workspace.id, { kind: 'run', id: child.id }, 'upstream');
    expect(up.nodes.map((node) => node.id).sort()).toEqual(
      [child.id, data.id, first.id, other.id].sort(),
    );
    const fromOther = await lab.lineage(
      workspace.id,
      { kind: 'datasetVersion', id: other.id },
      'downstream',
    );
    expect(fromOther.edges.map((edge) => edge.relation).sort()).toEqual(['input', 'trained-on']);
    expect(fromOther.nodes.map((node) => node.id)).toContain(imported.version.id);

    await store.remove('deployments', deployment.id);
    await store.remove('datasetVersions', data.id);
    const afterDelete = await lab.lineage(workspace.id, { kind: 'run', id: first.id });
    const missing = afterDelete.nodes.find((node) => node.id === data.id);
    expect(missing).toMatchObject({
      kind: 'datasetVersion',
      label: 'Deleted dataset version',
      missing: true,
    });
    lab.close();
  });
});
