/** Loads fixture files into a Workspace; finds cursor positions by text anchors. */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { Workspace } from "../../src/workspace/documents";

export const FIXTURES = path.join(__dirname, "..", "..", "..", "..", "test-fixtures", "models");

export function workspaceOf(dir: string): { ws: Workspace; uri: (file: string) => string } {
  const ws = new Workspace();
  ws.scanFolder(dir);
  return { ws, uri: (file: string) => pathToFileURL(path.join(dir, file)).toString() };
}

/** A workspace with one in-memory file; `|` in the text marks the cursor. */
export function fromSource(text: string, file = "/virtual/models.ts"): { ws: Workspace; uri: string; offset: number } {
  const offset = text.indexOf("|");
  const clean = offset >= 0 ? text.slice(0, offset) + text.slice(offset + 1) : text;
  const ws = new Workspace();
  const uri = pathToFileURL(file).toString();
  ws.set(uri, clean, 1, true);
  return { ws, uri, offset };
}

export function readFixture(rel: string): string { return fs.readFileSync(path.join(FIXTURES, rel), "utf8"); }
