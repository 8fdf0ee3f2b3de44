/**
 * Emits the INSERT / UPDATE / DELETE of a flush, one prepared statement per
 * statement shape (table + column set), reused for every row of that shape.
 * Records every attribute it changes in the undo log. Called only by unit-of-work.ts.
 */
import { IntegrityError, StaleDataError } from "../errors/errors";
import type { Connection } from "../engine/engine";
import { quoteIdentifier } from "../sql/compiler";
import { checkBindable } from "../sql/coerce";
import type { TableColumn, TableObject } from "../schema/table";
import type { InstanceState } from "./instance-state";
import { dispatchMapper, hasMapperListeners } from "../events/registry";
import { valuesEqual } from "./instance-state";
import type { Session } from "./session";
import type { ColumnProp, Mapper } from "./mapper";
import { expireColumnExpressions } from "./column-property";

/**
 * The attribute values a flush changed, to put back if it fails: state, key, had a value, old value
 * (four slots per change) in fixed-size chunks. Not an array per change: the log lives through the
 * whole flush, so each would survive garbage collections and be copied; and not one growing array:
 * growing a large array copies it again and again.
 */
const UNDO_CHUNK = 1024;
export class UndoLog {
  private readonly chunks: unknown[][] = [];
  /** Slots used in the last chunk. */
  private used = UNDO_CHUNK;
  record(st: InstanceState, key: string, had: boolean, old: unknown): void {
    if (this.used === UNDO_CHUNK) { this.chunks.push(new Array(UNDO_CHUNK)); this.used = 0; }
    const c = this.chunks[this.chunks.length - 1]!;
    const i = this.used;
    c[i] = st; c[i + 1] = key; c[i + 2] = had; c[i + 3] = old;
    this.used = i + 4;
  }
  /** Restores the recorded values, latest change first. */
  restore(): void {
    for (let n = this.chunks.length - 1; n >= 0; n--) {
      const c = this.chunks[n]!;
      for (let i = (n === this.chunks.length - 1 ? this.used : UNDO_CHUNK) - 4; i >= 0; i -= 4) {
        const st = c[i] as InstanceState, key = c[i + 1] as string;
        if (c[i + 2]) st.dict[key] = c[i + 3]; else delete st.dict[key];
      }
    }
  }
}

const sqlCache = new WeakMap<TableObject, Map<string, string>>();
function cachedSql(table: TableObject, shape: string, build: () => string): string {
  let m = sqlCache.get(table);
  if (!m) sqlCache.set(table, (m = new Map()));
  let sql = m.get(shape);
  if (sql === undefined) m.set(shape, (sql = build()));
  return sql;
}

function bindValue(col: TableColumn, v: unknown): unknown {
  // A JSON attribute set to null stores JSON 'null', as SQLAlchemy's JSON (none_as_null=False) does;
  // a JSON attribute never set stays SQL NULL (see insert()).
  if (v === null || v === undefined) return v === null && col.type.typeName === "JSON" ? "null" : null;
  const b = col.type.bind;
  const out = b ? b(v) : v;
  // Strings and numbers (most values) bind as they are; the checks' message is only built for the rest.
  return typeof out === "string" || typeof out === "number" ? out : checkBindable(out, `${col.table.mappedBy ?? col.table.name}.${col.key}`);
}
function evalDefault(d: unknown): unknown { return typeof d === "function" ? (d as () => unknown)() : d; }

export class Persister {
  constructor(private readonly session: Session, private readonly conn: Connection, private readonly undo: UndoLog) {}
  /**
   * One row's parameters are gathered here, then copied out at their exact size: an array grown by
   * push() from [] takes 17 slots, and one sized up front must be trimmed (a slow runtime call).
   */
  private readonly row: unknown[] = [];

  valueOf(st: InstanceState, col: TableColumn): unknown {
    const key = st.mapper.keyOfColumn(col);
    if (key in st.dict) return st.dict[key];
    if (st.key !== undefined && col.primaryKey) return st.identityValue(st.mapper.primaryKeyProps.findIndex((p) => p.key === key));
    return (st.obj as any)[key];
  }
  setValue(st: InstanceState, key: string, value: unknown): void {
    const had = key in st.dict;
    if (had && valuesEqual(st.dict[key], value)) return;
    this.undo.record(st, key, had, st.dict[key]);
    if (st.key !== undefined) { st.snapshot(key); st.modified = true; }
    st.dict[key] = value;
  }

