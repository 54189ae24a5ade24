export type LineageKind = 'datasetVersion' | 'run' | 'modelVersion' | 'deployment';

export type LineageRelation =
  /** dataset version → dataset version made from it */
  | 'derived'
  /** dataset version → run that read it */
  | 'input'
  /** parent run → child run */
  | 'child'
  /** run → model version registered from it */
  | 'produced'
  /** dataset version → imported model version that declares it (no run recorded) */
  | 'trained-on'
  /** model version → deployment serving it */
  | 'deployed';

export interface LineageNode {
  /** `kind:id`, unique in a graph. */
  key: string;
  kind: LineageKind;
  id: string;
  label: string;
  /** Referenced by a record but deleted since. */
  missing: boolean;
}

export interface LineageEdge {
  from: string;
  to: string;
  relation: LineageRelation;
}

export interface LineageGraph {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export interface LineageSources {
  datasetVersions: { id: string; label: string; parentId: string | null }[];
  runs: { id: string; label: string; inputs: string[]; parentRunId: string | null }[];
  modelVersions: { id: string; label: string; runId: string | null; datasetVersionIds: string[] }[];
  deployments: { id: string; label: string; modelVersionId: string | null }[];
}

export type LineageDirection = 'upstream' | 'downstream' | 'both';

export const lineageKey = (kind: LineageKind, id: string) => `${kind}:${id}`;

const MISSING_LABEL: Record<LineageKind, string> = {
  datasetVersion: 'Deleted dataset version',
  run: 'Deleted run',
  modelVersion: 'Deleted model version',
  deployment: 'Deleted deployment',
};

/**
 * The part of the workspace's lineage reachable from one node: everything it came from
 * (upstream) and everything made from it (downstream). Siblings — another run on the same
 * dataset — are not included unless they are themselves ancestors or descendants.
 */
export function lineageGraph(
  sources: LineageSources,
  start: { kind: LineageKind; id: string },
  direction: LineageDirection = 'both',
): LineageGraph {
  const known = new Map<string, LineageNode>();
  const add = (kind: LineageKind, id: string, label: string) =>
    known.set(lineageKey(kind, id), { key: lineageKey(kind, id), kind, id, label, missing: false });
  sources.datasetVersions.forEach((item) => add('datasetVersion', item.id, item.label));
  sources.runs.forEach((item) => add('run', item.id, item.label));
  sources.modelVersions.forEach((item) => add('modelVersion', item.id, item.label));
  sources.deployments.forEach((item) => add('deployment', item.id, item.label));

  const edges: LineageEdge[] = [];
  const referenced = new Map<string, LineageKind>();
  const link = (
    fromKind: LineageKind,
    fromId: string,
    toKind: LineageKind,
    toId: string,
    relation: LineageRelation,
  ) => {
    const from = lineageKey(fromKind, fromId);
    const to = lineageKey(toKind, toId);
    referenced.set(from, fromKind).set(to, toKind);
    edges.push({ from, to, relation });
  };
  for (const version of sources.datasetVersions) {
    if (version.parentId)
      link('datasetVersion', version.parentId, 'datasetVersion', version.id, 'derived');
  }
  for (const run of sources.runs) {
    for (const input of new Set(run.inputs)) link('datasetVersion', input, 'run', run.id, 'input');
    if (run.parentRunId) link('run', run.parentRunId, 'run', run.id, 'child');
  }
  for (const version of sources.modelVersions) {
    if (version.runId) link('run', version.runId, 'modelVersion', version.id, 'produced');
    else {
      for (const input of new Set(version.datasetVersionIds)) {
        link('datasetVersion', input, 'modelVersion', version.id, 'trained-on');
      }
    }
  }
  for (const deployment of sources.deployments) {
    if (deployment.modelVersionId) {
      link('modelVersion', deployment.modelVersionId, 'deployment', deployment.id, 'deployed');
    }
  }

  const outgoing = new Map<string, LineageEdge[]>();
  const incoming = new Map<string, LineageEdge[]>();
  for (const edge of edges) {
    outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
    incoming.set(edge.to, [...(incoming.get(edge.to) ?? []), edge]);
  }

  const root = lineageKey(start.kind, start.id);
  const visited = new Set<string>([root]);
  const kept = new Set<LineageEdge>();
  const walk = (next: Map<string, LineageEdge[]>, end: (edge: LineageEdge) => string) => {
    const seen = new Set<string>([root]);
    const queue = [root];
    while (queue.length) {
      const key = queue.shift() as string;
      for (const edge of next.get(key) ?? []) {
        kept.add(edge);
        const other = end(edge);
        if (seen.has(other)) continue;
        seen.add(other);
        visited.add(other);
        queue.push(other);
      }
    }
  };
  if (direction !== 'downstream') walk(incoming, (edge) => edge.from);
  if (direction !== 'upstream') walk(outgoing, (edge) => edge.to);

  const nodes = [...visited].map((key) => {
    const node = known.get(key);
    if (node) return node;
    const kind = referenced.get(key) ?? start.kind;
    const id = key.slice(kind.length + 1);
    return { key, kind, id, label: MISSING_LABEL[kind], missing: true };
  });
  return { root, nodes, edges: edges.filter((edge) => kept.has(edge)) };
}
