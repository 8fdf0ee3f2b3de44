/**
 * The files the server knows: open documents (their editor text) over files on
 * disk. Each file's extract is cached by version and rebuilt only when it
 * changes; the analysis is rebuilt from the cached extracts (cheap).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import { extractFile, parse, type FileExtract } from "../extract/find-models";
import { findStatements, type Statement } from "../extract/statements";
import { analyze, type Analysis } from "../analysis";

export interface TextDocumentLike {
  readonly uri: string;
  readonly version: number;
  getText(): string;
  positionAt(offset: number): { line: number; character: number };
  offsetAt(position: { line: number; character: number }): number;
}

interface Entry { doc: TextDocument; extract: FileExtract | undefined; statements: Statement[] | undefined; open: boolean }

const IGNORED_DIRS = new Set(["node_modules", ".git", "dist", "out", ".vscode-test", ".test-artifacts"]);

/** Only files that can declare models are analyzed: they mention orm-core or Base.model / Base.inherit / Table. */
export function mayHoldModels(text: string): boolean {
  return text.includes("orm-core") || text.includes(".model(") || text.includes(".inherit(") || text.includes("Table(");
}

export class Workspace {
  private readonly entries = new Map<string, Entry>();
  private cached: Analysis | undefined;

  /** Adds or replaces a file's text (open document or disk file). */
  set(uri: string, text: string, version: number, open = false): void {
    const prev = this.entries.get(uri);
    if (prev && prev.doc.version === version && prev.doc.getText() === text) { prev.open ||= open; return; }
    this.entries.set(uri, { doc: TextDocument.create(uri, "typescript", version, text), extract: undefined, statements: undefined, open: open || !!prev?.open });
    this.cached = undefined;
  }
  delete(uri: string): void { if (this.entries.delete(uri)) this.cached = undefined; }
  /** An editor closed the file: fall back to the disk version, if any. */
  close(uri: string): void {
    const e = this.entries.get(uri);
    if (!e) return;
    e.open = false;
    const file = uriToPath(uri);
    if (file && fs.existsSync(file)) this.set(uri, fs.readFileSync(file, "utf8"), e.doc.version + 1);
    else this.delete(uri);
  }
  document(uri: string): TextDocument | undefined { return this.entries.get(uri)?.doc; }
  uris(): string[] { return [...this.entries.keys()]; }

  extract(uri: string): FileExtract | undefined {
    const e = this.entries.get(uri);
    if (!e) return undefined;
    if (!e.extract) e.extract = extractFile(uri, parse(uri, e.doc.getText()));
    return e.extract;
  }
  statements(uri: string): readonly Statement[] {
    const e = this.entries.get(uri);
    if (!e) return [];
    if (!e.statements) e.statements = findStatements(this.extract(uri)!.sourceFile);
    return e.statements;
  }

  /** The analysis of every file, rebuilt only after a change. */
  analysis(): Analysis {
    if (!this.cached) {
      const extracts = [...this.entries.keys()].filter((u) => mayHoldModels(this.entries.get(u)!.doc.getText())).map((u) => this.extract(u)!);
      this.cached = analyze(extracts, (u) => this.statements(u));
    }
    return this.cached;
  }

  /** Reads every .ts file under a folder that may hold models (skipping node_modules, dist, ...). */
  scanFolder(folder: string, isCancelled: () => boolean = () => false): number {
    let n = 0;
    const walk = (dir: string) => {
      if (isCancelled()) return;
      let items: fs.Dirent[];
      try { items = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
      for (const it of items) {
        const full = path.join(dir, it.name);
        if (it.isDirectory()) { if (!IGNORED_DIRS.has(it.name) && !it.name.startsWith(".")) walk(full); continue; }
        if (!/\.(ts|mts|cts)$/.test(it.name) || it.name.endsWith(".d.ts")) continue;
        const uri = pathToFileURL(full).toString();
        if (this.entries.get(uri)?.open) continue;
        let text: string;
        try { text = fs.readFileSync(full, "utf8"); } catch { continue; }
        if (!mayHoldModels(text)) continue;
        this.set(uri, text, 0);
        n++;
      }
    };
    walk(folder);
    return n;
  }
}

export function uriToPath(uri: string): string | undefined {
  try { return uri.startsWith("file:") ? fileURLToPath(uri) : undefined; } catch { return undefined; }
}