  /**
   * INSERT of a new object's row in `table`. A joined-inheritance object has a row in each of its
   * tables: the flush calls this once per table, base first (its key fills the others' keys).
   */
  insert(st: InstanceState, table: TableObject = st.mapper.table): void {
    const plan = insertPlan(st.mapper, table);
    this.insertGathered(st, table, plan, this.gatherInsert(st, table, plan));
  }
  /** Executes the row gatherInsert() put in `this.row`. */
  private insertGathered(st: InstanceState, table: TableObject, plan: InsertPlan, shape: RowShape): void {
    const res = this.conn.execute({ sql: statementFor(plan, shape.mask, shape.wide, insertSql), parameters: this.row.slice(0, shape.n) });
    if (shape.autoPk) this.setValue(st, st.mapper.keyOfColumn(shape.autoPk), res.lastrowid);
    this.finishInsert(st, table, plan);
  }

  /**
   * The INSERTs of rows of which none refers to another (the flush checks), all in `table`:
   * consecutive rows of one mapper and statement shape go in multi-row statements (SQLAlchemy's
   * "insertmanyvalues"). One statement per row costs SQLite about as much again as the rows do.
   */
  insertAll(states: readonly InstanceState[], table: TableObject): void {
    const batch = new RowBatch<InsertPlan>();
    for (let i = 0; i < states.length; i++) {
      const st = states[i]!;
      if (st.mapper.tables.length > 1) {
        this.runInserts(batch, table);
        this.insert(st, table);
        continue;
      }
      const plan = insertPlan(st.mapper, table);
      const shape = this.gatherInsert(st, table, plan);
      // DEFAULT VALUES has no multi-row form; generated keys need rowids handed out in order.
      if (shape.n === 0 || (shape.autoPk && !this.keysInOrder(table, states.length))) {
        this.runInserts(batch, table);
        this.insertGathered(st, table, plan, shape);
        continue;
      }
      if (batch.states.length && !batch.takes(plan, shape)) this.runInserts(batch, table);
      batch.add(st, plan, shape, this.row);
    }
    this.runInserts(batch, table);
  }

  /** Executes a batch of INSERTs and empties it. */
  private runInserts(batch: RowBatch<InsertPlan>, table: TableObject): void {
    const states = batch.states;
    const k = states.length;
    if (k === 0) return;
    const plan = batch.plan!, shape = batch.shape;
    const single = statementFor(plan, shape.mask, shape.wide, insertSql);
    const parameters = batch.params.slice(0, k * shape.n);
    const key = shape.autoPk && states[0]!.mapper.keyOfColumn(shape.autoPk);
    try {
      const res = this.conn.execute({ sql: k === 1 ? single : insertManySql(plan, shape, k, single), parameters });
      if (key) {
        // The rows took consecutive rowids, the last one's is lastrowid (see keysInOrder).
        const first = res.lastrowid! - k + 1;
        for (let j = 0; j < k; j++) this.setValue(states[j]!, key, first + j);
      }
    } catch (e) {
      if (k === 1 || !(e instanceof IntegrityError)) throw e;
      // A failed statement changed nothing: the rows one by one name the one at fault.
      for (let j = 0; j < k; j++) {
        const res = this.conn.execute({ sql: single, parameters: parameters.slice(j * shape.n, (j + 1) * shape.n) });
        if (key) this.setValue(states[j]!, key, res.lastrowid);
      }
    }
    for (let j = 0; j < k; j++) this.finishInsert(states[j]!, table, plan);
    batch.clear();
  }

  /** keysInOrder's answer per table, for this flush. */
  private readonly ordered = new Map<TableObject, boolean>();
  /**
   * Whether the rows of one multi-row INSERT into `table` get consecutive keys in VALUES order, so that
   * lastrowid tells each row's. SQLite inserts VALUES rows in order and gives each new row one more
   * than the largest rowid yet (sqlite.org/autoinc.html), unless the largest possible is taken (then
   * it picks at random), and a trigger may insert rows in between. Asked once per table per flush;
   * with a trigger, or keys near 2^53 (past which JavaScript numbers aren't exact), rows go one by one.
   */
  private keysInOrder(table: TableObject, rows: number): boolean {
    let ok = this.ordered.get(table);
    if (ok === undefined) {
      const name = quoteIdentifier(table.name);
      const sql = `SELECT (SELECT max(rowid) FROM ${name}), EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? UNION ALL SELECT 1 FROM sqlite_temp_master WHERE type = 'trigger' AND tbl_name = ?)`;
      try {
        const [max, triggered] = this.conn.execute({ sql, parameters: [table.name, table.name] }).rows[0]! as [number | null, number];
        ok = !triggered && (max ?? 0) < Number.MAX_SAFE_INTEGER - rows;
      } catch {
        ok = false; // a WITHOUT ROWID table: no rowids to hand out; the INSERT itself says what is wrong
      }
      this.ordered.set(table, ok);
    }
    return ok;
  }

