// `node bench/floor.mjs [W1 W3 W6] [reps]`: raw better-sqlite3, the floor (bench/floors.mjs) and
// orm-core on W1, W3 and W6, each run in a fresh process (bench/one.mjs), medians of `reps` runs
// (default BENCH_REPS, else 5) and ratios; fails when the three disagree on a result.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { floors } from "./floors.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const reps = Number(args.find((a) => /^\d+$/.test(a)) ?? process.env.BENCH_REPS ?? 5);
const names = args.filter((a) => a in floors);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const runOnce = (name, variant) => JSON.parse(execFileSync(process.execPath, [join(here, "one.mjs"), name, variant], { encoding: "utf8" }));

console.log("| workload | raw ms | floor ms | orm-core ms | floor / raw | orm-core / raw |\n| --- | ---: | ---: | ---: | ---: | ---: |");
for (const w of names.length ? names : Object.keys(floors)) {
  const t = { raw: [], floor: [], orm: [] };
  for (let i = 0; i < reps; i++) {
    const checks = new Set();
    for (const v of Object.keys(t)) { const r = runOnce(w, v); t[v].push(r.ms); checks.add(r.check); }
    if (checks.size !== 1) throw new Error(`${w}: raw, floor and orm-core disagree (${[...checks].join(", ")})`);
  }
  const [raw, floor, orm] = [median(t.raw), median(t.floor), median(t.orm)];
  console.log(`| ${w} | ${raw.toFixed(1)} | ${floor.toFixed(1)} | ${orm.toFixed(1)} | ${(floor / raw).toFixed(2)}x | ${(orm / raw).toFixed(2)}x |`);
}
