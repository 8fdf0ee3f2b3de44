// npm run package: the .vsix, with vsce, from the built dist/ (dependencies are already inside dist/).
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync, statSync } from "node:fs";

const ext = join(dirname(fileURLToPath(import.meta.url)), "..");
const { name, version } = JSON.parse(readFileSync(join(ext, "package.json"), "utf8"));
const out = join(ext, `${name}-${version}.vsix`);
const vsce = join(ext, "..", "node_modules", ".bin", "vsce");
execFileSync(vsce, ["package", "--no-dependencies", "--skip-license", "--allow-missing-repository", "--out", out], { cwd: ext, stdio: "inherit" });
console.log(`${out} (${(statSync(out).size / 1024 / 1024).toFixed(1)} MiB)`);