  /**
   * Gathers one row's INSERT parameters into `this.row` (filling defaults, the version counter and the
   * discriminator on the object) and says which statement shape they take.
   */
  private gatherInsert(st: InstanceState, table: TableObject, plan: InsertPlan): RowShape {
    const mapper = st.mapper;
    const multi = mapper.tables.length > 1;
    const first = !multi || table === mapper.tables[0];
    if (first) {
      dispatchMapper(mapper, "before_insert", this.conn, st.obj);
      const disc = mapper.polymorphicOnProp;
      if (disc && mapper.polymorphicIdentity !== undefined && st.dict[disc.key] == null) this.setValue(st, disc.key, mapper.polymorphicIdentity);
    }
    const version = mapper.versionProp;
    if (first && version && (st.dict[version.key] === undefined || st.dict[version.key] === null)) this.setValue(st, version.key, 1);
    const params = this.row;
    let n = 0;
    // (Indexed loops: see flush() in unit-of-work.ts.)
    for (let i = 0; i < plan.link.length; i++) {
      // The subclass table's key columns take the base row's key.
      const [child, parent] = plan.link[i]!;
      const v = this.valueOf(st, parent);
      if (mapper.keyOfColumn(child) !== mapper.keyOfColumn(parent)) this.setValue(st, mapper.keyOfColumn(child), v);
      params[n++] = bindValue(child, v);
    }
    // Which of plan.props are written (bit i for props[i]; columns past 30 as a list): the statement's shape.
    let mask = 0;
    let wide = "";
    let autoPk: TableColumn | undefined;
    for (let i = 0; i < plan.props.length; i++) {
      const prop = plan.props[i]!;
      const col = prop.column;
      let v = st.dict[prop.key];
      const unset = v === undefined;
      if (v === undefined || (v === null && col.primaryKey)) {
        if (v === undefined && col.default !== undefined) {
          v = evalDefault(col.default);
          this.setValue(st, prop.key, v);
        } else if (i === plan.autoPk) {
          autoPk = col;
          continue;
        } else if (col.serverDefault !== undefined) {
          continue; // the database fills it; expire so it is read back
        } else if (v === undefined) {
          v = null;
          this.setValue(st, prop.key, null); // known now: reading it later needs no SELECT
        }
      }
      params[n++] = unset && v === null ? null : bindValue(col, v);
      if (i < 30) mask |= 1 << i; else wide += `${i},`;
    }
    const shape = this.shape;
    shape.mask = mask; shape.wide = wide; shape.n = n; shape.autoPk = autoPk;
    return shape;
  }
  /** The shape of the row gathered last (one object, reused: a batch copies what it keeps). */
  private readonly shape: RowShape = { mask: 0, wide: "", n: 0, autoPk: undefined };

  /** After a row is in `table`: server defaults to read back, events. */
  private finishInsert(st: InstanceState, table: TableObject, plan: InsertPlan): void {
    const mapper = st.mapper;
    if (plan.serverDefaults) for (const prop of plan.props) if (prop.column.serverDefault !== undefined && st.dict[prop.key] === undefined) st.markExpired(prop.key);
    if (mapper.tables.length === 1 || table === mapper.tables[mapper.tables.length - 1]) {
      if (mapper.columnExpressions) expireColumnExpressions(st);
      dispatchMapper(mapper, "after_insert", this.conn, st.obj);
    }
  }

  /** Joined-inheritance objects whose UPDATE ran in one of their tables (for after_update). */
  private readonly updatedParts = new Set<InstanceState>();

  /** UPDATE of the changed columns of an object's row in `table` (once per table for joined inheritance). */
  update(st: InstanceState, table: TableObject = st.mapper.table): void {
    const plan = updatePlan(st.mapper, table);
    const shape = this.gatherUpdate(st, table, plan);
    if (!shape) return;
    const res = this.conn.execute({ sql: statementFor(plan, shape.mask, shape.wide, updateSql), parameters: this.row.slice(0, shape.n) });
    if (res.rowcount !== 1) throw staleUpdate(table, 1, res.rowcount, plan.version, this.oldVersion);
    this.finishUpdate(st, table);
  }

  /**
   * The UPDATEs of rows in `table`: consecutive rows of one mapper that change the same columns go in
   * one `UPDATE ... FROM (VALUES ...)` (each row's new values and its key), as SQLite has no
   * executemany. Rows whose key changes go alone.
   */
  updateAll(states: readonly InstanceState[], table: TableObject): void {
    if (!this.conn.supportsUpdateFrom) { for (let i = 0; i < states.length; i++) this.update(states[i]!, table); return; }
    const batch = new RowBatch<UpdatePlan>();
    for (let i = 0; i < states.length; i++) {
      const st = states[i]!;
      if (st.mapper.tables.length > 1 || keyChanges(st)) {
        this.runUpdates(batch, table);
        this.update(st, table);
        continue;
      }
      const plan = updatePlan(st.mapper, table);
      const shape = this.gatherUpdate(st, table, plan);
      if (!shape) continue;
      if (batch.states.length && !batch.takes(plan, shape)) this.runUpdates(batch, table);
      batch.add(st, plan, shape, this.row);
    }
    this.runUpdates(batch, table);
  }

