/** Where things are in source: subject ids and other anchors → file ranges (offsets). */
import type * as ts from "typescript";

export interface Span { readonly uri: string; readonly start: number; readonly end: number }

export function spanOf(uri: string, node: ts.Node, sf: ts.SourceFile): Span {
  return { uri, start: node.getStart(sf), end: node.getEnd() };
}
export function contains(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}
