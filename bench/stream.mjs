// Peak memory while iterating 1,000,000 rows: streamed with yieldPer (bounded) against all() (grows
// with the result). Each variant runs in its own process; RSS is sampled while it runs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

const ROWS = Number(process.env.STREAM_ROWS ?? 1_000_000);

if (process.argv[2] === "child") {
  const orm = await import("orm-core");
  const { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker, select } = orm;
  const Base = declarativeBase();
  class Row extends Base.model("rows", { id: Column(Integer, { primaryKey: true }), name: Column(String(30)), n: Column(Integer) }) {}
  mapped(Row);
  const session = sessionmaker({ bind: createEngine(`sqlite:///${process.argv[3]}`) })();
  let peak = 0, count = 0, sum = 0;
  const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
  const timer = setInterval(sample, 20);
  const t0 = Date.now();
  const stmt = select(Row);
  if (process.argv[4] === "yieldPer") {
    for (const r of session.execute(stmt.executionOptions({ yieldPer: 1000 })).scalars()) { count++; sum += r.n; if ((count & 4095) === 0) sample(); }
  } else {
    for (const r of session.execute(stmt).scalars().all()) { count++; sum += r.n; if ((count & 4095) === 0) sample(); }
  }
  sample();
  clearInterval(timer);
  process.stdout.write(JSON.stringify({ count, sum, peakMb: peak / 1048576, ms: Date.now() - t0 }));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "stream-bench-"));
try {
  const file = join(dir, "rows.db");
  const db = new Database(file);
  db.exec("CREATE TABLE rows (id INTEGER NOT NULL, name VARCHAR(30), n INTEGER, PRIMARY KEY (id))");
  const ins = db.prepare("INSERT INTO rows (name, n) VALUES (?, ?)");
  db.transaction(() => { for (let i = 0; i < ROWS; i++) ins.run(`row ${i}`, i % 1000); })();
  db.close();
  const me = fileURLToPath(import.meta.url);
  const run = (mode) => JSON.parse(execFileSync(process.execPath, ["--expose-gc", me, "child", file, mode], { encoding: "utf8", maxBuffer: 1 << 20 }));
  const streamed = run("yieldPer"), all = run("all");
  if (streamed.count !== ROWS || all.count !== ROWS || streamed.sum !== all.sum) { console.error("results differ", streamed, all); process.exit(1); }
  console.log(`\niterating ${ROWS.toLocaleString("en")} rows as objects (peak RSS of the process)\n`);
  console.log("| mode | peak RSS MiB | ms |");
  console.log("| --- | ---: | ---: |");
  console.log(`| yieldPer: 1000 (streamed) | ${streamed.peakMb.toFixed(0)} | ${streamed.ms} |`);
  console.log(`| all() | ${all.peakMb.toFixed(0)} | ${all.ms} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
