import { describe, expect, it } from 'vitest';
import { datasetVersion, openLab } from './helpers';
import { StoreError } from '../../../src/store/errors';
import type { Lab } from '../../../src/sdk/lab';

async function refusal(promise: Promise<unknown>, kind: StoreError['kind']) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).kind).toBe(kind);
  return error as StoreError;
}

async function finishedRun(lab: Lab, workspaceId: string, inputs: string[]) {
  const run = await lab.runs.start(workspaceId, { experiment: 'Iris', inputs });
  await run.logArtifact('model.json', '{}', 'application/json');
  await run.finish();
  return run.record;
}

async function setUp() {
  const opened = await openLab();
  const { lab, workspace, store } = opened;
  await lab.store.setActorName('Ada');
  const data = await datasetVersion(store, workspace.id);
  const run = await finishedRun(lab, workspace.id, [data.id]);
  const one = await lab.models.register(workspace.id, { name: 'iris', fromRunId: run.id });
  const two = await lab.models.register(workspace.id, { name: 'iris', fromRunId: run.id });
  return { ...opened, data, run, model: one.model, one: one.version, two: two.version };
}

describe('recorded deployments', () => {
  it('records who deployed which version where, audited with what the target served before', async () => {
    const { lab, workspace, clock, model, one, two } = await setUp();
    const first = await lab.models.recordDeployment({
      modelVersionId: one.id,
      kind: 'embed-zip',
      target: 'https://course.example/iris',
      files: ['index.html', 'model.bunsen.json'],
      bytes: 2048,
    });
    expect(first).toMatchObject({
      name: 'iris-v1',
      kind: 'embed-zip',
      modelId: model.id,
      modelVersionId: one.id,
      version: 1,
      target: 'https://course.example/iris',
      deployedBy: 'Ada',
      files: ['index.html', 'model.bunsen.json'],
      bytes: 2048,
      createdAt: clock.now(),
    });
    clock.advance(60_000);
    const second = await lab.models.recordDeployment({
      modelVersionId: two.id,
      kind: 'snippet',
      target: ' https://course.example/iris ',
      name: 'Course page',
    });
    expect(second.target).toBe('https://course.example/iris');
    clock.advance(60_000);
    await lab.models.recordDeployment({
      modelVersionId: two.id,
      kind: 'batch-score',
      target: 'grades.csv',
    });

    const [latest, replaced, firstEvent] = await lab.audit(workspace.id, { limit: 3 });
    expect(latest).toMatchObject({
      action: 'create',
      entityKind: 'deployments',
      actor: { name: 'Ada' },
      summary: 'Deployed version 2 of “iris” as a batch scoring (iris-v2) to “grades.csv”',
      changes: [{ field: 'target “grades.csv”', before: null, after: 'version 2 of “iris”' }],
    });
    expect(replaced).toMatchObject({
      entityId: second.id,
      at: first.createdAt + 60_000,
      summary:
        'Deployed version 2 of “iris” as a snippet (Course page) to “https://course.example/iris”, replacing version 1 of “iris”',
      changes: [
        {
          field: 'target “https://course.example/iris”',
          before: 'version 1 of “iris”',
          after: 'version 2 of “iris”',
        },
      ],
    });
    expect(firstEvent!.summary).toBe(
      'Deployed version 1 of “iris” as an embed zip (iris-v1) to “https://course.example/iris”',
    );

    expect((await lab.models.deployments(two.id)).map((item) => item.kind)).toEqual([
      'batch-score',
      'snippet',
    ]);
    expect((await lab.models.deployments(one.id)).map((item) => item.id)).toEqual([first.id]);
    lab.close();
  });

  it('refuses what is not a deployment, saying which field is wrong', async () => {
    const { lab, one, model } = await setUp();
    const badKind = await refusal(
      lab.models.recordDeployment({
        modelVersionId: one.id,
        kind: 'email' as 'snippet',
        target: 'x',
      }),
      'invalid',
    );
    expect(badKind.where).toBe('kind');
    const noTarget = await refusal(
      lab.models.recordDeployment({ modelVersionId: one.id, kind: 'onnx', target: '   ' }),
      'invalid',
    );
    expect(noTarget.where).toBe('target');
    await refusal(
      lab.models.recordDeployment({ modelVersionId: 'nope', kind: 'onnx', target: 'x' }),
      'not-found',
    );
    await lab.models.archiveVersion(one.id);
    const archived = await refusal(
      lab.models.recordDeployment({ modelVersionId: one.id, kind: 'onnx', target: 'x' }),
      'invalid',
    );
    expect(archived.message).toBe(
      'version 1 of “iris” is archived; restore it before deploying it.',
    );
    expect(await lab.models.deployments(one.id)).toEqual([]);
    expect((await lab.models.get(model.id)).name).toBe('iris');
    lab.close();
  });

  it('shows in the lineage and keeps the version from being deleted unless forced', async () => {
    const { lab, workspace, run, one } = await setUp();
    const deployment = await lab.models.recordDeployment({
      modelVersionId: one.id,
      kind: 'onnx',
      target: 'iris.onnx',
    });
    const graph = await lab.lineage(workspace.id, { kind: 'modelVersion', id: one.id });
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { from: `run:${run.id}`, to: `modelVersion:${one.id}`, relation: 'produced' },
        {
          from: `modelVersion:${one.id}`,
          to: `deployment:${deployment.id}`,
          relation: 'deployed',
        },
      ]),
    );
    expect(graph.nodes.find((node) => node.id === deployment.id)?.label).toBe('iris-v1');

    const refused = await refusal(lab.models.deleteVersion(one.id), 'conflict');
    expect(refused.message).toMatch(/used by deployment “iris-v1”/);
    const deletion = await lab.models.deleteVersion(one.id, { force: true });
    expect(deletion.deployments).toEqual([{ id: deployment.id, name: 'iris-v1' }]);
    expect(await lab.models.deployments(one.id)).toEqual([]);
    lab.close();
  });
});
