/**
 * Deployments as records of the workspace: which version went out, in what form, where, who made
 * it and when. Recorded through the registry (`lab.models.recordDeployment`), so each one is an
 * audit event that says what the target served before, a node of the lineage graph, and a
 * reason the version cannot be deleted without force.
 */
import type { Lab } from '../../sdk';
import type { DeploymentKind, DeploymentRecord } from '../../sdk/registry';
import type { Deployable } from './deployable';

export type { DeploymentKind, DeploymentRecord };

export const DEPLOYMENT_KIND_LABELS: Record<DeploymentKind, string> = {
  'embed-zip': 'Embed zip',
  snippet: 'Snippet',
  onnx: 'ONNX file',
  'batch-score': 'Batch scoring',
};

export function recordDeployment(
  lab: Lab,
  deployable: Deployable,
  deployment: {
    kind: DeploymentKind;
    name: string;
    /** Where it goes; the file name when the user did not say. */
    target?: string;
    files: readonly string[];
    bytes: number;
  },
): Promise<DeploymentRecord> {
  return lab.models.recordDeployment({
    modelVersionId: deployable.record.id,
    kind: deployment.kind,
    name: deployment.name,
    target: deployment.target?.trim() || deployment.name,
    files: [...deployment.files],
    bytes: deployment.bytes,
    modelKind: deployable.kind,
  });
}

/** The deployments of one model version, newest first. */
export function deploymentsOf(lab: Lab, versionId: string): Promise<DeploymentRecord[]> {
  return lab.models.deployments(versionId);
}
