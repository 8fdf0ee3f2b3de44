// Builds the extension: esbuild bundles (extension host, language server, query child) and a
// dist/node_modules with the extension's own orm-core and better-sqlite3 for workspaces without them.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const ext = join(here, "..");
const repo = join(ext, "..");
const require = createRequire(import.meta.url);
const dist = join(ext, "dist");
const production = process.argv.includes("--production");

const common = { bundle: true, platform: "node", format: "cjs", target: "node20", sourcemap: !production, minify: production, logLevel: "warning", legalComments: "none" };
await Promise.all([
  build({ ...common, entryPoints: [join(ext, "src", "extension.ts")], outfile: join(dist, "extension.js"), external: ["vscode", "better-sqlite3"] }),
  build({ ...common, entryPoints: [join(repo, "language-server", "src", "server.ts")], outfile: join(dist, "server.js"), external: ["better-sqlite3"] }),
  build({ ...common, entryPoints: [join(ext, "src", "features", "query-lens", "runner", "child.ts")], outfile: join(dist, "runner.js"), external: ["orm-core", "better-sqlite3"] }),
  // The vscode-API suite (not packaged): loaded by the extension host through extensionTestsPath.
  build({ ...common, entryPoints: [join(ext, "test-api", "suite.ts")], outfile: join(dist, "test-api", "index.js"), external: ["vscode"] }),
]);

// The extension's own copies, found through NODE_PATH by the query child when the workspace has none.
const nm = join(dist, "node_modules");
rmSync(nm, { recursive: true, force: true });
const copyPackage = (name, parts) => {
  const from = dirname(require.resolve(`${name}/package.json`, { paths: [repo] }));
  const to = join(nm, name);
  mkdirSync(to, { recursive: true });
  for (const p of ["package.json", ...parts]) if (existsSync(join(from, p))) cpSync(join(from, p), join(to, p), { recursive: true, dereference: true });
};
copyPackage("orm-core", ["dist/src"]);
copyPackage("better-sqlite3", ["lib", "build/Release/better_sqlite3.node", "LICENSE"]);
copyPackage("bindings", ["bindings.js", "LICENSE.md"]);
copyPackage("file-uri-to-path", ["index.js", "LICENSE"]);
// Drop source maps and declaration files from the copied orm-core.
const pkg = JSON.parse(readFileSync(join(nm, "orm-core", "package.json"), "utf8"));
delete pkg.devDependencies; delete pkg.scripts;
writeFileSync(join(nm, "orm-core", "package.json"), JSON.stringify(pkg, null, 2));
console.log("built extension into", dist);