  /** Executes a batch of UPDATEs and empties it. */
  private runUpdates(batch: RowBatch<UpdatePlan>, table: TableObject): void {
    const states = batch.states;
    const k = states.length;
    if (k === 0) return;
    const plan = batch.plan!, shape = batch.shape;
    const single = statementFor(plan, shape.mask, shape.wide, updateSql);
    const parameters = batch.params.slice(0, k * shape.n);
    try {
      const res = this.conn.execute({ sql: k === 1 ? single : updateManySql(plan, shape, k), parameters });
      if (res.rowcount !== k) throw staleUpdate(table, k, res.rowcount, plan.version, undefined);
    } catch (e) {
      if (k === 1 || !(e instanceof IntegrityError)) throw e;
      // SQLite may update a batch's rows in another order than the flush's, so a unique value passed
      // from one row to another can fail there and not one by one. A failed statement changed
      // nothing: the rows one by one, in the flush's order, go through or name the one at fault.
      for (let j = 0; j < k; j++) {
        const res = this.conn.execute({ sql: single, parameters: parameters.slice(j * shape.n, (j + 1) * shape.n) });
        if (res.rowcount !== 1) throw staleUpdate(table, 1, res.rowcount, plan.version, undefined);
      }
    }
    for (let j = 0; j < k; j++) this.finishUpdate(states[j]!, table);
    batch.clear();
  }

  /** The version counter value the row gathered last is matched by. */
  private oldVersion: unknown;
  /**
   * Gathers one row's UPDATE parameters into `this.row` (the changed columns, onupdate values and the
   * next version, then the key and old version that find the row) and says which statement shape
   * they take; undefined when nothing changed in this table.
   */
  private gatherUpdate(st: InstanceState, table: TableObject, plan: UpdatePlan): RowShape | undefined {
    const mapper = st.mapper;
    const multi = mapper.tables.length > 1;
    const first = !multi || table === mapper.tables[0];
    const last = !multi || table === mapper.tables[mapper.tables.length - 1];
    if (first) dispatchMapper(mapper, "before_update", this.conn, st.obj);
    const props = plan.props;
    const params = this.row;
    let n = 0;
    // Only the columns whose value differs from the database's (copy-on-write snapshots); which ones
    // (bit i for props[i], columns past 30 as a list) is the statement's shape.
    let mask = 0;
    let wide = "";
    for (let i = 0; i < props.length; i++) {
      const prop = props[i]!;
      if (!differs(st, prop.key)) continue;
      params[n++] = bindValue(prop.column, st.dict[prop.key]);
      if (i < 30) mask |= 1 << i; else wide += `${i},`;
    }
    // Versioned rows: the counter (in the base table) goes up when any of the object's tables changes.
    const version = plan.version;
    if (n === 0 && !(version && plan.otherTables.some((p) => differs(st, p.key)))) {
      if (last && multi && this.updatedParts.delete(st)) {
        if (mapper.columnExpressions) expireColumnExpressions(st);
        dispatchMapper(mapper, "after_update", this.conn, st.obj);
      }
      return undefined; // nothing changed here: no UPDATE
    }
    const versionWritten = version !== undefined && (differs(st, version.key) || version.column.onupdate !== undefined);
    for (let i = 0; i < plan.onupdate.length; i++) {
      const prop = plan.onupdate[i]!;
      if (differs(st, prop.key)) continue;
      const v = evalDefault(prop.column.onupdate);
      this.setValue(st, prop.key, v);
      params[n++] = bindValue(prop.column, v);
    }
    let oldVersion: unknown;
    if (version && !versionWritten) {
      oldVersion = version.key in st.committed ? st.committed[version.key] : this.valueOf(st, version.column);
      const next = (oldVersion as number) + 1;
      this.setValue(st, version.key, next);
      params[n++] = bindValue(version.column, next);
    } else if (version) oldVersion = st.committed[version.key];
    // The row as the database knows it: a changed primary key is matched by its old value.
    for (let i = 0; i < plan.pk.length; i++) {
      const { column, key, index } = plan.pk[i]!;
      params[n++] = bindValue(column, key in st.committed ? st.committed[key] : st.identityValue(index) ?? this.valueOf(st, column));
    }
    if (version) params[n++] = bindValue(version.column, oldVersion);
    this.oldVersion = oldVersion;
    const shape = this.shape;
    shape.mask = mask; shape.wide = wide; shape.n = n; shape.autoPk = undefined;
    return shape;
  }

  /** After a row's UPDATE in `table`: column expressions to reload, after_update once the object's last table is done. */
  private finishUpdate(st: InstanceState, table: TableObject): void {
    const mapper = st.mapper;
    if (mapper.tables.length === 1 || table === mapper.tables[mapper.tables.length - 1]) {
      this.updatedParts.delete(st);
      if (mapper.columnExpressions) expireColumnExpressions(st);
      dispatchMapper(mapper, "after_update", this.conn, st.obj);
    } else this.updatedParts.add(st);
  }

