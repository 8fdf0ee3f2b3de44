/**
 * Completion inside the strings of a model file. `context` decides where the
 * cursor is; one function per place produces the items.
 */
import { CompletionItemKind, type CompletionItem, type Range } from "vscode-languageserver";
import {
  CASCADE_WORDS, EVENT_NAMES, columnOfAttribute, deriveRelationship, findClass, relationshipsOf, type ClassSpec, type MappingModel,
} from "orm-core";
import type { Analysis } from "../../analysis";
import type { TextDocumentLike } from "../../workspace/documents";
import { toRange } from "../../convert";
import { roleOf, stringAt } from "../cursor";
import { inheritanceOf } from "../../inheritance";

const LAZY = [
  ["select", "load on first access (default)"], ["joined", "LEFT OUTER JOIN in the same query"], ["selectin", "one more SELECT ... IN for all parents"],
  ["raise", "raise instead of loading"], ["raise_on_sql", "raise only when loading would run SQL"], ["noload", "never load"],
  ["write_only", "a WriteOnlyCollection: add/remove/select(), never loaded"], ["dynamic", "like write_only, and iterable (legacy)"],
  ["subquery", "eager, with the parents (loaded as selectin)"], ["immediate", "eager, with the parents (loaded as selectin)"],
] as const;

export function completion(analysis: Analysis, doc: TextDocumentLike, offset: number): CompletionItem[] {
  const file = analysis.files.get(doc.uri);
  if (!file) return [];
  const str = stringAt(file.sourceFile, offset);
  if (!str) return [];
  const contentStart = str.getStart(file.sourceFile) + 1;
  const typed = doc.getText().slice(contentStart, offset);
  const contentEnd = Math.max(offset, contentStart + str.text.length);
  const whole: Range = toRange(doc, { start: contentStart, end: contentEnd });
  const item = (label: string, kind: CompletionItemKind, detail: string, range: Range = whole, sortText?: string): CompletionItem =>
    ({ label, kind, detail, textEdit: { range, newText: label }, filterText: label, ...(sortText ? { sortText } : {}) });
  const model = analysis.model;
  const role = roleOf(str);

  switch (role.kind) {
    case "relationship-target":
      return model.classes.filter((c) => c.decorated).map((c) => item(c.name, CompletionItemKind.Class, classDetail(model, c)));
    case "foreign-key": {
      const dot = typed.indexOf(".");
      if (dot >= 0) {
        const table = model.tables.find((t) => t.name === typed.slice(0, dot));
        if (!table) return [];
        return table.columns.map((c) => item(`${table.name}.${c.name}`, CompletionItemKind.Field, `${c.type.name}${c.primaryKey ? " · primary key" : ""}`, whole, c.primaryKey ? "0" : "1"));
      }
      return model.tables.flatMap((t) => t.columns.map((c) => item(`${t.name}.${c.name}`, CompletionItemKind.Field, `${c.type.name}${c.primaryKey ? " · primary key" : ""}`, whole, c.primaryKey ? "0" : "1")));
    }
    case "event-name": {
      const target = role.targetText;
      const cls = findClass(model, target);
      const kind = cls ? "mapper" : /\.\w+$/.test(target) && findClass(model, target.split(".")[0]!) ? "attribute" : /engine/i.test(target) ? "engine" : "session";
      return Object.entries(EVENT_NAMES).filter(([, e]) => e.target === kind).map(([name, e]) => item(name, CompletionItemKind.Event, e.doc));
    }
    case "relationship-option": {
      const owner = role.owner ? findClass(model, role.owner) : undefined;
      const target = role.target ? findClass(model, role.target) : undefined;
      switch (role.option) {
        case "backPopulates":
        case "backref":
          return backSide(model, owner, target, role.option === "backref").map(([name, detail]) => item(name, CompletionItemKind.Property, detail));
        case "secondary":
          return model.tables.filter((t) => t.definedBy === "table").map((t) => item(t.name, CompletionItemKind.Struct, `association table (${t.columns.map((c) => c.name).join(", ")})`));
        case "cascade": {
          // Comma-aware: complete the word after the last comma, skip words already there.
          const segStart = typed.lastIndexOf(",") + 1;
          const lead = typed.slice(segStart).match(/^\s*/)![0].length;
          const range = toRange(doc, { start: contentStart + segStart + lead, end: offset });
          const present = new Set(str.text.split(",").map((w) => w.trim()));
          return CASCADE_WORDS.filter((w) => !present.has(w)).map((w) => item(w, CompletionItemKind.EnumMember, cascadeDoc(w), range));
        }
        case "remoteSide":
        case "foreignKeys":
          return owner ? owner.columns.map((c) => item(c.attribute, CompletionItemKind.Field, `column ${c.column} of ${owner.name}`)) : [];
        case "orderBy":
          return target ? target.columns.flatMap((c) => [item(c.attribute, CompletionItemKind.Field, `column of ${target.name}`), item(`${c.attribute} desc`, CompletionItemKind.Field, `column of ${target.name}, descending`)]) : [];
        case "lazy":
          return LAZY.map(([v, d]) => item(v, CompletionItemKind.EnumMember, d));
      }
      return [];
    }
    default:
      return [];
  }
}

function classDetail(model: MappingModel, c: ClassSpec): string {
  const inh = inheritanceOf(model, c);
  if (!inh) return `mapped class → table "${c.tableName}"`;
  return `subclass of ${inh.parent} → ${inh.single ? "its" : "own"} table "${c.tableName}"`;
}

/** Relationships of the target that point back at the owner, then the name the missing side would have. */
function backSide(model: MappingModel, owner: ClassSpec | undefined, target: ClassSpec | undefined, isBackref: boolean): [string, string][] {
  if (!owner || !target) return [];
  const out: [string, string][] = [];
  if (!isBackref) {
    for (const r of relationshipsOf(model, target)) if (r.target === owner.name) out.push([r.attribute, `${target.name}.${r.attribute} → ${owner.name}`]);
  }
  const taken = new Set([...target.columns.map((c) => c.attribute), ...relationshipsOf(model, target).map((r) => r.attribute)]);
  // The conventional name of the missing side: the owner's table for a collection, the class for a scalar.
  const rel = owner.relationships.find((r) => r.target === target.name);
  const derived = rel ? deriveRelationship(model, rel) : undefined;
  const scalarBack = derived?.ok ? derived.value.direction === "ONETOMANY" : false;
  const name = scalarBack ? owner.name.charAt(0).toLowerCase() + owner.name.slice(1) : owner.tableName;
  // Offered only when nothing points back yet: then it is the name the new side would get.
  if (out.length === 0 && name && !taken.has(name)) out.push([name, `new: ${target.name}.${name} (${scalarBack ? owner.name : owner.name + "[]"})`]);
  void columnOfAttribute;
  return out;
}

function cascadeDoc(w: string): string {
  switch (w) {
    case "all": return "save-update, merge, refresh-expire, expunge, delete";
    case "delete-orphan": return "delete children removed from the collection";
    case "save-update": return "add related objects to the session (default)";
    case "merge": return "merge() follows this relationship (default)";
    case "delete": return "deleting the parent deletes the children";
    case "none": return "no cascades";
    default: return w;
  }
}
