/**
 * The real server process over stdio: initialize, diagnostics pushed for files
 * on disk and for edits, completion, hover, definition, rename, code action,
 * the schema and statements requests; and a broken file never kills it.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { spawn, type ChildProcess } from "node:child_process";

class LspClient {
  private buf = Buffer.alloc(0);
  private seq = 0;
  private pending = new Map<number, (msg: any) => void>();
  readonly notifications: any[] = [];
  private waiters: { match: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  constructor(readonly proc: ChildProcess) {
    proc.stdout!.on("data", (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      for (;;) {
        const headerEnd = this.buf.indexOf("\r\n\r\n");
        if (headerEnd < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, headerEnd).toString())![1]);
        if (this.buf.length < headerEnd + 4 + len) return;
        const msg = JSON.parse(this.buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString());
        this.buf = this.buf.subarray(headerEnd + 4 + len);
        if (msg.id !== undefined && msg.method === undefined) this.pending.get(msg.id)?.(msg);
        else if (msg.id !== undefined && msg.method) this.send({ jsonrpc: "2.0", id: msg.id, result: null }); // server → client requests
        else {
          this.notifications.push(msg);
          this.waiters = this.waiters.filter((w) => (w.match(msg) ? (w.resolve(msg), false) : true));
        }
      }
    });
  }
  private send(msg: object): void {
    const body = JSON.stringify(msg);
    this.proc.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  request(method: string, params: unknown): Promise<any> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout waiting for ${method}`)), 10_000);
      this.pending.set(id, (m) => { clearTimeout(timer); m.error ? reject(new Error(m.error.message)) : resolve(m.result); });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }
  notify(method: string, params: unknown): void { this.send({ jsonrpc: "2.0", method, params }); }
  waitFor(match: (m: any) => boolean): Promise<any> {
    const hit = this.notifications.find(match);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timeout waiting for a notification")), 10_000);
      this.waiters.push({ match, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }
}

const serverJs = path.join(__dirname, "..", "src", "server.js");

test("the language server over stdio", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lsp-"));
  const proc = spawn(process.execPath, [serverJs, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
  try {
    const models = fs.readFileSync(path.join(__dirname, "..", "..", "..", "test-fixtures", "models", "good", "blog", "models.ts"), "utf8");
    fs.writeFileSync(path.join(dir, "models.ts"), models);
    fs.writeFileSync(path.join(dir, "broken.ts"), 'import { relationship } from "orm-core";\nexport const x = relationship("User", { cascade: "all, oops" ');
    const uri = pathToFileURL(path.join(dir, "models.ts")).toString();
    const c = new LspClient(proc);
    const init = await c.request("initialize", { processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: "ws" }] });
    assert.equal(init.capabilities.hoverProvider, true);
    assert.deepEqual(init.capabilities.renameProvider, { prepareProvider: true });
    c.notify("initialized", {});

    // Schema of the files on disk, before anything is opened.
    const schema = await c.request("ormCore/schema", {});
    assert.deepEqual(schema.tables.map((t: any) => t.name).sort(), ["post_tags", "posts", "tags", "users"]);
    assert.equal(schema.issues, 0);

    // An edit that breaks a relationship: the diagnostic is pushed.
    const broken = models.replace('backPopulates: "author"', 'backPopulates: "autor"');
    c.notify("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version: 1, text: broken } });
    const pushed = await c.waitFor((m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri && m.params.diagnostics.length > 0);
    const diag = pushed.params.diagnostics[0];
    assert.equal(diag.code, "ORM102");
    assert.match(diag.message, /Did you mean "author"\?/);

    const lines = broken.split("\n");
    const posOf = (needle: string, delta = 0) => { const line = lines.findIndex((l) => l.includes(needle)); return { line, character: lines[line]!.indexOf(needle) + delta }; };

    const actions = await c.request("textDocument/codeAction", { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
    assert.equal(actions[0].title, 'Change to "author"');

    const items = await c.request("textDocument/completion", { textDocument: { uri }, position: posOf('relationship<User>("User"', 20) });
    assert.deepEqual(items.map((i: any) => i.label), ["User", "Post", "Tag"]);

    const hov = await c.request("textDocument/hover", { textDocument: { uri }, position: posOf("class User", 7) });
    assert.match(hov.contents.value, /CREATE TABLE users/);

    const def = await c.request("textDocument/definition", { textDocument: { uri }, position: posOf('ForeignKey("users.id")', 13) });
    assert.equal(def[0].uri, uri);
    assert.equal(def[0].range.start.line, posOf("  id: Column(Integer, { primaryKey: true }),").line);

    const edit = await c.request("textDocument/rename", { textDocument: { uri }, position: posOf("author: relationship", 2), newName: "writer" });
    assert.equal(edit.changes[uri].length, 1 + 0, "the property (the broken string names nothing yet)");

    // Fixing the text clears the diagnostic.
    c.notify("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: [{ text: models }] });
    await c.waitFor((m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri && m.params.diagnostics.length === 0);

    const st = await c.request("ormCore/statements", { uri });
    assert.deepEqual(st.statements, []);
    // The half-written file did not kill the server: it still answers.
    assert.equal((await c.request("ormCore/schema", {})).tables.length, 4);
    await c.request("shutdown", null);
    c.notify("exit", null);
  } finally {
    proc.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