  /** The second UPDATE of a postUpdate relationship: just its key columns, by primary key. */
  postUpdate(st: InstanceState, values: Map<string, unknown>): void {
    const mapper = st.mapper;
    const cols = [...values.keys()].map((k) => mapper.columnPropByKey.get(k)!.column);
    const table = cols[0]!.table;
    const pkCols = table.primaryKey;
    const sql = cachedSql(table, `PU:${cols.map((c) => c.name).join(",")}`, () =>
      `UPDATE ${quoteIdentifier(table.name)} SET ${cols.map((c) => `${quoteIdentifier(c.name)}=?`).join(", ")} WHERE ${pkCols.map((c) => `${quoteIdentifier(table.name)}.${quoteIdentifier(c.name)} = ?`).join(" AND ")}`);
    for (const [k, v] of values) this.setValue(st, k, v);
    const params = [...cols.map((c) => bindValue(c, values.get(mapper.keyOfColumn(c)))), ...pkCols.map((c) => bindValue(c, st.identityValue(mapper.primaryKeyProps.findIndex((p) => p.column === c)) ?? this.valueOf(st, c)))];
    const res = this.conn.execute({ sql, parameters: params });
    if (res.rowcount !== 1) throw new StaleDataError(`post-update UPDATE on table '${table.name}' expected to update 1 row(s); ${res.rowcount} were matched.`);
  }

  /** DELETE of an object's row in `table` (joined inheritance: once per table, subclass tables first). */
  delete(st: InstanceState, table: TableObject = st.mapper.table): void {
    const mapper = st.mapper;
    const multi = mapper.tables.length > 1;
    const base = !multi || table === mapper.tables[0];
    if (!multi || table === mapper.tables[mapper.tables.length - 1]) dispatchMapper(mapper, "before_delete", this.conn, st.obj);
    const pkCols = table.primaryKey;
    const version = base ? mapper.versionProp : undefined;
    const where = version ? [...pkCols, version.column] : pkCols;
    const sql = cachedSql(table, version ? "Dv" : "D", () => `DELETE FROM ${quoteIdentifier(table.name)} WHERE ${where.map((c) => `${quoteIdentifier(table.name)}.${quoteIdentifier(c.name)} = ?`).join(" AND ")}`);
    const params = pkCols.map((c) => { const k = mapper.keyOfColumn(c); const i = mapper.primaryKeyProps.findIndex((p) => p.key === k); return bindValue(c, (i >= 0 ? st.identityValue(i) : undefined) ?? this.valueOf(st, c)); });
    if (version) params.push(bindValue(version.column, version.key in st.committed ? st.committed[version.key] : this.valueOf(st, version.column)));
    const res = this.conn.execute({ sql, parameters: params });
    if (version && res.rowcount !== 1) throw new StaleDataError(`DELETE statement on table '${table.name}' expected to delete 1 row(s); ${res.rowcount} were matched. The row was changed or deleted by someone else: refresh the object first.`);
    if (base) dispatchMapper(mapper, "after_delete", this.conn, st.obj);
  }

  /**
   * Deletes rows of one table in set-based statements (DELETE ... WHERE pk IN (...), 500 at a time)
   * when no delete event listener needs them one by one; every row must be found.
   */
  deleteMany(states: InstanceState[]): void {
    const mapper = states[0]!.mapper;
    const pk = mapper.primaryKeyProps;
    if (states.length < 2 || pk.length !== 1 || mapper.versionProp || mapper.tables.length > 1 || states.some((st) => st.mapper !== mapper) || hasMapperListeners(mapper, ["before_delete", "after_delete"])) {
      for (const st of states) this.delete(st);
      return;
    }
    const col = pk[0]!.column;
    this.deleteByKeys(mapper, states.map((st) => st.identityValue(0) ?? this.valueOf(st, col)));
  }

  /**
   * Rows deleted by primary key (deleteMany's objects, or cascaded children the session never
   * loaded), 500 per statement; each must be found, else another transaction changed them meanwhile.
   */
  deleteByKeys(mapper: Mapper, keys: readonly unknown[]): void {
    this.deleteIn(mapper.table, mapper.primaryKeyProps[0]!.column, keys, true);
  }

  /** Rows whose `fkCol` is one of `parentKeys` (children cascaded by their parents' keys), 500 keys per statement. */
  deleteByForeignKey(mapper: Mapper, fkCol: TableColumn, parentKeys: readonly unknown[]): void {
    this.deleteIn(mapper.table, fkCol, parentKeys.filter((k) => k !== null && k !== undefined), false);
  }

