/**
 * Quick fixes: did-you-mean replacements, add the missing backPopulates on the
 * other side, add the missing foreign-key column, add @mapped.
 */
import * as ts from "typescript";
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from "vscode-languageserver";
import { findClass, findTable, type MappingModel } from "orm-core";
import type { Analysis } from "../analysis";
import type { ClassSite } from "../extract/find-models";
import type { TextDocumentLike } from "../workspace/documents";
import { toRange } from "../convert";

type DocFor = (uri: string) => TextDocumentLike | undefined;

function fix(title: string, diag: Diagnostic, edits: Record<string, TextEdit[]>, preferred = true): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diag], isPreferred: preferred, edit: { changes: edits } };
}

/** Inserts `text` as a new property at the end of an object literal, keeping its layout. */
function insertProperty(doc: TextDocumentLike, obj: ts.ObjectLiteralExpression, text: string): TextEdit {
  const sf = obj.getSourceFile();
  const last = obj.properties[obj.properties.length - 1];
  if (!last) {
    const at = obj.getStart(sf) + 1;
    return { range: toRange(doc, { start: at, end: at }), newText: ` ${text} ` };
  }
  const multiline = doc.getText().slice(obj.getStart(sf), obj.getEnd()).includes("\n");
  const hasTrailingComma = obj.properties.hasTrailingComma;
  const end = hasTrailingComma ? doc.getText().indexOf(",", last.getEnd()) + 1 : last.getEnd();
  if (multiline) {
    const lineStart = doc.getText().lastIndexOf("\n", last.getStart(sf)) + 1;
    const indent = doc.getText().slice(lineStart, last.getStart(sf));
    return { range: toRange(doc, { start: end, end }), newText: `${hasTrailingComma ? "" : ","}\n${indent}${text}${hasTrailingComma ? "," : ""}` };
  }
  return { range: toRange(doc, { start: end, end }), newText: `${hasTrailingComma ? "" : ","} ${text}` };
}

export function codeActions(analysis: Analysis, doc: TextDocumentLike, diags: readonly Diagnostic[], docFor: DocFor): CodeAction[] {
  const out: CodeAction[] = [];
  for (const diag of diags) {
    if (diag.source !== "orm-core") continue;
    const data = (diag.data ?? {}) as { subject?: string; suggestion?: string };
    const subject = data.subject ?? "";
    const span = analysis.spans.get(subject);

    // Did you mean …: replace the string's content.
    if (data.suggestion !== undefined && span) {
      const text = doc.getText().slice(span.start, span.end);
      const quote = /^["'`]/.test(text) ? text[0] : "";
      out.push(fix(`Change to "${data.suggestion}"`, diag, { [doc.uri]: [{ range: toRange(doc, span), newText: `${quote}${data.suggestion}${quote}` }] }));
    }
    const relMatch = /^(?:option|attr):([^.]+)\.([^.]+)/.exec(subject);
    const site = relMatch ? analysis.classes.get(relMatch[1]!) : undefined;
    const relSite = site?.relationships.find((r) => r.info.attribute === relMatch![2]);

    if (diag.code === "ORM103" && relSite?.info.backPopulates) {
      // The other side lacks backPopulates: add it there.
      const target = analysis.classes.get(relSite.info.target);
      const other = target?.relationships.find((r) => r.info.attribute === relSite.info.backPopulates);
      const otherDoc = target && docFor(target.spec.subject ? analysis.spans.get(target.spec.subject)!.uri : "");
      if (other && otherDoc && other.info.backPopulates === undefined) {
        const edit = other.optionsNode
          ? insertProperty(otherDoc, other.optionsNode, `backPopulates: "${relSite.info.attribute}"`)
          : { range: toRange(otherDoc, { start: other.call.arguments[0]!.getEnd(), end: other.call.arguments[0]!.getEnd() }), newText: `, { backPopulates: "${relSite.info.attribute}" }` };
        out.push(fix(`Add backPopulates: "${relSite.info.attribute}" to ${target!.spec.name}.${other.info.attribute}`, diag, { [otherDoc.uri]: [edit] }));
      }
    }
    if (diag.code === "ORM102" && relSite && data.suggestion === undefined) {
      // The other side is missing: declare it on the target class.
      const target = analysis.classes.get(relSite.info.target);
      const targetDoc = target && docFor(analysis.spans.get(target.spec.subject)!.uri);
      if (target?.attributes && targetDoc) {
        const collection = relSite.info.declaredCollection === false;
        const text = `${relSite.info.backPopulates}: relationship<${site!.spec.name}${collection ? "[]" : ""}>("${site!.spec.name}", { backPopulates: "${relSite.info.attribute}" })`;
        out.push(fix(`Add ${target.spec.name}.${relSite.info.backPopulates} pointing back`, diag, { [targetDoc.uri]: [insertProperty(targetDoc, target.attributes, text)] }));
      }
    }
    if (diag.code === "ORM106" && relSite && site) {
      const fk = foreignKeyFix(analysis.model, site, relSite.info.target, relSite.info.declaredCollection);
      const holder = fk ? analysis.classes.get(fk.holder) : undefined;
      const holderDoc = holder && docFor(analysis.spans.get(holder.spec.subject)!.uri);
      if (fk && holder?.attributes && holderDoc) {
        out.push(fix(`Add ${fk.holder}.${fk.attribute} = Column(${fk.type}, ForeignKey("${fk.references}"))`, diag, { [holderDoc.uri]: [insertProperty(holderDoc, holder.attributes, `${fk.attribute}: Column(${fk.type}, ForeignKey("${fk.references}"))`)] }));
      }
    }
    if (diag.code === "ORM115") {
      const m = /^class:(.+)$/.exec(subject);
      const cls = m ? analysis.files.get(doc.uri)?.classes.find((c) => c.spec.name === m[1]) : undefined;
      if (cls) {
        const sf = cls.node.getSourceFile();
        const start = cls.node.getStart(sf);
        const lineStart = doc.getText().lastIndexOf("\n", start - 1) + 1;
        const indent = doc.getText().slice(lineStart, start);
        out.push(fix(`Add @mapped to ${cls.spec.name}`, diag, { [doc.uri]: [{ range: toRange(doc, { start, end: start }), newText: `@mapped\n${indent}` }] }));
      }
    }
  }
  return out;
}

/** For a relationship with no join condition: which class gets which key column. */
function foreignKeyFix(model: MappingModel, owner: ClassSite, targetName: string, collection: boolean | undefined): { holder: string; attribute: string; type: string; references: string } | undefined {
  const target = findClass(model, targetName);
  if (!target) return undefined;
  // A collection (one-to-many): the key goes on the target, referencing the owner; a scalar: on the owner.
  const [holder, referenced] = collection === false ? [owner.spec, target] : [target, owner.spec];
  const refTable = findTable(model, referenced.tableName);
  const pk = refTable?.columns.find((c) => c.primaryKey);
  if (!pk) return undefined;
  const base = referenced.name.charAt(0).toLowerCase() + referenced.name.slice(1).replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
  return { holder: holder.name, attribute: `${base}_${pk.name}`, type: pk.type.name, references: `${refTable!.name}.${pk.name}` };
}
