// Language-server timings of SPEC 2.3 on a generated workspace of 300 models in 60 files:
// first full analysis, re-analysis after one edit, completion latency (medians).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Workspace } = require("../language-server/dist/src/workspace/documents.js");
const { completion } = require("../language-server/dist/src/capabilities/completion/index.js");

const FILES = 60, PER_FILE = 5;
export function generate(dir, files = FILES, perFile = PER_FILE) {
  const texts = [];
  for (let f = 0; f < files; f++) {
    let src = `import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship } from "orm-core";\nimport { Base } from "./base";\n\n`;
    for (let m = 0; m < perFile; m++) {
      const i = f * perFile + m;
      const prev = i > 0 ? i - 1 : undefined;
      const next = i + 1 < files * perFile ? i + 1 : undefined;
      src += `@mapped\nexport class Model${i} extends Base.model("table_${i}", {\n  id: Column(Integer, { primaryKey: true }),\n  name: Column(String(50), { nullable: false }),\n  code: Column(String(20)),\n`;
      if (prev !== undefined) src += `  parent_id: Column(Integer, ForeignKey("table_${prev}.id")),\n  parent: relationship<Model${prev}>("Model${prev}", { backPopulates: "children" }),\n`;
      if (next !== undefined) src += `  children: relationship<Model${next}[]>("Model${next}", { backPopulates: "parent", cascade: "all, delete-orphan" }),\n`;
      src += `}) {}\n\n`;
    }
    const file = join(dir, `models_${f}.ts`);
    writeFileSync(file, src);
    texts.push([file, src]);
  }
  writeFileSync(join(dir, "base.ts"), `import { declarativeBase } from "orm-core";\nexport const Base = declarativeBase();\n`);
  return texts;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

export function measure() {
  const dir = mkdtempSync(join(tmpdir(), "lsp-bench-"));
  try {
    const texts = generate(dir);
    const first = [];
    let ws;
    for (let r = 0; r < 7; r++) {
      const t0 = process.hrtime.bigint();
      ws = new Workspace();
      ws.scanFolder(dir);
      const a = ws.analysis();
      first.push(ms(t0));
      if (a.model.classes.length !== FILES * PER_FILE || a.issues.length !== 0) throw new Error(`analysis wrong: ${a.model.classes.length} classes, ${a.issues.length} issues`);
    }
    const [file, text] = texts[30];
    const uri = pathToFileURL(file).toString();
    const edits = [];
    for (let v = 1; v <= 30; v++) {
      const edited = text.replace('code: Column(String(20))', `code: Column(String(${20 + v}))`);
      const t0 = process.hrtime.bigint();
      ws.set(uri, edited, v, true);
      const a = ws.analysis();
      edits.push(ms(t0));
      if (a.model.classes.length !== FILES * PER_FILE) throw new Error("re-analysis lost classes");
    }
    const withCursor = text.replace('relationship<Model149>("Model149"', 'relationship<Model149>("Mod');
    ws.set(uri, withCursor, 100, true);
    ws.analysis();
    const doc = ws.document(uri);
    const offset = withCursor.indexOf('("Mod') + 5;
    const comps = [];
    for (let k = 0; k < 50; k++) {
      const t0 = process.hrtime.bigint();
      const items = completion(ws.analysis(), doc, offset);
      comps.push(ms(t0));
      if (items.length !== FILES * PER_FILE) throw new Error(`completion returned ${items.length} items`);
    }
    return { first: median(first), edit: median(edits), completion: median(comps) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = measure();
  console.log(`\nlanguage server on ${FILES * PER_FILE} models in ${FILES} files (medians)\n`);
  console.log("| measure | ms | target |");
  console.log("| --- | ---: | ---: |");
  console.log(`| first full analysis | ${r.first.toFixed(1)} | < 300 |`);
  console.log(`| re-analysis after one edit | ${r.edit.toFixed(1)} | < 30 |`);
  console.log(`| completion in relationship("…") | ${r.completion.toFixed(2)} | < 15 |`);
}
