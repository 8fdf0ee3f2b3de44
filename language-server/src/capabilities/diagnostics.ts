/** Diagnostics of one document: the mapping issues whose subject lies in it, plus ORM201. */
import type { Diagnostic } from "vscode-languageserver";
import type { Analysis } from "../analysis";
import { toDiagnostic } from "../convert";
import type { TextDocumentLike } from "../workspace/documents";

export function diagnostics(analysis: Analysis, doc: TextDocumentLike): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of analysis.issues) {
    const span = analysis.spans.get(issue.subject);
    if (span && span.uri === doc.uri) out.push(toDiagnostic(doc, issue, span));
  }
  for (const { issue, span } of analysis.extraIssues) if (span.uri === doc.uri) out.push(toDiagnostic(doc, issue, span));
  return out;
}
