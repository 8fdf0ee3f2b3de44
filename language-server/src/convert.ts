/** Our spans and issues ↔ LSP types. The only place that speaks both. */
import { DiagnosticSeverity, type Diagnostic, type Location, type Position, type Range } from "vscode-languageserver";
import type { MappingIssue } from "orm-core";
import type { Span } from "./extract/spans";
import type { TextDocumentLike } from "./workspace/documents";

export function toPosition(doc: TextDocumentLike, offset: number): Position { return doc.positionAt(offset); }
export function toRange(doc: TextDocumentLike, span: { start: number; end: number }): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}
export function fromPosition(doc: TextDocumentLike, pos: Position): number { return doc.offsetAt(pos); }
export function toLocation(doc: TextDocumentLike, span: Span): Location { return { uri: span.uri, range: toRange(doc, span) }; }

export function toDiagnostic(doc: TextDocumentLike, issue: MappingIssue, span: Span): Diagnostic {
  return {
    range: toRange(doc, span),
    severity: issue.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: issue.code,
    source: "orm-core",
    message: issue.message,
    data: { subject: issue.subject, ...(issue.suggestion !== undefined ? { suggestion: issue.suggestion } : {}) },
  };
}
