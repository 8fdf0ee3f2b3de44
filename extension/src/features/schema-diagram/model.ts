/**
 * The diagram's own model: tables (with differences from the database marked)
 * and relationship edges with cardinality, built from the language server's
 * schema and, optionally, the database's introspection. Pure: unit-tested.
 */
import type { SchemaResponse } from "language-server/dist/src/protocol";

export interface DbTable { name: string; columns: { name: string; type: string; nullable: boolean; primaryKey: boolean }[]; foreignKeys: { from: string[]; table: string; to: string[] }[] }

export type Presence = "both" | "model-only" | "db-only";
export interface DiagramColumn { name: string; type: string; primaryKey: boolean; foreignKey: string | null; nullable: boolean; presence: Presence }
export interface DiagramTable { id: string; name: string; className: string | null; association: boolean; presence: Presence; columns: DiagramColumn[] }
export interface DiagramEdge { id: string; source: string; target: string; sourceLabel: string; targetLabel: string; kind: "one-to-many" | "one-to-one" | "many-to-many" | "foreign-key"; self: boolean; label: string }
export interface Diagram { tables: DiagramTable[]; edges: DiagramEdge[]; compared: boolean }

export function buildDiagram(schema: SchemaResponse, db?: readonly DbTable[]): Diagram {
  const dbByName = new Map((db ?? []).map((t) => [t.name, t]));
  const tables: DiagramTable[] = schema.tables.map((t) => {
    const dbt = dbByName.get(t.name);
    const columns: DiagramColumn[] = t.columns.map((c) => ({
      name: c.name, type: c.type, primaryKey: c.primaryKey, foreignKey: c.foreignKeys[0] ?? null, nullable: c.nullable,
      presence: !db ? "both" : dbt?.columns.some((x) => x.name === c.name) ? "both" : "model-only",
    }));
    if (dbt) for (const c of dbt.columns) if (!columns.some((x) => x.name === c.name)) columns.push({ name: c.name, type: c.type, primaryKey: c.primaryKey, foreignKey: null, nullable: c.nullable, presence: "db-only" });
    return { id: `t:${t.name}`, name: t.name, className: t.mappedBy, association: t.kind === "association", presence: !db || dbt ? "both" : "model-only", columns };
  });
  for (const dbt of db ?? []) {
    if (schema.tables.some((t) => t.name === dbt.name)) continue;
    tables.push({
      id: `t:${dbt.name}`, name: dbt.name, className: null, association: false, presence: "db-only",
      columns: dbt.columns.map((c) => ({ name: c.name, type: c.type, primaryKey: c.primaryKey, foreignKey: dbt.foreignKeys.find((f) => f.from.includes(c.name)) ? `${dbt.foreignKeys.find((f) => f.from.includes(c.name))!.table}` : null, nullable: c.nullable, presence: "db-only" })),
    });
  }
  const tableOf = new Map(schema.classes.map((c) => [c.name, c.table]));
  const edges = new Map<string, DiagramEdge>();
  const add = (e: Omit<DiagramEdge, "id" | "self">) => {
    const id = `${e.kind}:${e.source}->${e.target}:${e.label}`;
    if (!edges.has(id)) edges.set(id, { ...e, id, self: e.source === e.target });
  };
  const covered = new Set<string>();
  for (const r of schema.relationships) {
    const owner = tableOf.get(r.owner), target = tableOf.get(r.target);
    if (!owner || !target || !r.direction) continue;
    if (r.direction === "MANYTOMANY" && r.secondary) {
      const [a, b] = [owner, target].sort();
      add({ source: `t:${a}`, target: `t:${r.secondary}`, sourceLabel: "1", targetLabel: "N", kind: "many-to-many", label: `${a} N–M ${b}` });
      add({ source: `t:${b}`, target: `t:${r.secondary}`, sourceLabel: "1", targetLabel: "M", kind: "many-to-many", label: `${a} N–M ${b}` });
      for (const j of r.join) covered.add(j.split(" = ")[1]!);
      continue;
    }
    // Draw each key once, from the "one" side to the "many" side.
    const [one, many] = r.direction === "ONETOMANY" ? [owner, target] : [target, owner];
    const oneToOne = r.direction === "ONETOMANY" ? r.uselist === false : false;
    // Both sides of a pair describe one key: orient every condition as "one = many" so they match.
    const oriented = r.join.map((j) => { const [a, b] = j.split(" = ") as [string, string]; return r.direction === "ONETOMANY" ? [a, b] : [b, a]; });
    const join = oriented.map(([a, b]) => `${a} = ${b}`).sort().join(" AND ");
    const manySide = oriented.map(([, b]) => b);
    manySide.forEach((c) => covered.add(c));
    add({ source: `t:${one}`, target: `t:${many}`, sourceLabel: "1", targetLabel: oneToOne ? "1" : "N", kind: oneToOne ? "one-to-one" : "one-to-many", label: join });
  }
  // Foreign keys no relationship uses are still drawn.
  for (const t of schema.tables) for (const c of t.columns) for (const fk of c.foreignKeys) {
    if (covered.has(`${t.name}.${c.name}`)) continue;
    const to = fk.split(".")[0]!;
    if (schema.tables.some((x) => x.name === to)) add({ source: `t:${to}`, target: `t:${t.name}`, sourceLabel: "1", targetLabel: "N", kind: "foreign-key", label: `${t.name}.${c.name} = ${fk}` });
  }
  return { tables, edges: [...edges.values()], compared: !!db };
}

/** The diagram as a Mermaid erDiagram. */
export function toMermaid(d: Diagram): string {
  const id = (s: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s) ? s : `"${s.replace(/"/g, "'")}"`);
  const word = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_") || "_";
  const lines = ["erDiagram"];
  for (const t of d.tables) {
    lines.push(`  ${id(t.name)} {`);
    for (const c of t.columns) lines.push(`    ${word(c.type)} ${word(c.name)}${c.primaryKey ? " PK" : c.foreignKey ? " FK" : ""}`);
    lines.push("  }");
  }
  const name = (tid: string) => id(tid.slice(2));
  for (const e of d.edges) {
    const card = e.kind === "one-to-one" ? "||--o|" : "||--o{";
    lines.push(`  ${name(e.source)} ${card} ${name(e.target)} : "${e.label.replace(/"/g, "'")}"`);
  }
  return lines.join("\n") + "\n";
}
