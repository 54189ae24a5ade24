/**
 * Deployments as records of the workspace: which version went out, in what form, who made it and
 * when. Written through the store's generic create, so each one is an audit event ("Deployed …")
 * and a node of the lineage graph (it names its model version).
 */
import type { Lab } from '../../sdk';
import type { Deployable } from './deployable';

export type DeploymentKind = 'embed-zip' | 'onnx';

export interface DeploymentRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: DeploymentKind;
  readonly modelVersionId: string;
  readonly version: number;
  readonly deployedBy: string;
  readonly createdAt: number;
  readonly files: readonly string[];
  readonly bytes: number;
}

const KIND_TEXT: Record<DeploymentKind, string> = {
  'embed-zip': 'an embed zip',
  onnx: 'an ONNX file',
};

export async function recordDeployment(
  lab: Lab,
  deployable: Deployable,
  deployment: { kind: DeploymentKind; name: string; files: readonly string[]; bytes: number },
): Promise<DeploymentRecord> {
  const { record, modelName } = deployable;
  const created = await lab.store.create(
    'deployments',
    record.workspaceId,
    {
      name: deployment.name,
      kind: deployment.kind,
      modelId: record.modelId,
      modelVersionId: record.id,
      version: record.version,
      modelKind: deployable.kind,
      deployedBy: lab.store.actor.name,
      files: [...deployment.files],
      bytes: deployment.bytes,
      notes: '',
      tags: [],
    },
    {
      summary: `Deployed version ${record.version} of “${modelName}” as ${KIND_TEXT[deployment.kind]} (${deployment.name})`,
    },
  );
  return created as unknown as DeploymentRecord;
}

/** The deployments of one model version, newest first. */
export async function deploymentsOf(lab: Lab, workspaceId: string, versionId: string) {
  const all = (await lab.store.list('deployments', workspaceId)) as unknown as DeploymentRecord[];
  return all
    .filter((deployment) => deployment.modelVersionId === versionId)
    .sort((a, b) => b.createdAt - a.createdAt);
}
