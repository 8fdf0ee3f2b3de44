/** Automatic layout of the diagram with elkjs (layered, left to right, orthogonal edges). */
import type { Diagram } from "./model";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const ELK = require("elkjs/lib/elk.bundled.js");

export const CHAR_W = 7.4, ROW_H = 18, HEAD_H = 24, PAD = 10;

export interface Positioned { x: number; y: number; width: number; height: number }
export interface LaidOut {
  diagram: Diagram;
  nodes: Record<string, Positioned>;
  edges: Record<string, { points: { x: number; y: number }[] }>;
  width: number;
  height: number;
}

export function tableSize(t: Diagram["tables"][number]): { width: number; height: number } {
  // The title as the webview writes it: name, class, and the database mark.
  const title = t.name.length + (t.className && t.className !== t.name ? t.className.length + 4 : 0) + (t.presence === "model-only" ? 19 : t.presence === "db-only" ? 17 : 0);
  const longest = Math.max(title + 2, ...t.columns.map((c) => c.name.length + c.type.length + 8));
  return { width: Math.ceil(longest * CHAR_W + 2 * PAD), height: HEAD_H + t.columns.length * ROW_H + PAD };
}

export async function layout(diagram: Diagram): Promise<LaidOut> {
  const elk = new ELK();
  const graph = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered", "elk.direction": "RIGHT", "elk.edgeRouting": "ORTHOGONAL",
      "elk.spacing.nodeNode": "40", "elk.layered.spacing.nodeNodeBetweenLayers": "70", "elk.spacing.edgeNode": "20",
    },
    children: diagram.tables.map((t) => ({ id: t.id, ...tableSize(t) })),
    edges: diagram.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const out = await elk.layout(graph);
  const nodes: LaidOut["nodes"] = {};
  for (const c of out.children ?? []) nodes[c.id] = { x: c.x, y: c.y, width: c.width, height: c.height };
  const edges: LaidOut["edges"] = {};
  for (const e of out.edges ?? []) {
    const s = e.sections?.[0];
    if (s) edges[e.id] = { points: [s.startPoint, ...(s.bendPoints ?? []), s.endPoint] };
  }
  return { diagram, nodes, edges, width: out.width ?? 0, height: out.height ?? 0 };
}