  /** `DELETE FROM table WHERE col IN (…)`, 500 values per statement; `oneEach`: each value must match one row. */
  private deleteIn(table: TableObject, col: TableColumn, values: readonly unknown[], oneEach: boolean): void {
    for (let i = 0; i < values.length; i += 500) {
      const chunk = values.slice(i, i + 500);
      const sql = cachedSql(table, `DI:${col.name}:${chunk.length}`, () => `DELETE FROM ${quoteIdentifier(table.name)} WHERE ${quoteIdentifier(table.name)}.${quoteIdentifier(col.name)} IN (${chunk.map(() => "?").join(", ")})`);
      const res = this.conn.execute({ sql, parameters: chunk.map((k) => bindValue(col, k)) });
      if (oneEach && res.rowcount !== chunk.length) throw new StaleDataError(`DELETE statement on table '${table.name}' expected to delete ${chunk.length} row(s); ${res.rowcount} were matched. Rows were deleted elsewhere.`);
    }
  }

  insertAssociation(table: TableObject, row: Map<string, () => unknown>): void {
    const names = [...row.keys()];
    const sql = cachedSql(table, `I:${names.join(",")}`, () => `INSERT INTO ${quoteIdentifier(table.name)} (${names.map(quoteIdentifier).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`);
    this.conn.execute({ sql, parameters: names.map((n) => bindValue(table.columns.find((c) => c.name === n)!, row.get(n)!())) });
  }
  deleteAssociation(table: TableObject, row: Map<string, () => unknown>): void {
    const names = [...row.keys()];
    const sql = cachedSql(table, `D:${names.join(",")}`, () => `DELETE FROM ${quoteIdentifier(table.name)} WHERE ${names.map((n) => `${quoteIdentifier(table.name)}.${quoteIdentifier(n)} = ?`).join(" AND ")}`);
    this.conn.execute({ sql, parameters: names.map((n) => bindValue(table.columns.find((c) => c.name === n)!, row.get(n)!())) });
  }
  /** Deleting an object removes its rows from every association table it takes part in. */
  deleteAssociations(st: InstanceState): void {
    for (const rel of st.mapper.relationshipList) {
      if (rel.direction !== "MANYTOMANY" || rel.viewonly || !rel.secondary) continue;
      const table = rel.secondary;
      const names = rel.secondaryLocal.map(([, s]) => s.name);
      const sql = cachedSql(table, `DA:${names.join(",")}`, () => `DELETE FROM ${quoteIdentifier(table.name)} WHERE ${names.map((n) => `${quoteIdentifier(table.name)}.${quoteIdentifier(n)} = ?`).join(" AND ")}`);
      this.conn.execute({ sql, parameters: rel.secondaryLocal.map(([p, s]) => bindValue(s, this.valueOf(st, p))) });
    }
  }
  get sessionRef(): Session { return this.session; }
}

/** What an INSERT into one table of a mapper writes, worked out once (rows differ only in which columns are unset). */
interface InsertPlan {
  /** Joined inheritance: the subclass table's key columns, from the base row's key, always written first. */
  readonly link: readonly (readonly [TableColumn, TableColumn])[];
  /** The mapper's other columns in the table. */
  readonly props: readonly ColumnProp[];
  /** Index in props of the autoincrement integer key the database fills when unset (-1: none). */
  readonly autoPk: number;
  readonly serverDefaults: boolean;
  readonly table: TableObject;
  /** INSERT statements by shape (which props are written). */
  readonly sql: Map<number | string, string>;
  /** Multi-row INSERT statements by shape and row count. */
  readonly batchSql: Map<string, string>;
}
/** Which statement a row's INSERT takes: the props it writes (mask / wide), its parameter count, the key the database fills. */
interface RowShape { mask: number; wide: string; n: number; autoPk: TableColumn | undefined }

/** Most rows per multi-row INSERT; also at most 999 parameters, the smallest limit SQLite builds have had. */
const BATCH_ROWS = 100, BATCH_PARAMS = 999;

/** Rows of one plan and shape gathered for one multi-row statement (INSERT ... VALUES, UPDATE ... FROM VALUES). */
class RowBatch<P> {
  readonly states: InstanceState[] = [];
  readonly params: unknown[] = [];
  plan: P | undefined;
  readonly shape: RowShape = { mask: 0, wide: "", n: 0, autoPk: undefined };
  /** Whether a row of `plan` and `shape` can join the rows gathered so far. */
  takes(plan: P, shape: RowShape): boolean {
    const s = this.shape;
    return plan === this.plan && shape.mask === s.mask && shape.wide === s.wide && shape.n === s.n && shape.autoPk === s.autoPk
      && this.states.length < Math.min(BATCH_ROWS, Math.floor(BATCH_PARAMS / s.n));
  }
  add(st: InstanceState, plan: P, shape: RowShape, row: readonly unknown[]): void {
    if (this.states.length === 0) {
      this.plan = plan;
      const s = this.shape;
      s.mask = shape.mask; s.wide = shape.wide; s.n = shape.n; s.autoPk = shape.autoPk;
    }
    const at = this.states.length * shape.n;
    for (let i = 0; i < shape.n; i++) this.params[at + i] = row[i];
    this.states.push(st);
  }
  clear(): void { this.states.length = 0; this.plan = undefined; }
}

