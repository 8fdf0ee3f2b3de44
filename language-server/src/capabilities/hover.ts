/** Hover: a model's DDL; a relationship's direction, join condition, cascade and other side. */
import { MarkupKind, type Hover } from "vscode-languageserver";
import { ddlForTableSpec, deriveRelationship, findTable, parseCascade, relationshipsOf, type RelationshipInfo } from "orm-core";
import type { Analysis } from "../analysis";
import type { TextDocumentLike } from "../workspace/documents";
import { toRange } from "../convert";
import { declarationUnder, namedBy, stringUnder } from "./resolve";
import { inheritanceOf } from "../inheritance";

export function hover(analysis: Analysis, doc: TextDocumentLike, offset: number): Hover | null {
  const decl = declarationUnder(analysis, doc.uri, offset);
  const str = decl ? undefined : stringUnder(analysis, doc.uri, offset);
  const at = decl?.span ?? str?.span;
  if (!at) return null;
  const subject = decl?.subject ?? (str && (str.subject.startsWith("option:") && str.subject.endsWith(".target") ? namedBy(analysis, str) : str.subject));
  const range = toRange(doc, at);
  if (!subject) return null;
  const model = analysis.model;
  const md = (value: string): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range });

  let m = /^class:(.+)$/.exec(subject);
  if (m) {
    const cls = model.classes.find((c) => c.name === m![1]);
    const table = cls && findTable(model, cls.tableName);
    if (!cls || !table) return null;
    const inh = inheritanceOf(model, cls);
    const kind = inh ? ` (${inh.single ? "single" : "joined"}-table subclass of ${inh.parent})` : "";
    return md(`**${cls.name}**${kind} → table \`${table.name}\`${cls.decorated ? "" : " (not mapped: add @mapped)"}\n\n\`\`\`sql\n${ddlForTableSpec(table)}\n\`\`\``);
  }
  m = /^table:(.+)$/.exec(subject);
  if (m) {
    const table = findTable(model, m[1]!);
    return table ? md(`table \`${table.name}\`\n\n\`\`\`sql\n${ddlForTableSpec(table)}\n\`\`\``) : null;
  }
  m = /^(?:attr|option):([^.]+)\.([^.]+)/.exec(subject);
  if (m) {
    const cls = model.classes.find((c) => c.name === m![1]);
    if (!cls) return null;
    const rel = relationshipsOf(model, cls).find((r) => r.attribute === m![2]);
    if (rel) return md(describeRelationship(analysis, rel));
    const col = cls.columns.find((c) => c.attribute === m![2]);
    const info = col && findTable(model, cls.tableName)?.columns.find((c) => c.name === col.column);
    if (info) return md(`column \`${cls.tableName}.${info.name}\`: ${info.type.name}${info.type.length ? `(${info.type.length})` : ""}${info.primaryKey ? ", primary key" : ""}${info.nullable ? ", nullable" : ", NOT NULL"}${info.foreignKeys.length ? `, references ${info.foreignKeys.map((f) => `\`${f.target}\``).join(", ")}` : ""}`);
  }
  return null;
}

function describeRelationship(analysis: Analysis, rel: RelationshipInfo): string {
  const d = deriveRelationship(analysis.model, rel);
  const lines = [`**${rel.owner}.${rel.attribute}** → ${rel.target}`];
  if (d?.ok) {
    const v = d.value;
    const dir = { ONETOMANY: "one-to-many", MANYTOONE: "many-to-one", MANYTOMANY: "many-to-many" }[v.direction];
    lines.push(`${dir} (${v.direction})${v.uselist ? ", a collection" : ", a single object"}`);
    if (v.secondary) {
      lines.push(`join: \`${v.secondaryLocal.map(([a, b]) => `${a.table}.${a.column} = ${b.table}.${b.column}`).join(" AND ")}\` and \`${v.secondaryRemote.map(([a, b]) => `${a.table}.${a.column} = ${b.table}.${b.column}`).join(" AND ")}\` through \`${v.secondary}\``);
    } else {
      lines.push(`join: \`${v.pairs.map(([a, b]) => `${a.table}.${a.column} = ${b.table}.${b.column}`).join(" AND ")}\``);
    }
  } else if (d && !d.ok) {
    lines.push(`⚠ ${d.issues[0]!.message}`);
  }
  const c = parseCascade(rel.cascade).set;
  const words = Object.entries({ "save-update": c.saveUpdate, merge: c.merge, expunge: c.expunge, delete: c.delete, "delete-orphan": c.deleteOrphan, "refresh-expire": c.refreshExpire }).filter(([, on]) => on).map(([w]) => w);
  lines.push(`cascade: ${words.length ? words.join(", ") : "none"}`);
  const other = rel.backPopulates ?? rel.backref;
  lines.push(other ? `other side: ${rel.target}.${other}${rel.backref ? " (created by backref)" : ""}` : "other side: none");
  lines.push(`loading: ${rel.lazy ?? "select"} (lazy)`.replace("(lazy)", rel.lazy && rel.lazy !== "select" ? "" : "(lazy)").trim());
  return lines.join("  \n");
}
