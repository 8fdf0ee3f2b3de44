/**
 * Rename of a mapped attribute also rewrites the strings that name it
 * (backPopulates on the other side, remoteSide / foreignKeys / orderBy);
 * rename of a mapped class rewrites relationship("Class") strings.
 */
import type { Range, WorkspaceEdit, TextEdit } from "vscode-languageserver";
import type { Analysis } from "../analysis";
import type { TextDocumentLike } from "../workspace/documents";
import { toRange } from "../convert";
import { declarationUnder, namedBy, stringUnder } from "./resolve";
import type { Span } from "../extract/spans";

type DocFor = (uri: string) => TextDocumentLike | undefined;

/** The attribute or class subject the cursor is on: its declaration, or a string naming it. */
function targetUnder(analysis: Analysis, uri: string, offset: number): { subject: string; span: Span; name: string } | undefined {
  const decl = declarationUnder(analysis, uri, offset);
  if (decl && (decl.subject.startsWith("attr:") || decl.subject.startsWith("class:"))) {
    return { subject: decl.subject, span: decl.span, name: decl.subject.replace(/^(attr|class):(.+\.)?/, "") };
  }
  const str = stringUnder(analysis, uri, offset);
  const named = str && namedBy(analysis, str);
  if (str && named && (named.startsWith("attr:") || named.startsWith("class:"))) {
    const span = { uri: str.span.uri, start: str.span.start + 1, end: str.span.end - 1 };
    return { subject: named, span, name: str.value.trim().split(/\s+/)[0]! };
  }
  return undefined;
}

export function prepareRename(analysis: Analysis, doc: TextDocumentLike, offset: number): { range: Range; placeholder: string } | null {
  const t = targetUnder(analysis, doc.uri, offset);
  return t ? { range: toRange(doc, t.span.uri === doc.uri ? t.span : { start: offset, end: offset }), placeholder: t.name } : null;
}

export function rename(analysis: Analysis, doc: TextDocumentLike, offset: number, newName: string, docFor: DocFor): WorkspaceEdit | null {
  const t = targetUnder(analysis, doc.uri, offset);
  if (!t || !/^[A-Za-z_$][\w$]*$/.test(newName)) return null;
  const changes: Record<string, TextEdit[]> = {};
  const edit = (span: Span, text: string) => {
    const d = docFor(span.uri);
    if (!d) return;
    (changes[span.uri] ??= []).push({ range: toRange(d, span), newText: text });
  };
  const decl = analysis.spans.get(t.subject);
  if (decl) edit(decl, newName);
  for (const file of analysis.files.values()) {
    for (const s of file.strings) {
      if (namedBy(analysis, s) !== t.subject) continue;
      // Keep " desc" and the quotes: replace only the name inside the string.
      const inner = s.span.start + 1;
      const idx = s.value.indexOf(t.name);
      if (idx >= 0) edit({ uri: s.span.uri, start: inner + idx, end: inner + idx + t.name.length }, newName);
    }
  }
  return { changes };
}
