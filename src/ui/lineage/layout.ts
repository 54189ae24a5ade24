import type { LineageEdge, LineageGraph, LineageKind, LineageNode } from '../../sdk';

/** Columns run left to right in this order: what a thing came from is always to its left. */
export const KIND_ORDER: readonly LineageKind[] = [
  'datasetVersion',
  'run',
  'modelVersion',
  'deployment',
];

export interface LayoutSize {
  nodeWidth: number;
  nodeHeight: number;
  columnGap: number;
  rowGap: number;
  padding: number;
  /** Room above the nodes for the column headings. */
  header: number;
}

export const DEFAULT_SIZE: LayoutSize = {
  nodeWidth: 216,
  nodeHeight: 52,
  columnGap: 76,
  rowGap: 14,
  padding: 12,
  header: 28,
};

export interface PlacedNode extends LineageNode {
  layer: number;
  /** Position in its layer, top to bottom. */
  row: number;
  x: number;
  y: number;
}

export interface PlacedEdge extends LineageEdge {
  path: string;
}

export interface LineageLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  /** The first column of each kind present, for headings. */
  columns: { kind: LineageKind; x: number }[];
  width: number;
  height: number;
}

const byLabel = (a: LineageNode, b: LineageNode) =>
  a.label.localeCompare(b.label, undefined, { numeric: true }) || a.key.localeCompare(b.key);

/**
 * Longest-path layering inside one kind (dataset versions derived from others, child runs),
 * so a chain of derivations spreads over several columns. A cycle, which lineage never has but
 * a damaged record could fake, is cut where it is found instead of looping.
 */
function layersWithinKind(nodes: LineageNode[], edges: LineageEdge[]): Map<string, number> {
  const keys = new Set(nodes.map((node) => node.key));
  const inner = edges.filter((edge) => keys.has(edge.from) && keys.has(edge.to));
  const indegree = new Map(nodes.map((node) => [node.key, 0]));
  for (const edge of inner) indegree.set(edge.to, (indegree.get(edge.to) ?? 0) + 1);
  const layer = new Map(nodes.map((node) => [node.key, 0]));
  const queue = nodes.filter((node) => indegree.get(node.key) === 0).map((node) => node.key);
  const done = new Set<string>();
  while (done.size < nodes.length) {
    if (!queue.length) {
      // Only a cycle is left: start it at its first remaining node.
      const next = nodes.find((node) => !done.has(node.key) && !queue.includes(node.key));
      if (!next) break;
      queue.push(next.key);
    }
    const key = queue.shift() as string;
    if (done.has(key)) continue;
    done.add(key);
    for (const edge of inner) {
      if (edge.from !== key || done.has(edge.to)) continue;
      layer.set(edge.to, Math.max(layer.get(edge.to) ?? 0, (layer.get(key) ?? 0) + 1));
      const left = (indegree.get(edge.to) ?? 1) - 1;
      indegree.set(edge.to, left);
      if (left === 0) queue.push(edge.to);
    }
  }
  return layer;
}

function assignLayers(graph: LineageGraph): Map<string, number> {
  const layers = new Map<string, number>();
  let base = 0;
  for (const kind of KIND_ORDER) {
    const nodes = graph.nodes.filter((node) => node.kind === kind);
    if (!nodes.length) continue;
    const within = layersWithinKind(nodes, graph.edges);
    let deepest = 0;
    for (const node of nodes) {
      const depth = within.get(node.key) ?? 0;
      layers.set(node.key, base + depth);
      deepest = Math.max(deepest, depth);
    }
    base += deepest + 1;
  }
  return layers;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Orders each layer by the barycentre of its neighbours in the layers already placed, sweeping
 * left to right and back a few times: the classic Sugiyama heuristic against edge crossings.
 */
function orderLayers(columns: LineageNode[][], graph: LineageGraph, layers: Map<string, number>) {
  const row = new Map<string, number>();
  const renumber = (column: LineageNode[]) =>
    column.forEach((node, index) => row.set(node.key, index));
  columns.forEach((column) => {
    column.sort(byLabel);
    renumber(column);
  });
  const before = new Map<string, string[]>();
  const after = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (!layers.has(edge.from) || !layers.has(edge.to)) continue;
    after.set(edge.from, [...(after.get(edge.from) ?? []), edge.to]);
    before.set(edge.to, [...(before.get(edge.to) ?? []), edge.from]);
  }
  const sweep = (
    column: LineageNode[],
    neighbours: Map<string, string[]>,
    layer: number,
    down: boolean,
  ) => {
    const weight = new Map<string, number>();
    for (const node of column) {
      const placed = (neighbours.get(node.key) ?? []).filter((key) => {
        const other = layers.get(key) as number;
        return down ? other < layer : other > layer;
      });
      weight.set(
        node.key,
        placed.length ? mean(placed.map((key) => row.get(key) ?? 0)) : (row.get(node.key) ?? 0),
      );
    }
    column.sort(
      (a, b) =>
        (weight.get(a.key) as number) - (weight.get(b.key) as number) ||
        (row.get(a.key) as number) - (row.get(b.key) as number),
    );
    renumber(column);
  };
  for (let pass = 0; pass < 4; pass++) {
    for (let layer = 1; layer < columns.length; layer++)
      sweep(columns[layer] as LineageNode[], before, layer, true);
    for (let layer = columns.length - 2; layer >= 0; layer--)
      sweep(columns[layer] as LineageNode[], after, layer, false);
  }
  return row;
}