/** A plan per mapper and table, worked out on first use. */
function planFor<P>(cache: WeakMap<Mapper, Map<TableObject, P>>, mapper: Mapper, table: TableObject, build: () => P): P {
  let byTable = cache.get(mapper);
  if (!byTable) cache.set(mapper, (byTable = new Map()));
  let plan = byTable.get(table);
  if (plan === undefined) byTable.set(table, (plan = build()));
  return plan;
}

const insertPlans = new WeakMap<Mapper, Map<TableObject, InsertPlan>>();
function insertPlan(mapper: Mapper, table: TableObject): InsertPlan { return planFor(insertPlans, mapper, table, () => buildInsertPlan(mapper, table)); }
function buildInsertPlan(mapper: Mapper, table: TableObject): InsertPlan {
  const multi = mapper.tables.length > 1;
  const link = multi && table !== mapper.tables[0] ? inheritLink(mapper, table) ?? [] : [];
  const props = mapper.columnProps.filter((p) => (!multi || p.column.table === table) && !link.some(([child]) => child === p.column));
  const single = mapper.primaryKeyProps.length === 1;
  const autoPk = props.findIndex(({ column: c }) => single && c.primaryKey && c.type.typeName.endsWith("Integer") && c.spec.options.autoincrement !== false);
  return { link, props, autoPk, serverDefaults: props.some((p) => p.column.serverDefault !== undefined), table, sql: new Map(), batchSql: new Map() };
}
/**
 * A statement by shape: which of a plan's props a row writes (bit i of `mask` for props[i], props
 * past 30 listed in `wide`), built on first use.
 */
function statementFor<P extends { readonly sql: Map<number | string, string> }>(plan: P, mask: number, wide: string, build: (plan: P, mask: number, wide: string) => string): string {
  const shape = wide ? `${mask}:${wide}` : mask;
  let sql = plan.sql.get(shape);
  if (sql === undefined) plan.sql.set(shape, (sql = build(plan, mask, wide)));
  return sql;
}
/** The props a shape writes. */
function propsOfShape(props: readonly ColumnProp[], mask: number, wide: string): ColumnProp[] {
  const listed = new Set(wide.split(",").filter(Boolean).map(Number));
  return props.filter((_, i) => (i < 30 ? (mask & (1 << i)) !== 0 : listed.has(i)));
}
function insertSql(plan: InsertPlan, mask: number, wide: string): string {
  const table = plan.table;
  const cols = [...plan.link.map(([child]) => child), ...propsOfShape(plan.props, mask, wide).map((p) => p.column)];
  return cols.length
    ? `INSERT INTO ${quoteIdentifier(table.name)} (${cols.map((c) => quoteIdentifier(c.name)).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`
    : `INSERT INTO ${quoteIdentifier(table.name)} DEFAULT VALUES`;
}

/** A multi-row statement by shape and row count (statementFor's counterpart), built on first use. */
function batchStatementFor<P extends { readonly batchSql: Map<string, string> }>(plan: P, shape: RowShape, rows: number, build: () => string): string {
  const key = `${shape.mask}:${shape.wide}:${rows}`;
  let sql = plan.batchSql.get(key);
  if (sql === undefined) plan.batchSql.set(key, (sql = build()));
  return sql;
}
/** The multi-row form of a shape's INSERT (`single`), for `rows` rows. */
function insertManySql(plan: InsertPlan, shape: RowShape, rows: number, single: string): string {
  return batchStatementFor(plan, shape, rows, () => single + `, ${single.slice(single.lastIndexOf(" VALUES ") + 8)}`.repeat(rows - 1));
}
/** The multi-row form of a shape's UPDATE: each VALUES row holds one row's parameters, in the single statement's order. */
function updateManySql(plan: UpdatePlan, shape: RowShape, rows: number): string {
  return batchStatementFor(plan, shape, rows, () => {
    const { set, where } = updateColumns(plan, shape.mask, shape.wide);
    const t = quoteIdentifier(plan.table.name);
    const row = `(${Array(shape.n).fill("?").join(", ")})`;
    // VALUES names its columns column1, column2, ...
    return `UPDATE ${t} SET ${set.map((c, i) => `${quoteIdentifier(c.name)}=v.column${i + 1}`).join(", ")} FROM (VALUES ${Array(rows).fill(row).join(", ")}) AS v WHERE ${where.map((c, i) => `${t}.${quoteIdentifier(c.name)} = v.column${set.length + i + 1}`).join(" AND ")}`;
  });
}

