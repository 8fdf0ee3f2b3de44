/** Go to definition from "Post", "users.id", backPopulates: "author", secondary: "post_tags", ... */
import type { Location } from "vscode-languageserver";
import type { Analysis } from "../analysis";
import { namedBy, stringUnder } from "./resolve";

export function definition(analysis: Analysis, uri: string, offset: number, docFor: (uri: string) => { positionAt(o: number): { line: number; character: number } } | undefined): Location[] {
  const str = stringUnder(analysis, uri, offset);
  if (!str) return [];
  const subject = namedBy(analysis, str);
  const span = subject ? analysis.spans.get(subject) : undefined;
  const doc = span ? docFor(span.uri) : undefined;
  if (!span || !doc) return [];
  return [{ uri: span.uri, range: { start: doc.positionAt(span.start), end: doc.positionAt(span.end) } }];
}
