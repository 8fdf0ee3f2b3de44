#!/usr/bin/env node
/**
 * The language server entry: connection, capabilities, and a binding table
 * from LSP requests to capability functions. No logic here. Every handler is
 * wrapped once: an exception is logged with the capability and URI and the
 * client gets an empty answer, never a dead server.
 */
import {
  createConnection, ProposedFeatures, TextDocumentSyncKind, TextDocuments, type Connection, type InitializeResult,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { fileURLToPath } from "node:url";
import { Workspace } from "./workspace/documents";
import { diagnostics } from "./capabilities/diagnostics";
import { completion } from "./capabilities/completion/index";
import { hover } from "./capabilities/hover";
import { definition } from "./capabilities/definition";
import { codeActions } from "./capabilities/code-actions";
import { prepareRename, rename } from "./capabilities/rename";
import { schema, statements } from "./capabilities/schema";
import { SchemaRequest, StatementsRequest, type StatementsParams } from "./protocol";

export function startServer(connection: Connection): void {
  const ws = new Workspace();
  const documents = new TextDocuments(TextDocument);
  let folders: string[] = [];

  function guarded<A extends unknown[], R>(name: string, empty: R, fn: (...args: A) => R): (...args: A) => R {
    return (...args: A) => {
      try {
        return fn(...args);
      } catch (e) {
        const uri = (args[0] as { textDocument?: { uri?: string } })?.textDocument?.uri ?? "";
        connection.console.error(`[orm-core] ${name} failed${uri ? ` for ${uri}` : ""}: ${(e as Error)?.stack ?? e}`);
        return empty;
      }
    };
  }
  const docFor = (uri: string) => ws.document(uri);
  const offsetOf = (uri: string, pos: { line: number; character: number }) => ws.document(uri)?.offsetAt(pos) ?? 0;

  connection.onInitialize((params): InitializeResult => {
    folders = (params.workspaceFolders ?? []).map((f) => fileURLToPath(f.uri));
    if (!folders.length && params.rootUri) folders = [fileURLToPath(params.rootUri)];
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['"', "'", ".", ",", " "] },
        hoverProvider: true,
        definitionProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix"] },
        renameProvider: { prepareProvider: true },
      },
      serverInfo: { name: "orm-core-language-server", version: "0.1.0" },
    };
  });

  connection.onInitialized(guarded("scan", undefined, () => {
    const t0 = Date.now();
    const n = folders.reduce((sum, f) => sum + ws.scanFolder(f), 0);
    connection.console.log(`[orm-core] analyzed ${n} model files in ${Date.now() - t0} ms`);
    publishAll();
  }));

  // Diagnostics: recomputed after edits settle (a burst of keystrokes is one analysis).
  let timer: NodeJS.Timeout | undefined;
  const published = new Set<string>();
  const publishAll = guarded("diagnostics", undefined, () => {
    const analysis = ws.analysis();
    const uris = new Set([...published, ...ws.uris()]);
    for (const uri of uris) {
      const doc = ws.document(uri);
      const diags = doc ? diagnostics(analysis, doc) : [];
      if (diags.length || published.has(uri)) connection.sendDiagnostics({ uri, diagnostics: diags });
      if (diags.length) published.add(uri); else published.delete(uri);
    }
  });
  const schedule = () => { if (timer) clearTimeout(timer); timer = setTimeout(publishAll, 50); };

  documents.onDidOpen((e) => { ws.set(e.document.uri, e.document.getText(), e.document.version, true); schedule(); });
  documents.onDidChangeContent((e) => { ws.set(e.document.uri, e.document.getText(), e.document.version, true); schedule(); });
  documents.onDidClose((e) => { ws.close(e.document.uri); schedule(); });
  connection.onDidChangeWatchedFiles(guarded("watched files", undefined, (p) => {
    for (const ch of p.changes) {
      const path = fileURLToPath(ch.uri);
      if (ch.type === 3) ws.delete(ch.uri);
      else if (!documents.get(ch.uri)) { try { ws.set(ch.uri, require("node:fs").readFileSync(path, "utf8"), Date.now()); } catch { ws.delete(ch.uri); } }
    }
    schedule();
  }));

  // The binding table.
  connection.onCompletion(guarded("completion", [], (p, token) => token?.isCancellationRequested ? [] : completion(ws.analysis(), ws.document(p.textDocument.uri)!, offsetOf(p.textDocument.uri, p.position))));
  connection.onHover(guarded("hover", null, (p) => { const d = ws.document(p.textDocument.uri); return d ? hover(ws.analysis(), d, d.offsetAt(p.position)) : null; }));
  connection.onDefinition(guarded("definition", [], (p) => definition(ws.analysis(), p.textDocument.uri, offsetOf(p.textDocument.uri, p.position), docFor)));
  connection.onCodeAction(guarded("codeAction", [], (p) => { const d = ws.document(p.textDocument.uri); return d ? codeActions(ws.analysis(), d, p.context.diagnostics, docFor) : []; }));
  connection.onPrepareRename(guarded("prepareRename", null, (p) => { const d = ws.document(p.textDocument.uri); return d ? prepareRename(ws.analysis(), d, d.offsetAt(p.position)) : null; }));
  connection.onRenameRequest(guarded("rename", null, (p) => { const d = ws.document(p.textDocument.uri); return d ? rename(ws.analysis(), d, d.offsetAt(p.position), p.newName, docFor) : null; }));
  connection.onRequest(SchemaRequest, guarded("schema", null, () => schema(ws.analysis(), docFor)));
  connection.onRequest(StatementsRequest, guarded("statements", { statements: [] }, (p: StatementsParams) => {
    const d = ws.document(p.uri);
    return d ? statements(ws.analysis(), d) : { statements: [] };
  }));

  documents.listen(connection);
  connection.listen();
}

if (require.main === module) startServer(createConnection(ProposedFeatures.all));
