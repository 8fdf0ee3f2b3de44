/**
 * MetaData: the tables of a model. createAll() / dropAll() in foreign-key order.
 */
import { ormKind } from "../util/kind";
import { ArgumentError, CircularDependencyError } from "../errors/errors";
import type { Engine } from "../engine/engine";
import { bind } from "../sql/coerce";
import { String as StringType } from "./types";
import { createIndexSqls, createTableSql, dropTableSql } from "./ddl";
import type { TableObject } from "./table";

export class MetaData {
  readonly tables = new Map<string, TableObject>();
  /** Tables registered twice (two classes mapping one table): reported as ORM111 at configure. */
  readonly duplicates: TableObject[] = [];
  get [ormKind](): "MetaData" { return "MetaData"; }

  /** @internal */ add(table: TableObject, opts: { deferDuplicate?: boolean } = {}): void {
    if (this.tables.has(table.name)) {
      if (opts.deferDuplicate) { this.duplicates.push(table); return; }
      throw new ArgumentError(`Table ${JSON.stringify(table.name)} is already defined in this MetaData; give the new table another name. [ORM111]`, { code: "ORM111" });
    }
    this.tables.set(table.name, table);
  }

  /** Tables ordered so that every table comes after the tables it references. */
  get sortedTables(): TableObject[] {
    const out: TableObject[] = [];
    const state = new Map<TableObject, "visiting" | "done">();
    const visit = (t: TableObject, path: string[]) => {
      const s = state.get(t);
      if (s === "done") return;
      if (s === "visiting") {
        // A cycle: SQLite accepts forward references in CREATE TABLE, so order doesn't matter for creation.
        return;
      }
      state.set(t, "visiting");
      for (const fk of t.foreignKeys) {
        const target = this.tables.get(fk.targetFullname.split(".")[0]!);
        if (target && target !== t) visit(target, [...path, t.name]);
      }
      state.set(t, "done");
      out.push(t);
    };
    for (const t of this.tables.values()) visit(t, []);
    return out;
  }

  /**
   * CREATE TABLE for every table not yet in the database, in dependency order.
   * @example Base.metadata.createAll(engine)
   */
  createAll(engine: Engine): void {
    checkEngine(engine, "createAll");
    engine.begin((conn) => {
      for (const table of this.sortedTables) {
        const exists = conn.execute({ sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", parameters: [bind(table.name, StringType).value] }).rows.length > 0;
        if (exists) continue;
        conn.exec(createTableSql(table));
        for (const idx of createIndexSqls(table)) conn.exec(idx);
      }
    });
  }

  /**
   * DROP TABLE for every table that exists, dependents first.
   * @example Base.metadata.dropAll(engine)
   */
  dropAll(engine: Engine): void {
    checkEngine(engine, "dropAll");
    engine.begin((conn) => {
      for (const table of [...this.sortedTables].reverse()) {
        const exists = conn.execute({ sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", parameters: [table.name] }).rows.length > 0;
        if (exists) conn.exec(dropTableSql(table));
      }
    });
  }
}

function checkEngine(engine: unknown, what: string): void {
  if (!engine || (engine as any)[ormKind] !== "Engine") throw new ArgumentError(`metadata.${what}() takes an engine: Base.metadata.${what}(createEngine("sqlite:///app.db")).`);
}
void CircularDependencyError;
