/** Custom requests between the extension and the server (shared shapes). */
import type { Range } from "vscode-languageserver";

export const SchemaRequest = "ormCore/schema";
export const StatementsRequest = "ormCore/statements";

export interface SourceLocation { uri: string; range: Range }

export interface SchemaResponse {
  tables: {
    name: string;
    kind: "model" | "association";
    mappedBy: string | null;
    location: SourceLocation | null;
    columns: { name: string; attribute: string | null; type: string; primaryKey: boolean; nullable: boolean; foreignKeys: string[] }[];
  }[];
  /** `inherits`: Base.inherit's parent class (its table is `table` too for single-table inheritance). */
  classes: { name: string; table: string; location: SourceLocation | null; inherits?: string }[];
  relationships: {
    owner: string; attribute: string; target: string;
    direction: "ONETOMANY" | "MANYTOONE" | "MANYTOMANY" | null;
    uselist: boolean | null; secondary: string | null; join: string[];
    backPopulates: string | null; implicit: boolean; location: SourceLocation | null;
  }[];
  /** Number of mapping errors (the diagram shows a warning when > 0). */
  issues: number;
}

export interface StatementsParams { uri: string }
export interface StatementsResponse {
  statements: { kind: "select" | "update" | "insert" | "delete"; range: Range; text: string; variable: string | null }[];
}