/** A flush's UPDATE that matched other than one row per object: the rows changed or went elsewhere meanwhile (`oldVersion`: one row's, when known). */
function staleUpdate(table: TableObject, expected: number, matched: number, version: ColumnProp | undefined, oldVersion: unknown): StaleDataError {
  const why = !version ? "The row was deleted or its key changed elsewhere."
    : oldVersion !== undefined ? `The row was changed (its ${version.key} is no longer ${String(oldVersion)}) or deleted by someone else: refresh the object and apply the change again.`
    : `Rows were changed (their ${version.key} moved on) or deleted by someone else: refresh the objects and apply the changes again.`;
  return new StaleDataError(`UPDATE statement on table '${table.name}' expected to update ${expected} row(s); ${matched} were matched. ${why}`);
}

/** Whether the flush changes the object's primary key (its UPDATE then goes alone, matched by the old key). */
function keyChanges(st: InstanceState): boolean {
  const pk = st.mapper.primaryKeyProps;
  for (let i = 0; i < pk.length; i++) if (differs(st, pk[i]!.key)) return true;
  return false;
}

/** Whether a column's value differs from the database's (set since the last load or flush, to another value). */
function differs(st: InstanceState, key: string): boolean {
  return key in st.committed && key in st.dict && !valuesEqual(st.dict[key], st.committed[key]);
}

/** What an UPDATE of one table of a mapper involves, worked out once (rows differ only in which columns changed). */
interface UpdatePlan {
  /** The mapper's columns in the table. */
  readonly props: readonly ColumnProp[];
  /** Its columns in its other tables (joined inheritance): a change there bumps the version too. */
  readonly otherTables: readonly ColumnProp[];
  /** Columns of the table with an onupdate value (set when the row is updated and they did not change). */
  readonly onupdate: readonly ColumnProp[];
  /** The version counter, updated and checked with the base table's row. */
  readonly version: ColumnProp | undefined;
  /** The table's key columns, their attribute keys and places in the primary key. */
  readonly pk: readonly { column: TableColumn; key: string; index: number }[];
  readonly table: TableObject;
  /** UPDATE statements by shape (which props changed). */
  readonly sql: Map<number | string, string>;
  /** Multi-row UPDATE statements by shape and row count. */
  readonly batchSql: Map<string, string>;
}
const updatePlans = new WeakMap<Mapper, Map<TableObject, UpdatePlan>>();
function updatePlan(mapper: Mapper, table: TableObject): UpdatePlan { return planFor(updatePlans, mapper, table, () => buildUpdatePlan(mapper, table)); }
function buildUpdatePlan(mapper: Mapper, table: TableObject): UpdatePlan {
  const multi = mapper.tables.length > 1;
  const props = mapper.columnProps.filter((p) => !multi || p.column.table === table);
  const pk = table.primaryKey.map((column) => {
    const key = mapper.keyOfColumn(column);
    return { column, key, index: mapper.primaryKeyProps.findIndex((p) => p.key === key) };
  });
  return {
    props, pk, table, sql: new Map(), batchSql: new Map(),
    otherTables: mapper.columnProps.filter((p) => !props.includes(p)),
    onupdate: props.filter((p) => p.column.onupdate !== undefined),
    version: !multi || table === mapper.tables[0] ? mapper.versionProp : undefined,
  };
}
/** SET the changed columns, then the onupdate ones that did not change, then the version counter; WHERE key (and version). */
function updateSql(plan: UpdatePlan, mask: number, wide: string): string {
  const { set, where } = updateColumns(plan, mask, wide);
  const t = quoteIdentifier(plan.table.name);
  return `UPDATE ${t} SET ${set.map((c) => `${quoteIdentifier(c.name)}=?`).join(", ")} WHERE ${where.map((c) => `${t}.${quoteIdentifier(c.name)} = ?`).join(" AND ")}`;
}
/** The columns an UPDATE shape sets (changed, onupdate, version) and those that find the row (key, old version), in parameter order. */
function updateColumns(plan: UpdatePlan, mask: number, wide: string): { set: TableColumn[]; where: TableColumn[] } {
  const changed = propsOfShape(plan.props, mask, wide);
  const set = [...changed, ...plan.onupdate.filter((p) => !changed.includes(p))].map((p) => p.column);
  const version = plan.version;
  if (version && !set.includes(version.column)) set.push(version.column);
  return { set, where: [...plan.pk.map((k) => k.column), ...(version ? [version.column] : [])] };
}

/** The [subclass column, parent column] pairs that give a joined-inheritance table its key. */
function inheritLink(mapper: Mapper, table: TableObject): readonly (readonly [TableColumn, TableColumn])[] | undefined {
  for (let m: Mapper | undefined = mapper; m; m = m.inherits) if (m.table === table && m.inheritJoin.length) return m.inheritJoin;
  return undefined;
}
