// Runs one workload variant (raw, orm, or floor: bench/floors.mjs) once in this (fresh) process and
// prints {ms, check} as JSON.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { workloads, prepare } from "./workloads.mjs";
import { floors } from "./floors.mjs";

const [name, variant] = process.argv.slice(2);
const w = workloads[name];
const dir = mkdtempSync(join(tmpdir(), "orm-bench-"));
const file = join(dir, "bench.db");
try {
  prepare(file, w.seed);
  const t0 = process.hrtime.bigint();
  const check = (variant === "floor" ? floors[name] : w[variant])(file);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ ms, check }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
