/**
 * A child process for the fault tests: commits batches of rows through the
 * session, each batch one transaction tagged with its batch number.
 * argv: <db file> <mode: "batches" | "hold-lock" | "counted"> [journal mode] [busy timeout ms] [count]
 */
import { declarativeBase, mapped, Column, Integer, String, createEngine, sessionmaker } from "../../../src/index";

const Base = declarativeBase();
@mapped
class Row extends Base.model("rows", {
  id: Column(Integer, { primaryKey: true }),
  batch: Column(Integer, { nullable: false, index: true }),
  writer: Column(String(20)),
  payload: Column(String),
}) {}

const [file, mode, journal = "delete", busy = "5000", countArg = "200"] = process.argv.slice(2);
const engine = createEngine(`sqlite:///${file}`, { journalMode: journal as "wal" | "delete", busyTimeout: Number(busy) });
Base.metadata.createAll(engine);
const Session = sessionmaker({ bind: engine });
const BATCH = 2000;

if (mode === "batches") {
  // Endless large commits until killed: each must land whole or not at all.
  for (let b = 1; ; b++) {
    const s = Session();
    for (let i = 0; i < BATCH; i++) s.add(new Row({ batch: b, writer: "k", payload: "x".repeat(50) }));
    s.commit();
    s.close();
    process.stdout.write(`${b}\n`);
  }
} else if (mode === "hold-lock") {
  // Takes the write lock and keeps it for a while.
  const conn = engine.connect();
  conn.begin();
  conn.execute({ sql: "INSERT INTO rows (batch, writer) VALUES (0, 'lock')", parameters: [] });
  process.stdout.write("locked\n");
  setTimeout(() => { conn.rollback(); conn.close(); process.exit(0); }, 3000);
} else if (mode === "counted") {
  // `count` single-row commits, tagged with this process's pid.
  const n = Number(countArg);
  for (let i = 0; i < n; i++) {
    const s = Session();
    s.add(new Row({ batch: i, writer: `${process.pid}` }));
    s.commit();
    s.close();
  }
  process.stdout.write("done\n");
}