/** A layered left-to-right drawing of a lineage graph: positions for nodes, paths for edges. */
export function layoutLineage(graph: LineageGraph, size: LayoutSize = DEFAULT_SIZE): LineageLayout {
  const layers = assignLayers(graph);
  const depth = graph.nodes.length ? Math.max(...layers.values()) + 1 : 0;
  const columns: LineageNode[][] = Array.from({ length: depth }, () => []);
  for (const node of graph.nodes) columns[layers.get(node.key) as number]?.push(node);
  const rows = orderLayers(columns, graph, layers);

  const tallest = Math.max(0, ...columns.map((column) => column.length));
  const columnHeight = (count: number) =>
    count * size.nodeHeight + Math.max(0, count - 1) * size.rowGap;
  const fullHeight = columnHeight(tallest);
  const placed = new Map<string, PlacedNode>();
  columns.forEach((column, layer) => {
    const top = size.padding + size.header + (fullHeight - columnHeight(column.length)) / 2;
    for (const node of column) {
      const row = rows.get(node.key) as number;
      placed.set(node.key, {
        ...node,
        layer,
        row,
        x: size.padding + layer * (size.nodeWidth + size.columnGap),
        y: top + row * (size.nodeHeight + size.rowGap),
      });
    }
  });

  const edges: PlacedEdge[] = [];
  for (const edge of graph.edges) {
    const from = placed.get(edge.from);
    const to = placed.get(edge.to);
    if (!from || !to) continue;
    const x1 = from.x + size.nodeWidth;
    const y1 = from.y + size.nodeHeight / 2;
    const x2 = to.x;
    const y2 = to.y + size.nodeHeight / 2;
    const bend = Math.max(24, (x2 - x1) / 2);
    edges.push({
      ...edge,
      path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
    });
  }

  const headings: { kind: LineageKind; x: number }[] = [];
  for (const kind of KIND_ORDER) {
    const first = [...placed.values()]
      .filter((node) => node.kind === kind)
      .map((node) => node.layer);
    if (first.length)
      headings.push({
        kind,
        x: size.padding + Math.min(...first) * (size.nodeWidth + size.columnGap),
      });
  }

  return {
    nodes: graph.nodes.map((node) => placed.get(node.key) as PlacedNode),
    edges,
    columns: headings,
    width: depth ? size.padding * 2 + depth * size.nodeWidth + (depth - 1) * size.columnGap : 0,
    height: tallest ? size.padding * 2 + size.header + fullHeight : 0,
  };
}

/** Counts crossings between edges joining neighbouring layers: what the ordering minimises. */
export function countCrossings(layout: LineageLayout): number {
  const at = new Map(layout.nodes.map((node) => [node.key, node]));
  const spans = layout.edges
    .map((edge) => [at.get(edge.from), at.get(edge.to)] as const)
    .filter(
      ([from, to]) => from && to && (to as PlacedNode).layer === (from as PlacedNode).layer + 1,
    ) as [PlacedNode, PlacedNode][];
  let crossings = 0;
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const [a1, a2] = spans[i] as [PlacedNode, PlacedNode];
      const [b1, b2] = spans[j] as [PlacedNode, PlacedNode];
      if (a1.layer !== b1.layer) continue;
      if ((a1.row - b1.row) * (a2.row - b2.row) < 0) crossings += 1;
    }
  }
  return crossings;
}
