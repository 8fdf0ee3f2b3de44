/**
 * Runs model files with the real orm-core, for parity tests: the sources are transpiled in memory
 * (as tsc would emit them), `./x` imports resolve among the given files, and the result is the
 * MappingModel the runtime builds from the live classes (what configure() validates).
 */
import * as ts from "typescript";
import { validateMapping, type MappingIssue, type MappingModel } from "orm-core";
// Not part of orm-core's public entry: the model configure() builds, before it throws the first error.
import { modelFromRegistry } from "orm-core/dist/src/mapping/from-classes";

/** `files`: file name → source, loaded in the given order; one of them exports `Base`. */
export function runtimeModel(files: Record<string, string>): { model: MappingModel; issues: MappingIssue[] } {
  const modules = new Map<string, { exports: Record<string, unknown> }>();
  const load = (name: string): Record<string, unknown> => {
    const cached = modules.get(name);
    if (cached) return cached.exports;
    const source = files[name];
    if (source === undefined) throw new Error(`no file ${name}`);
    const mod = { exports: {} as Record<string, unknown> };
    modules.set(name, mod);
    const js = ts.transpileModule(source, {
      fileName: name,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, useDefineForClassFields: true, esModuleInterop: true },
    }).outputText;
    const req = (spec: string) => (spec.startsWith("./") ? load(`${spec.slice(2).replace(/\.[jt]s$/, "")}.ts`) : require(spec));
    new Function("require", "module", "exports", js)(req, mod, mod.exports);
    return mod.exports;
  };
  const exported = Object.keys(files).map(load);
  const base = exported.find((e) => e.Base)?.Base as { registry: Parameters<typeof modelFromRegistry>[0] } | undefined;
  if (!base) throw new Error("no file exports Base");
  const model = modelFromRegistry(base.registry);
  return { model, issues: validateMapping(model) };
}
