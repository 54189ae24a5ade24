import { describe, expect, it } from 'vitest';
import { countCrossings, DEFAULT_SIZE, layoutLineage } from '../../../src/ui/lineage/layout';
import type { LineageGraph, LineageKind } from '../../../src/sdk';
import { seededRandom } from '../../../src/core/random';

const node = (kind: LineageKind, id: string, label = id) => ({
  key: `${kind}:${id}`,
  kind,
  id,
  label,
  missing: false,
});

const edge = (from: string, to: string, relation = 'input' as const) => ({ from, to, relation });

describe('lineage layout', () => {
  it('puts dataset versions, runs, model versions and deployments in columns left to right', () => {
    const graph: LineageGraph = {
      root: 'run:r1',
      nodes: [
        node('deployment', 'd1'),
        node('modelVersion', 'm1'),
        node('run', 'r1'),
        node('datasetVersion', 'v1'),
        node('datasetVersion', 'v2'),
      ],
      edges: [
        edge('datasetVersion:v1', 'datasetVersion:v2'),
        edge('datasetVersion:v2', 'run:r1'),
        edge('run:r1', 'modelVersion:m1'),
        edge('modelVersion:m1', 'deployment:d1'),
      ],
    };
    const layout = layoutLineage(graph);
    const layer = Object.fromEntries(layout.nodes.map((item) => [item.id, item.layer]));
    expect(layer).toEqual({ v1: 0, v2: 1, r1: 2, m1: 3, d1: 4 });
    expect(layout.columns.map((column) => column.kind)).toEqual([
      'datasetVersion',
      'run',
      'modelVersion',
      'deployment',
    ]);
    expect(layout.edges).toHaveLength(4);
    for (const placed of layout.edges) expect(placed.path).toMatch(/^M[\d.]+,[\d.]+ C/);
    expect(layout.width).toBe(
      2 * DEFAULT_SIZE.padding + 5 * DEFAULT_SIZE.nodeWidth + 4 * DEFAULT_SIZE.columnGap,
    );
  });

  it('skips kinds that are absent instead of leaving empty columns', () => {
    const layout = layoutLineage({
      root: 'datasetVersion:v1',
      nodes: [node('datasetVersion', 'v1'), node('modelVersion', 'm1')],
      edges: [edge('datasetVersion:v1', 'modelVersion:m1')],
    });
    expect(layout.nodes.map((item) => item.layer)).toEqual([0, 1]);
  });

  it('never overlaps two nodes and keeps every node inside the drawing', () => {
    const random = seededRandom(7);
    const nodes = [
      ...Array.from({ length: 4 }, (_, i) => node('datasetVersion', `v${i}`)),
      ...Array.from({ length: 9 }, (_, i) => node('run', `r${i}`)),
      ...Array.from({ length: 6 }, (_, i) => node('modelVersion', `m${i}`)),
    ];
    const edges = [
      ...Array.from({ length: 9 }, (_, i) =>
        edge(`datasetVersion:v${Math.floor(random() * 4)}`, `run:r${i}`),
      ),
      ...Array.from({ length: 6 }, (_, i) => edge(`run:r${i + 3}`, `modelVersion:m${i}`)),
    ];
    const layout = layoutLineage({ root: 'run:r0', nodes, edges });
    const { nodeWidth, nodeHeight } = DEFAULT_SIZE;
    for (const a of layout.nodes) {
      expect(a.x + nodeWidth).toBeLessThanOrEqual(layout.width);
      expect(a.y + nodeHeight).toBeLessThanOrEqual(layout.height);
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart =
          a.x + nodeWidth <= b.x ||
          b.x + nodeWidth <= a.x ||
          a.y + nodeHeight <= b.y ||
          b.y + nodeHeight <= a.y;
        expect(apart).toBe(true);
      }
    }
  });

  it('orders each column to remove the crossings a label order would make', () => {
    // Labels sort a, b on the left and y, z on the right, but a feeds z and b feeds y.
    const graph: LineageGraph = {
      root: 'datasetVersion:a',
      nodes: [
        node('datasetVersion', 'a'),
        node('datasetVersion', 'b'),
        node('run', 'y'),
        node('run', 'z'),
        node('modelVersion', 'p'),
        node('modelVersion', 'q'),
      ],
      edges: [
        edge('datasetVersion:a', 'run:z'),
        edge('datasetVersion:b', 'run:y'),
        edge('run:y', 'modelVersion:p'),
        edge('run:z', 'modelVersion:q'),
      ],
    };
    expect(countCrossings(layoutLineage(graph))).toBe(0);
  });

  it('is deterministic and survives a cycle in damaged records', () => {
    const graph: LineageGraph = {
      root: 'run:a',
      nodes: [node('run', 'a'), node('run', 'b'), node('run', 'c')],
      edges: [edge('run:a', 'run:b'), edge('run:b', 'run:c'), edge('run:c', 'run:a')],
    };
    const first = layoutLineage(graph);
    expect(layoutLineage(graph)).toEqual(first);
    expect(new Set(first.nodes.map((item) => `${item.layer}:${item.row}`)).size).toBe(3);
  });

  it('draws nothing for an empty graph', () => {
    expect(layoutLineage({ root: 'run:x', nodes: [], edges: [] })).toMatchObject({
      nodes: [],
      width: 0,
      height: 0,
    });
  });
});
