// npm run bench: each workload, raw better-sqlite3 vs orm-core, each run in a fresh process,
// REPS repetitions, medians and ratios; fails when the two disagree on the result.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { workloads } from "./workloads.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const REPS = Number(process.env.BENCH_REPS ?? 5);
const only = process.argv.slice(2);
const goals = { W1: 3, W2: 2.5, W3: 2, W4: 1.1, W5: 3, W6: 1.5, W6b: 3, W7: 5 };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const runOnce = (name, variant) => JSON.parse(execFileSync(process.execPath, [join(here, "one.mjs"), name, variant], { encoding: "utf8", maxBuffer: 1 << 20 }));

let failed = false;
const rows = [];
for (const [name, w] of Object.entries(workloads)) {
  if (only.length && !only.includes(name)) continue;
  const times = { raw: [], orm: [] };
  for (let i = 0; i < REPS; i++) {
    for (const variant of ["raw", "orm"]) {
      const r = runOnce(name, variant);
      times[variant].push(r.ms);
      (times[`${variant}Check`] ??= r.check);
    }
    if (times.rawCheck !== times.ormCheck) { failed = true; console.error(`${name}: results differ (raw ${times.rawCheck}, orm ${times.ormCheck})`); }
  }
  const raw = median(times.raw), ormT = median(times.orm), ratio = ormT / raw;
  rows.push({ name, title: w.title, raw, orm: ormT, ratio, goal: goals[name] });
  process.stderr.write(`${name} done\n`);
}
console.log(`\norm-core vs raw better-sqlite3 (Node ${process.version}, medians of ${REPS} runs, each in a fresh process)\n`);
console.log("| workload | raw ms | orm-core ms | ratio | goal |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(`| ${r.name} ${r.title} | ${r.raw.toFixed(1)} | ${r.orm.toFixed(1)} | ${r.ratio.toFixed(2)}x | <= ${r.goal}x${r.ratio <= r.goal ? "" : " (missed)"} |`);
if (failed) process.exit(1);
