/**
 * ORM query execution: select() of entities → SQL with eager-load joins →
 * rows → instances through the identity map; then selectin loads. Also the
 * lazy loader and the reload of expired attributes.
 * Called by session.ts (execute/get/refresh) and attributes.ts (lazy access).
 */
import { dispatchInstance, instanceEventsOf, listening } from "../events/registry";
import { InvalidRequestError, ObjectDeletedError } from "../errors/errors";
import { Select, setOrmCompiler } from "../sql/select";
import { SqlCompiler } from "../sql/compiler";
import { adaptToFrom } from "../sql/adapt";
import { checkBindable } from "../sql/coerce";
import type { CompiledQuery } from "../engine/engine";
import { Result } from "../engine/result";
import type { AliasNode, ColumnNode, CompoundNode, EntityNode, ExprNode, FromNode, JoinClause, SelectNode, TableNode } from "../sql/nodes";
import { Integer } from "../schema/types";
import { allOf, eqNode } from "../sql/expressions";
import type { TableColumn } from "../schema/table";
import { InstanceState, lazySessionKey, setStateMaker, stateKey, stateOf, statelessDict } from "./instance-state";
import { AliasedClass, mapperOf, type ColumnProp, type Mapper } from "./mapper";
import type { RelationshipProperty, LazyStrategy } from "./relationship";
import { LoaderOption, ColumnLoaderOption } from "./strategy-options";
import { NO_VALUE, setLoaded } from "./attributes";
import { quiet, type InstrumentedList } from "./collections";
import { isWriteOnly } from "./writeonly";
import type { Session } from "./session";
import { identifyByDict, identityKeyOfDict, identityKeyOfValue, type IdentityKey } from "./identity-map";
import { columnExpressionsToReload, loadedColumnExpressions, populateColumnExpressions, type ColumnExpressionProp } from "./column-property";

/** Largest IN list per selectin query (SQLite's default variable limit is far higher; keeps statements cacheable). */
const IN_CHUNK = 500;

interface EntitySlot {
  kind: "entity"; mapper: Mapper; from: TableNode | AliasNode; start: number; joined: JoinedLoad[]; selectin: PathLoad[];
  /** Positions (in mapper.columnProps) of the columns this query loads, when not all of them; `at`: their row positions. */
  props?: readonly number[];
  at?: readonly number[];
  /** An inheritance hierarchy's base: each row's discriminator picks the class and its columns. */
  poly?: PolyHydration;
  /** Column properties loaded with the entity, from `exprStart` in the row (absent when none). */
  exprs?: readonly ColumnExpressionProp[]; exprStart?: number;
}
/** Per class of a polymorphic query: where each of its column properties is in the row. */
interface PolyHydration {
  readonly disc: number;
  readonly discNode: ExprNode;
  readonly byIdentity: ReadonlyMap<unknown, { readonly mapper: Mapper; readonly props: readonly number[]; readonly at: readonly number[] }>;
}
interface ColumnSlot { kind: "column"; index: number; node: ExprNode }
/** @internal */ export type Slot = EntitySlot | ColumnSlot;
/** A joined eager load: the alias and column range in the row, and nested joined loads. */
interface JoinedLoad {
  rel: RelationshipProperty; from: TableNode | AliasNode; start: number; joined: JoinedLoad[]; selectin: PathLoad[];
  exprs?: readonly ColumnExpressionProp[]; exprStart?: number;
  /** The target's columns this load selects when some are deferred (positions in columnProps; `at`: row positions). */
  props?: readonly number[]; at?: readonly number[];
}
/** A joined load's columns of `target` through `from`: all, or (deferred columns) the others, with their row positions. */
function joinedColumns(jl: JoinedLoad, target: Mapper, through: (p: ColumnProp) => ExprNode, columns: ExprNode[]): void {
  const deferred = target.deferredIndexes;
  if (deferred.length === 0) { columns.push(...target.columnProps.map(through)); return; }
  const skip = new Set(deferred);
  const props = target.columnProps.map((_, i) => i).filter((i) => !skip.has(i));
  jl.props = props;
  jl.at = props.map((_, j) => jl.start + j);
  columns.push(...props.map((i) => through(target.columnProps[i]!)));
}
/** A relationship to load after the main query, with what to load beneath it. */
interface PathLoad { rel: RelationshipProperty; strategy: LazyStrategy; children: Map<RelationshipProperty, LazyStrategy | PathTree> }
type PathTree = { strategy: LazyStrategy; children: Map<RelationshipProperty, PathTree> };

/** Options tree for one mapper: relationship → strategy and sub-options. */
function optionTree(options: readonly unknown[]): Map<Mapper, Map<RelationshipProperty, PathTree>> {
  const out = new Map<Mapper, Map<RelationshipProperty, PathTree>>();
  for (const o of options) {
    if (!(o instanceof LoaderOption)) continue;
    const first = o.steps[0]!.attr;
    let level: Map<RelationshipProperty, PathTree> | undefined = out.get(first.mapper);
    if (!level) out.set(first.mapper, (level = new Map()));
    for (const step of o.steps) {
      const rel = step.attr.property;
      if (isWriteOnly(rel)) {
        throw new InvalidRequestError(`'${rel.name}' does not support object population - eager loading cannot be applied: it is a ${rel.lazy === "dynamic" ? "dynamic" : "write-only"} collection (lazy: "${rel.lazy}"), never loaded into the object. Query its members with session.scalars(obj.${rel.key}.select()) instead of ${strategyName(step.strategy)}(${rel.name}).`);
      }
      let node: PathTree | undefined = level.get(rel);
      if (!node) level.set(rel, (node = { strategy: step.strategy, children: new Map() }));
      else if (step === o.steps[o.steps.length - 1]) node.strategy = step.strategy;
      level = node.children;
    }
  }
  return out;
}

function strategyName(s: LazyStrategy): string {
  return ({ joined: "joinedload", selectin: "selectinload", select: "lazyload", raise: "raiseload", noload: "noload", contains_eager: "containsEager" } as Record<string, string>)[s] ?? s;
}

let aliasSeq = 0;

/** Plans the SELECT: entity columns, eager joins; returns the node and the slots to hydrate. */
export function planSelect(stmt: Select<any>): { node: SelectNode; slots: Slot[]; hasJoinedCollections: boolean; extraWhere: ExprNode[] } {
  const tree = optionTree(stmt.loaderOptions);
  const base = stmt.node;
  const columns: ExprNode[] = [];
  const joins: JoinClause[] = [...base.joins];
  const inheritJoins: JoinClause[] = [];
  const extraWhere: ExprNode[] = [];
  const eagerOrderBy: ExprNode[] = [];
  const slots: Slot[] = [];
  let hasJoinedCollections = false;
  const limited = !!(base.limit || base.offset);
  for (const col of base.columns) {
    if (col.kind === "entity") {
      const mapper = mapperOf(col.entity) ?? (col.entity instanceof AliasedClass ? col.entity.mapper : undefined);
      if (!mapper) throw new InvalidRequestError(`Entity ${String(col.entity)} is not mapped.`);
      mapper.registry.configure();
      const start = columns.length;
      let slot: EntitySlot;
      const hier = mapper.inherits || mapper.descendants.length ? hierarchyPlan(mapper) : undefined;
      if (hier) {
        // Inheritance: the tables of the class (and of its subclasses), and the discriminator filter.
        for (const j of hier.joins) if (!inheritJoins.some((k) => k.target === j.target)) inheritJoins.push(j);
        if (hier.where) extraWhere.push(hier.where);
        columns.push(...hier.columns);
        slot = { kind: "entity", mapper, from: col.from, start, joined: [], selectin: [] };
        if (hier.poly) slot.poly = { ...hier.poly, disc: start + hier.poly.disc, byIdentity: new Map([...hier.poly.byIdentity].map(([k, v]) => [k, { ...v, at: v.at.map((i) => start + i) }])) };
      } else {
        const props = loadedProps(mapper, stmt.loaderOptions);
        slot = { kind: "entity", mapper, from: col.from, start, joined: [], selectin: [], ...(props ? { props, at: props.map((_, j) => start + j) } : {}) };
        columns.push(...(props ? props.map((i) => col.columns[i]!) : col.columns));
      }
      if (mapper.columnExpressions) addColumnExpressions(slot, loadedColumnExpressions(mapper, stmt.loaderOptions), col.from === mapper.baseNode ? mapper.table.node : col.from, columns);
      const plan = (m: Mapper, from: TableNode | AliasNode, opts: Map<RelationshipProperty, PathTree> | undefined, into: { joined: JoinedLoad[]; selectin: PathLoad[] }, depth: number, outer: boolean) => {
        for (const rel of m.relationshipList) {
          const opt = opts?.get(rel);
          let strategy: LazyStrategy = opt?.strategy ?? (depth === 0 || opt ? rel.lazy : rel.lazy);
          // Default eager strategies don't recurse forever on self-references.
          if (!opt && depth > 0 && rel.target === m && ["joined", "selectin", "subquery", "immediate"].includes(strategy)) strategy = "select";
          if (strategy === "joined" && limited && rel.uselist) strategy = "selectin"; // LIMIT applies to parents, not joined rows
          // A target spread over an inheritance hierarchy loads with its own query.
          const hierTarget = !!(rel.target.inherits || rel.target.descendants.length);
          if (strategy === "joined" && hierTarget) strategy = "selectin";
          if (strategy === "contains_eager" && hierTarget) throw new InvalidRequestError(`containsEager(${rel.name}) is not supported for ${rel.target.name}, a class of an inheritance hierarchy; use selectinload(${rel.name}).`);
          if (strategy === "contains_eager") {
            // The user's own join supplies the rows: select the target's columns from it.
            if (!base.froms.concat(joins.map((j) => j.target)).some((f) => fromHasTable(f, rel.target.table.node.table))) {
              throw new InvalidRequestError(`containsEager(${rel.name}) needs the query to join ${rel.target.table.name}: add .join(${rel.name}).`);
            }
            const jl: JoinedLoad = { rel, from: rel.target.table.node, start: columns.length, joined: [], selectin: [] };
            joinedColumns(jl, rel.target, (p) => p.column.node, columns);
            if (rel.target.columnExpressions) addColumnExpressions(jl, loadedColumnExpressions(rel.target, []), rel.target.table.node, columns);
            if (rel.uselist) hasJoinedCollections = true;
            into.joined.push(jl);
            plan(rel.target, rel.target.table.node, opt?.children, jl, depth + 1, true);
          } else if (strategy === "joined" && depth < 6) {
            if (rel.uselist) hasJoinedCollections = true;
            const targetAlias: AliasNode = Object.freeze({ kind: "alias", name: `${rel.target.table.name}_${++aliasSeq % 1000 || 1}`, element: rel.target.table.node });
            if (rel.secondary) {
              const secAlias: AliasNode = Object.freeze({ kind: "alias", name: `${rel.secondary.name}_${aliasSeq}`, element: rel.secondary.node });
              const [onSec, onTarget] = rel.secondaryConditions(from, secAlias, targetAlias);
              joins.push({ target: { kind: "join", left: secAlias, right: targetAlias, on: onTarget, isOuter: true }, on: onSec, isOuter: true, left: from });
            } else {
              joins.push({ target: targetAlias, on: rel.joinCondition(from, targetAlias), isOuter: true, left: from });
            }
            const jl: JoinedLoad = { rel, from: targetAlias, start: columns.length, joined: [], selectin: [] };
            joinedColumns(jl, rel.target, (p) => p.column.through(targetAlias), columns);
            if (rel.target.columnExpressions) addColumnExpressions(jl, loadedColumnExpressions(rel.target, []), targetAlias, columns);
            // A joined collection comes in its relationship's order: that order follows the query's own.
            if (rel.uselist) for (const ob of rel.orderBy) eagerOrderBy.push(adaptToFrom(ob, rel.target.table, targetAlias));
            into.joined.push(jl);
            plan(rel.target, targetAlias, opt?.children, jl, depth + 1, true);
          } else if (strategy === "selectin" || strategy === "joined" || strategy === "subquery" || strategy === "immediate") {
            // "subquery" and "immediate" load right after the parents too; selectin gives the same objects in fewer statements.
            into.selectin.push({ rel, strategy: "selectin", children: (opt?.children ?? new Map()) as any });
          } else if (opt && (strategy === "raise" || strategy === "noload" || strategy === "select" || strategy === "raise_on_sql")) {
            into.selectin.push({ rel, strategy, children: opt.children as any });
          }
        }
        void outer;
      };
      plan(mapper, col.from, tree.get(mapper), slot, 0, false);
      slots.push(slot);
    } else {
      if (col.kind === "column" && col.parentEntity) {
        // A subclass's column: its class's tables are joined and its rows filtered, as for the entity.
        const hier = hierarchyPlan(col.parentEntity as Mapper);
        for (const j of inheritanceJoins(col.parentEntity as Mapper, false)) if (!inheritJoins.some((k) => k.target === j.target)) inheritJoins.push(j);
        if (hier.where && !extraWhere.includes(hier.where)) extraWhere.push(hier.where);
      }
      slots.push({ kind: "column", index: columns.length, node: col });
      columns.push(col);
    }
  }
  return {
    node: {
      ...base, columns, joins: inheritJoins.length ? [...inheritJoins, ...joins] : joins, where: extraWhere.length ? [...base.where, ...extraWhere] : base.where,
      ...(eagerOrderBy.length ? { orderBy: [...base.orderBy, ...eagerOrderBy] } : {}),
    },
    slots, hasJoinedCollections, extraWhere,
  };
}

/** How a query selects a class of an inheritance hierarchy: its columns, joins, filter and hydration. */
interface HierarchyPlan { columns: ExprNode[]; joins: JoinClause[]; where?: ExprNode; poly?: PolyHydration }
const hierarchyPlans = new WeakMap<Mapper, HierarchyPlan>();
function hierarchyPlan(mapper: Mapper): HierarchyPlan {
  let plan = hierarchyPlans.get(mapper);
  if (plan) return plan;
  const props = [...mapper.columnProps];
  const joins: JoinClause[] = inheritanceJoins(mapper, false);
  let poly: PolyHydration | undefined;
  const discProp = mapper.polymorphicOnProp;
  if (mapper.isPolymorphic && discProp) {
    // The subclasses' columns too (outer-joining their tables), so each row becomes its own class.
    for (const d of mapper.descendants) {
      for (const p of d.columnProps) if (!props.includes(p)) props.push(p);
      if (d.inheritJoin.length && !joins.some((j) => j.target === d.table.node)) joins.push(inheritJoinClause(d, true));
    }
    const byIdentity = new Map<unknown, { mapper: Mapper; props: readonly number[]; at: readonly number[] }>();
    for (const m of [mapper, ...mapper.descendants]) {
      if (m.polymorphicIdentity === undefined) continue;
      byIdentity.set(m.polymorphicIdentity, { mapper: m, props: m.columnProps.map((_, i) => i), at: m.columnProps.map((p) => props.indexOf(p)) });
    }
    poly = { disc: props.indexOf(discProp), discNode: discProp.column.node, byIdentity };
  }
  // Single-table subclass: only the rows of this class and its subclasses.
  const where = mapper.needsDiscriminatorFilter ? mapper.discriminatorFilter() : undefined;
  plan = { columns: props.map((p) => p.column.node), joins, ...(where ? { where } : {}), ...(poly ? { poly } : {}) };
  hierarchyPlans.set(mapper, plan);
  return plan;
}
/** The joins from a joined-inheritance class's base table to each of its tables, base first. */
export function inheritanceJoins(mapper: Mapper, isOuter: boolean): JoinClause[] {
  const chain: Mapper[] = [];
  for (let m: Mapper | undefined = mapper; m; m = m.inherits) if (m.inheritJoin.length) chain.unshift(m);
  return chain.map((m) => inheritJoinClause(m, isOuter));
}
function inheritJoinClause(m: Mapper, isOuter: boolean): JoinClause {
  return { target: m.table.node, on: allOf(m.inheritJoin.map(([child, parent]) => eqNode(child.node, parent.node))), isOuter, left: m.baseNode };
}

/** Selects column properties after an entity's columns, labelled, through its FROM. */
function addColumnExpressions(slot: EntitySlot | JoinedLoad, exprs: readonly ColumnExpressionProp[] | undefined, from: TableNode | AliasNode, columns: ExprNode[]): void {
  if (!exprs) return;
  slot.exprs = exprs;
  slot.exprStart = columns.length;
  for (const e of exprs) columns.push(e.columnFor(from));
}

function fromHasTable(f: FromNode, table: unknown): boolean {
  if (f.kind === "table") return f.table === table;
  if (f.kind === "join") return fromHasTable(f.left, table) || fromHasTable(f.right, table);
  return false;
}

/**
 * Which columns of `mapper` a query loads: all but the deferred ones, changed by loadOnly / defer /
 * undefer / undeferGroup options; undefined when that is every column (the common, fast case).
 */
function loadedProps(mapper: Mapper, options: readonly unknown[]): number[] | undefined {
  const opts = options.filter((o): o is ColumnLoaderOption => o instanceof ColumnLoaderOption && o.mapper === mapper);
  if (opts.length === 0 && mapper.deferredIndexes.length === 0) return undefined;
  const props = mapper.columnProps;
  // Keys of column properties (columnProperty) are not columns: column-property.ts picks those.
  const indexes = (keys: readonly string[]) => keys.map((key) => props.findIndex((p) => p.key === key)).filter((i) => i >= 0);
  const deferred = new Set(mapper.deferredIndexes);
  let loaded = new Set(props.map((_, i) => i).filter((i) => !deferred.has(i)));
  for (const o of opts) {
    if (o.kind === "loadOnly") loaded = new Set(indexes(o.keys));
    else if (o.kind === "defer") for (const i of indexes(o.keys)) loaded.delete(i);
    else if (o.kind === "undefer") for (const i of indexes(o.keys)) loaded.add(i);
    else props.forEach((p, i) => { if (p.column.spec.options.deferredGroup === o.keys[0]) loaded.add(i); });
  }
  for (const i of mapper.pkIndexes) loaded.add(i);
  if (loaded.size === props.length) return undefined;
  return [...loaded].sort((a, b) => a - b);
}

/** The SQL the session would run for a select (eager joins included): used by stmt.toString(). */
setOrmCompiler((stmt) => {
  const hasEntity = stmt.node.columns.some((c) => c.kind === "entity" || (c.kind === "column" && c.parentEntity !== undefined));
  return SqlCompiler.compile(hasEntity ? planSelect(stmt).node : stmt.node);
});

function processValue(node: ExprNode, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const r = node.type.result;
  return r ? r(v) : v;
}

/**
 * The primary key values of a row (sized arrays: an array grown by push() from empty keeps 17
 * slots, and this one lives as long as the object does).
 */
function primaryKeyOf(mapper: Mapper, row: readonly unknown[], start: number): unknown[] {
  const idx = mapper.pkIndexes;
  const procs = mapper.resultProcessors;
  if (idx.length === 1) {
    const i = idx[0]!;
    const v = row[start + i];
    const r = procs[i];
    return [v === null || v === undefined || !r ? v : r(v)];
  }
  const pk = new Array<unknown>(idx.length);
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j]!;
    const v = row[start + i];
    const r = procs[i];
    pk[j] = v === null || v === undefined || !r ? v : r(v);
  }
  return pk;
}

/** An object already in the session, loaded again: its expired columns (all, with populateExisting) take the row's `value(i)`. */
function refreshFromRow(session: Session, st: InstanceState, populateExisting: boolean, value: (i: number) => unknown): void {
  const mapper = st.mapper;
  const props = mapper.columnProps;
  const refreshAll = st.allExpired || populateExisting;
  const refreshed = listening.refresh && instanceEventsOf(mapper).refresh ? (refreshAll ? null : [...st.expired]) : undefined;
  for (let i = 0; i < props.length; i++) {
    const k = props[i]!.key;
    if (refreshAll || st.expired.has(k)) {
      st.dict[k] = value(i);
      delete st.committed[k];
    }
  }
  st.allExpired = false;
  st.clearExpired();
  if (populateExisting) { st.modified = false; st.relHistory = undefined; }
  if (refreshed !== undefined) dispatchInstance(mapper, "refresh", st.obj, { session, populateExisting }, refreshed);
}

/** Row → instance through the identity map (creating, refreshing expired, or reusing). */
export function instanceFromRow(session: Session, mapper: Mapper, row: readonly unknown[], start: number, populateExisting: boolean): object | null {
  const props = mapper.columnProps;
  const procs = mapper.resultProcessors;
  const pk = primaryKeyOf(mapper, row, start);
  const key = mapper.identityKey(pk);
  if (key === undefined) return null;
  const existing = session.identityMap.get(mapper, key);
  if (existing) {
    if (!populateExisting && statelessDict(existing)) return existing; // loaded and untouched since
    const st = stateOf(existing)!;
    if (st.allExpired || populateExisting || st.expired.size) refreshFromRow(session, st, populateExisting, (i) => processValue(props[i]!.column.node, row[start + i]));
    return existing;
  }
  const obj = new mapper.Blank(undefined);
  const st = new InstanceState(obj, mapper);
  (obj as any)[stateKey] = st;
  const dict = st.dict;
  for (let i = 0; i < props.length; i++) {
    const raw = row[start + i];
    const r = procs[i];
    dict[props[i]!.key] = raw === null || raw === undefined ? null : r ? r(raw) : raw;
  }
  st.setIdentity(key, pk);
  st.session = session;
  session.identityMap.set(mapper, key, obj);
  if (listening.load && instanceEventsOf(mapper).load) dispatchInstance(mapper, "load", obj, { session, populateExisting });
  return obj;
}

/** The slot when it is one whole object per row, of a class whose rows can be its dictionaries (Mapper.rowDictKeys). */
function asDictSlot(slot: Slot): EntitySlot | undefined {
  if (slot.kind !== "entity" || slot.start !== 0 || slot.props || slot.poly || slot.exprs !== undefined || slot.joined.length) return undefined;
  return slot.mapper.rowDictKeys ? slot : undefined;
}

/**
 * Rows → instances, where each row is an object keyed by column name: a new object takes its row as
 * its attribute dictionary (values converted in place), which spares making and filling one. The
 * rows' array becomes the objects' (null for a row without a key). What the loop needs is looked up
 * once, outside it: it runs once per query, mostly before V8 has optimized it, where every call and
 * lookup per row counts.
 */
function instancesFromDictRows(session: Session, mapper: Mapper, rows: Record<string, unknown>[], populateExisting: boolean): (object | null)[] {
  const out = rows as unknown as (object | null)[];
  const props = mapper.columnProps;
  const procs = mapper.resultProcessors;
  const convert: { key: string; result: (v: unknown) => unknown }[] = [];
  for (let i = 0; i < procs.length; i++) if (procs[i]) convert.push({ key: props[i]!.key, result: procs[i]! });
  const pk = mapper.primaryKeyProps;
  const pkKey = pk.length === 1 ? pk[0]!.key : undefined;
  const Blank = mapper.Blank;
  const onLoad = listening.load !== 0 && instanceEventsOf(mapper).load;
  let held = session.identityMap.of(mapper);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < convert.length; c++) {
      const { key, result } = convert[c]!;
      const v = row[key];
      if (v !== null && v !== undefined) row[key] = result(v);
    }
    const key = pkKey !== undefined ? identityKeyOfValue(row[pkKey]) : identityKeyOfDict(mapper, row);
    if (key === undefined) { out[r] = null; continue; }
    const existing = held.get(key);
    if (existing) {
      out[r] = existing;
      if (!populateExisting && statelessDict(existing)) continue; // loaded and untouched since
      const st = stateOf(existing)!;
      if (st.allExpired || populateExisting || st.expired.size) refreshFromRow(session, st, populateExisting, (i) => row[props[i]!.key]);
      continue;
    }
    // No state until one is needed (instance-state.ts, lazySessionKey; made by stateOfLoaded).
    const obj = new Blank(row, session);
    held.set(key, obj);
    out[r] = obj;
    if (onLoad) {
      dispatchInstance(mapper, "load", obj, { session, populateExisting });
      held = session.identityMap.of(mapper); // a listener may have cleared the session
    }
  }
  return out;
}

/** The state of an object instancesFromDictRows made without one: persistent in its session, nothing changed. */
function stateOfLoaded(obj: object, dict: Record<string, unknown>): InstanceState {
  const st = new InstanceState(obj, mapperOf(obj)!, dict);
  identifyByDict(st);
  st.session = (obj as any)[lazySessionKey];
  (obj as any)[lazySessionKey] = undefined;
  (obj as any)[stateKey] = st;
  return st;
}
setStateMaker(stateOfLoaded);

/**
 * Row → instance when the row holds only some columns (`props`, positions in mapper.columnProps,
 * at row positions `at`): the others stay unloaded and load on first read. Also the hydration of
 * polymorphic rows, whose columns are spread over the row.
 */
function instanceFromPositions(session: Session, mapper: Mapper, row: readonly unknown[], props: readonly number[], at: readonly number[], populateExisting: boolean): object | null {
  const all = mapper.columnProps;
  const procs = mapper.resultProcessors;
  const pk = mapper.pkIndexes.map((i) => { const v = row[at[props.indexOf(i)]!]; const r = procs[i]; return v === null || v === undefined || !r ? v : r(v); });
  const key = mapper.identityKey(pk);
  if (key === undefined) return null;
  let obj = session.identityMap.get(mapper, key);
  let st: InstanceState;
  if (obj) {
    if (!populateExisting && statelessDict(obj)) return obj; // loaded and untouched since
    st = stateOf(obj)!;
    const refreshAll = st.allExpired || populateExisting;
    if (!refreshAll && !st.expired.size) return obj;
    const refreshed = listening.refresh && instanceEventsOf(mapper).refresh ? (populateExisting ? null : props.map((i) => all[i]!.key).filter((k) => st.allExpired || st.expired.has(k))) : undefined;
    if (st.allExpired) {
      // What this row doesn't hold reloads later: mark it expired rather than loaded.
      for (const p of all) if (!(p.key in st.dict)) st.markExpired(p.key);
      st.allExpired = false;
    }
    props.forEach((i, j) => {
      const k = all[i]!.key;
      if (refreshAll || st.expired.has(k)) { st.dict[k] = processValue(all[i]!.column.node, row[at[j]!]); delete st.committed[k]; st.expired.delete(k); }
    });
    for (const i of mapper.deferredIndexes) st.expired.delete(all[i]!.key); // deferred: unloaded, not expired
    if (populateExisting) { st.modified = false; st.relHistory = undefined; }
    if (refreshed !== undefined) dispatchInstance(mapper, "refresh", obj, { session, populateExisting }, refreshed);
    return obj;
  }
  obj = new mapper.Blank(undefined);
  st = new InstanceState(obj, mapper);
  (obj as any)[stateKey] = st;
  props.forEach((i, j) => { const raw = row[at[j]!]; const r = procs[i]; st.dict[all[i]!.key] = raw === null || raw === undefined ? null : r ? r(raw) : raw; });
  st.setIdentity(key, pk);
  st.session = session;
  session.identityMap.set(mapper, key, obj);
  if (listening.load && instanceEventsOf(mapper).load) dispatchInstance(mapper, "load", obj, { session, populateExisting });
  return obj;
}

/** A row of an inheritance hierarchy: the discriminator says which class, and where its columns are. */
function instanceFromPolymorphicRow(session: Session, slot: EntitySlot, row: readonly unknown[], populateExisting: boolean): object | null {
  const poly = slot.poly!;
  const disc = processValue(poly.discNode, row[poly.disc]);
  const entry = poly.byIdentity.get(disc);
  if (!entry) {
    if (slot.mapper.pkIndexes.every((i) => row[slot.start + i] === null || row[slot.start + i] === undefined)) return null; // no row (outer join)
    throw new InvalidRequestError(`No such polymorphic identity ${JSON.stringify(disc)} for ${slot.mapper.name}: the row's ${slot.mapper.polymorphicOnProp!.key} names no mapped class (known: ${[...poly.byIdentity.keys()].map((k) => JSON.stringify(k)).join(", ")}). Map a class with that polymorphicIdentity, or fix the row.`);
  }
  return instanceFromPositions(session, entry.mapper, row, entry.props, entry.at, populateExisting);
}

/** The instance of an entity slot's columns in `row`. */
function hydrateSlot(session: Session, slot: EntitySlot, row: readonly unknown[], populateExisting: boolean): object | null {
  const obj = slot.poly ? instanceFromPolymorphicRow(session, slot, row, populateExisting)
    : slot.props ? instanceFromPositions(session, slot.mapper, row, slot.props, slot.at!, populateExisting)
    : instanceFromRow(session, slot.mapper, row, slot.start, populateExisting);
  if (slot.exprs !== undefined && obj !== null) populateColumnExpressions(obj, slot.exprs, row, slot.exprStart!, populateExisting);
  return obj;
}

/** Runs an ORM select and returns its Result. */
export function executeSelect(session: Session, stmt: Select<any>): Result<any> {
  const { node, slots, hasJoinedCollections } = planSelect(stmt);
  return executePlanned(session, node, slots, hasJoinedCollections, stmt.executionOptionsMap);
}

/** @internal Runs a planned statement (a select, or a compound of planned selects: compound-loading.ts). */
export function executePlanned(session: Session, node: SelectNode | CompoundNode, slots: Slot[], hasJoinedCollections: boolean, executionOptions: Readonly<Record<string, unknown>>): Result<any> {
  const compiled = SqlCompiler.compile(node);
  const populateExisting = !!executionOptions["populateExisting"];
  const yieldPer = executionOptions["yieldPer"];
  if (yieldPer !== undefined) return streamSelect(session, compiled, slots, hasJoinedCollections, populateExisting, yieldPer);
  /** Collections filled by joined loads in this query: (state, key) → seen items. */
  const filled = new Map<InstanceState, Map<string, Set<object>>>();
  const loadedPerSlot: Map<PathLoad[], object[]> = new Map();
  const width = slots.length;
  // Whole objects of one class (select(User)): loadEntities, with rows as their dictionaries where it can.
  const whole = width === 1 && !hasJoinedCollections ? asDictSlot(slots[0]!) : undefined;
  if (whole) {
    const objs = loadEntities(session, whole, compiled, populateExisting);
    if (whole.selectin.length) {
      const loaded = objs.filter((o): o is object => o !== null);
      for (const load of whole.selectin) runPathLoad(session, load, loaded, populateExisting);
    }
    return Result.ofColumn([whole.mapper.name], objs, false);
  }
  const cursor = session.connection().execute(compiled);
  // One slot (select(User), select(User.name)): its values, no row array per row (Result.ofColumn).
  const rows = cursor.rows;
  const out = new Array<unknown>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const outRow = width === 1 ? undefined : new Array<unknown>(width);
    for (let n = 0; n < width; n++) {
      const slot = slots[n]!;
      let value: unknown;
      if (slot.kind === "column") value = processValue(slot.node, row[slot.index]);
      else {
        const obj = (value = hydrateSlot(session, slot, row, populateExisting));
        if (obj) {
          if (slot.selectin.length) pushUnique(loadedPerSlot, slot.selectin, obj);
          if (slot.joined.length) hydrateJoined(session, obj, slot.joined, row, filled, loadedPerSlot, populateExisting);
        }
      }
      if (outRow) outRow[n] = value; else out[r] = value;
    }
    if (outRow) out[r] = outRow;
  }
  for (const [st, byKey] of filled) for (const [key, items] of byKey) {
    const rel = st.mapper.relationships.get(key)!;
    if (!(key in st.dict) || populateExisting || !st.relHistory?.has(key)) setLoaded(st, rel, [...items]);
  }
  for (const [loads, objs] of loadedPerSlot) for (const load of loads) runPathLoad(session, load, objs, populateExisting);
  const keys = dedupeKeys(slots.map((s) => (s.kind === "entity" ? s.mapper.name : columnKey(s.node))));
  return width === 1 ? Result.ofColumn(keys, out, hasJoinedCollections) : new Result<any>(keys, out as unknown[][], cursor.rows.length, hasJoinedCollections);
}

/**
 * yieldPer: rows are read from the database as the result is iterated, and turned into objects
 * then; the identity map lets go of the clean objects already passed (see identity-map.ts).
 */
function streamSelect(session: Session, compiled: CompiledQuery, slots: Slot[], hasJoinedCollections: boolean, populateExisting: boolean, yieldPer: unknown): Result<any> {
  if (typeof yieldPer !== "number" || !Number.isInteger(yieldPer) || yieldPer < 1) throw new InvalidRequestError(`yieldPer must be a positive integer, got ${String(yieldPer)}.`);
  if (hasJoinedCollections) throw new InvalidRequestError("yieldPer can't be used with joinedload() of a collection (rows of one parent would span partitions); use selectinload() or lazy loading.");
  const conn = session.connection();
  const rows = conn.iterate(compiled);
  const keys = slots.map((s) => (s.kind === "entity" ? s.mapper.name : columnKey(s.node)));
  // Rows are read `yieldPer` at a time; each batch's objects get their selectin loads (reads are
  // allowed while SQLite iterates; writes are not) before the batch is handed out.
  const out = (function* () {
    let batch: unknown[][] = [];
    let passed: object[] = [];
    const flushBatch = function* () {
      // The batch handed out before this one is done with: let go of its clean objects.
      session.identityMap.releaseClean(passed);
      passed = [];
      const loaded = new Map<PathLoad[], object[]>();
      const built = batch.map((row) => slots.map((slot) => {
        if (slot.kind === "column") return processValue(slot.node, row[slot.index]);
        const obj = hydrateSlot(session, slot, row, populateExisting);
        if (obj) passed.push(obj);
        if (obj && slot.selectin.length) pushUnique(loaded, slot.selectin, obj);
        return obj;
      }));
      for (const [loads, objs] of loaded) for (const load of loads) runPathLoad(session, load, objs, populateExisting);
      batch = [];
      yield* built;
    };
    for (const row of rows) {
      batch.push(row);
      if (batch.length >= (yieldPer as number)) yield* flushBatch();
    }
    if (batch.length) yield* flushBatch();
  })();
  return new Result<any>(dedupeKeys(keys), out);
}

function pushUnique(map: Map<PathLoad[], object[]>, key: PathLoad[], obj: object): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(obj);
}

function hydrateJoined(session: Session, parent: object, loads: JoinedLoad[], row: readonly unknown[], filled: Map<InstanceState, Map<string, Set<object>>>, loadedPerSlot: Map<PathLoad[], object[]>, populateExisting: boolean): void {
  const pst = stateOf(parent)!;
  for (const jl of loads) {
    const child = jl.props ? instanceFromPositions(session, jl.rel.target, row, jl.props, jl.at!, populateExisting) : instanceFromRow(session, jl.rel.target, row, jl.start, populateExisting);
    if (jl.exprs !== undefined && child !== null) populateColumnExpressions(child, jl.exprs, row, jl.exprStart!, populateExisting);
    if (jl.rel.uselist) {
      let byKey = filled.get(pst);
      if (!byKey) filled.set(pst, (byKey = new Map()));
      let set = byKey.get(jl.rel.key);
      if (!set) byKey.set(jl.rel.key, (set = new Set()));
      if (child) set.add(child);
    } else if (!(jl.rel.key in pst.dict) || populateExisting) {
      setLoaded(pst, jl.rel, child);
    }
    if (child) {
      if (jl.selectin.length) pushUnique(loadedPerSlot, jl.selectin, child);
      if (jl.joined.length) hydrateJoined(session, child, jl.joined, row, filled, loadedPerSlot, populateExisting);
    }
  }
}

function columnKey(n: ExprNode): string {
  switch (n.kind) {
    case "label": return n.name;
    case "column": return n.column.key;
    case "subquery_column": return n.name;
    case "function": return n.name;
    default: return "anon";
  }
}
function dedupeKeys(keys: string[]): string[] {
  const seen = new Map<string, number>();
  return keys.map((k) => {
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return n ? `${k}_${n}` : k;
  });
}

// ---- compiled queries the ORM runs per object, cached by shape ---------------------

/**
 * A query the ORM itself runs many times with different key values (get by primary key, a lazy
 * load, a selectin chunk of n keys): planned and compiled once per shape, then executed with the
 * values bound through their columns' types.
 */
interface CachedQuery {
  readonly sql: string; readonly slot: EntitySlot; readonly extraStart: number;
  /** Parameters before the WHERE (column properties' bound values), ahead of the key values; usually none. */
  readonly lead?: readonly unknown[];
  /** Values bound after the key values: a single-table subclass's identities (its discriminator filter). */
  readonly tail: readonly unknown[];
}
const queryCache = new WeakMap<object, Map<string, CachedQuery>>();
function cachedQuery(owner: object, key: string, build: () => Select<any>): CachedQuery {
  let m = queryCache.get(owner);
  if (!m) queryCache.set(owner, (m = new Map()));
  let q = m.get(key);
  if (!q) {
    const planned = planSelect(build());
    const slot = planned.slots[0] as EntitySlot;
    const extra = planned.slots[1] as ColumnSlot | undefined;
    const compiled = SqlCompiler.compile(planned.node);
    // Bound values written before the WHERE (select list, joins) go ahead of the key values; the
    // discriminator filter's after them.
    const lead = compiled.parameters.length ? SqlCompiler.compile({ ...planned.node, where: [], orderBy: [] }).parameters : [];
    const tail = planned.extraWhere.flatMap((w) => SqlCompiler.compile(w).parameters);
    q = { sql: compiled.sql, slot, extraStart: extra ? extra.index : -1, ...(lead.length ? { lead } : {}), tail };
    m.set(key, q);
  }
  return q;
}
/** The parameters of a cached query for these key values. */
/** The parameters of a cached query: its leading fixed values, the key values, then its trailing ones. */
function paramsFor(q: CachedQuery, keys: unknown[]): unknown[] {
  const withLead = q.lead ? [...q.lead, ...keys] : keys;
  return q.tail.length ? withLead.concat(q.tail) : withLead;
}
function bindFor(col: ColumnNode, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const b = col.type.bind;
  return checkBindable(b ? b(v) : v, `value for ${col.column.fullname}`);
}
/**
 * A bound parameter of a cached query, its value given at each execution: the SQL only needs its
 * place. Typed Integer so that no column type's bind check sees the stand-in (0 is no DateTime).
 */
const PLACEHOLDER: ExprNode = Object.freeze({ kind: "bind", value: 0, type: Integer });

/** session.get() when the identity map can't answer: SELECT ... WHERE pk = ?, compiled once per mapper. */
export function loadByIdentity(session: Session, mapper: Mapper, pk: readonly unknown[], populateExisting: boolean): object | null {
  const pkCols = mapper.primaryKeyProps.map((p) => p.column.node as ColumnNode);
  const q = cachedQuery(mapper, "get", () => entitySelect(mapper, pkCols.map((c) => eqNode(c, PLACEHOLDER)), []));
  // An array row: for one row, an object row (loadEntities) saves nothing and costs a little (W2 +3%).
  const rows = session.connection().execute({ sql: q.sql, parameters: paramsFor(q, pk.map((v, i) => bindFor(pkCols[i]!, v))) }).rows;
  return rows[0] ? hydrateSlot(session, q.slot, rows[0], populateExisting) : null;
}

/**
 * Runs a query of whole `slot` objects and returns one per row (null for a row without a key): rows
 * as dictionaries where the mapping allows (instancesFromDictRows), else arrays through hydrateSlot.
 */
function loadEntities(session: Session, slot: EntitySlot, query: CompiledQuery, populateExisting = false): (object | null)[] {
  const conn = session.connection();
  const dictRows = asDictSlot(slot) ? conn.executeByName(query, slot.mapper.rowDictKeys!) : undefined;
  if (dictRows) return instancesFromDictRows(session, slot.mapper, dictRows, populateExisting);
  const rows = conn.execute(query).rows;
  const out = new Array<object | null>(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = hydrateSlot(session, slot, rows[r]!, populateExisting);
  return out;
}

// ---- selectin and post-query loads ---------------------------------------------

function runPathLoad(session: Session, load: PathLoad, parents: object[], populateExisting: boolean): void {
  const rel = load.rel;
  if (load.strategy === "noload") {
    for (const p of parents) { const st = stateOf(p)!; if (!(rel.key in st.dict)) setLoaded(st, rel, rel.uselist ? [] : null); }
    return;
  }
  if (load.strategy === "raise" || load.strategy === "raise_on_sql") {
    for (const p of parents) stateOf(p)!.loadOptions = { ...(stateOf(p)!.loadOptions as object), [rel.key]: load.strategy };
    return;
  }
  if (load.strategy === "select") {
    for (const p of parents) stateOf(p)!.loadOptions = { ...(stateOf(p)!.loadOptions as object), [rel.key]: "select" };
    return;
  }
  const unique = [...new Set(parents)].filter((p) => { const st = stateOf(p)!; return populateExisting || !(rel.key in st.dict); });
  const children = selectinLoad(session, rel, unique);
  if (load.children.size && children.length) {
    const subOptions: PathLoad[] = [];
    for (const [childRel, tree] of load.children) {
      const t = tree as PathTree;
      subOptions.push({ rel: childRel, strategy: t.strategy === "joined" ? "selectin" : t.strategy, children: t.children as any });
    }
    for (const sub of subOptions) runPathLoad(session, sub, children, populateExisting);
  }
}

/**
 * Loads `rel` for all `parents` with SELECT ... WHERE key IN (...); returns the loaded children.
 * With `into` (collections only), each parent's children go there instead of into the attribute.
 */
export function selectinLoad(session: Session, rel: RelationshipProperty, parents: object[], into?: Map<object, object[]>): object[] {
  const target = rel.target;
  const allChildren: object[] = [];
  if (parents.length === 0) return allChildren;
  if (rel.customJoin && !rel.secondary) return customJoinLoad(session, rel, parents);
  const parentKeyCols = rel.secondary ? rel.secondaryLocal.map(([p]) => p) : rel.direction === "MANYTOONE" ? rel.pairs.map(([local]) => local) : rel.pairs.map(([local]) => local);
  // The parents' attributes holding the key, worked out once per class (parents of a hierarchy may mix).
  let keyMapper: Mapper | undefined;
  let keyAttrs: string[] = [];
  const keyAttrsOf = (obj: object): string[] => {
    const m = mapperOf(obj)!;
    if (m !== keyMapper) { keyMapper = m; keyAttrs = parentKeyCols.map((c) => m.keyOfColumn(c)); }
    return keyAttrs;
  };
  const keyOf = (obj: object) => keyAttrsOf(obj).map((a) => loadedValue(obj, a));
  if (rel.direction === "MANYTOONE") {
    // Many-to-one: collect the foreign keys, take what the identity map has, load the rest by primary key.
    const byParent = new Map<object, IdentityKey | undefined>();
    const missing = new Map<IdentityKey, unknown[]>();
    for (const p of parents) {
      const fk = keyOf(p);
      const pkValues = target.primaryKeyProps.map((pp) => fk[rel.pairs.findIndex(([, remote]) => remote === pp.column)]);
      const key = target.identityKey(pkValues);
      byParent.set(p, key);
      if (key !== undefined && !session.identityMap.has(target, key)) missing.set(key, pkValues);
    }
    const pkCols = target.primaryKeyProps.map((p) => p.column.node as ColumnNode);
    const values = [...missing.values()];
    for (let i = 0; i < values.length; i += IN_CHUNK) {
      const chunk = values.slice(i, i + IN_CHUNK);
      const q = cachedQuery(rel, `m2o:${chunk.length}`, () => entitySelect(target, [inPlaceholders(pkCols, chunk.length)], []));
      const params = chunk.flatMap((k) => k.map((v, j) => bindFor(pkCols[j]!, v)));
      loadEntities(session, q.slot, { sql: q.sql, parameters: paramsFor(q, params) });
    }
    for (const [p, key] of byParent) {
      const child = key !== undefined ? session.identityMap.get(target, key) ?? null : null;
      setLoaded(stateOf(p)!, rel, child);
      if (child) allChildren.push(child);
    }
    return allChildren;
  }
  if (parents.length === 1 && !rel.secondary && rel.pairs.length === 1 && !into) return loadOneCollection(session, rel, stateOf(parents[0]!)!);
  // One-to-many / many-to-many: one query per chunk of distinct parent keys; children are grouped
  // by their parent key (the value itself for a one-column key, else a string of the values).
  const keyCols: ColumnNode[] = rel.secondary ? rel.secondaryLocal.map(([, s]) => s.node as ColumnNode) : rel.pairs.map(([, remote]) => remote.node as ColumnNode);
  const oneColumn = keyCols.length === 1;
  const groupKey = (k: readonly unknown[]): unknown => (oneColumn ? k[0] : JSON.stringify(k));
  const groups = new Map<unknown, object[]>();
  const parentGroups = new Array<unknown>(parents.length);
  const keyValues: unknown[][] = [];
  for (let i = 0; i < parents.length; i++) {
    const p = parents[i]!;
    if (oneColumn) {
      // The value itself is the group: no key array per parent.
      const v = (parentGroups[i] = loadedValue(p, keyAttrsOf(p)[0]!));
      if (v !== null && v !== undefined && !groups.has(v)) { groups.set(v, []); keyValues.push([v]); }
      continue;
    }
    const k = keyOf(p);
    const g = (parentGroups[i] = groupKey(k));
    if (!groups.has(g) && k.every((v) => v !== null && v !== undefined)) { groups.set(g, []); keyValues.push(k); }
  }
  // Where a child's parent key is: the association row's columns, or the child's own foreign key.
  const remoteKeys = rel.secondary ? undefined : rel.pairs.map(([, remote]) => target.keyOfColumn(remote));
  for (let i = 0; i < keyValues.length; i += IN_CHUNK) {
    const chunk = keyValues.slice(i, i + IN_CHUNK);
    const q = cachedQuery(rel, `${chunk.length}`, () => {
      if (!rel.secondary) return entitySelect(target, [inPlaceholders(keyCols, chunk.length)], rel.orderBy);
      const [, onTarget] = rel.secondaryConditions(rel.parent.table.node, rel.secondary.node, target.table.node);
      return entitySelect(target, [inPlaceholders(keyCols, chunk.length), onTarget], rel.orderBy, keyCols);
    });
    const slot = q.slot;
    const extraStart = q.extraStart;
    const params = oneColumn ? chunk.map((k) => bindFor(keyCols[0]!, k[0])) : chunk.flatMap((k) => k.map((v, j) => bindFor(keyCols[j]!, v)));
    const query = { sql: q.sql, parameters: paramsFor(q, params) };
    if (remoteKeys) {
      // The child's own foreign key says its parent.
      const children = loadEntities(session, slot, query);
      const remoteKey = oneColumn ? remoteKeys[0]! : undefined;
      for (let c = 0; c < children.length; c++) {
        const child = children[c];
        if (!child) continue;
        let g: unknown;
        if (remoteKey !== undefined) {
          // Most children were just made from their rows, without a state: read the dictionary.
          const dict = statelessDict(child);
          g = dict !== undefined ? dict[remoteKey] : loadedValue(child, remoteKey);
        } else g = groupKey(remoteKeys.map((k) => loadedValue(child, k)));
        const list = groups.get(g);
        if (list) list.push(child);
        allChildren.push(child);
      }
      continue;
    }
    // The association row's columns, selected after the child's, say its parent.
    const rows = session.connection().execute(query).rows;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const child = hydrateSlot(session, slot, row, false);
      if (!child) continue;
      const list = groups.get(oneColumn ? processValue(keyCols[0]!, row[extraStart]) : groupKey(keyCols.map((c, j) => processValue(c, row[extraStart + j]))));
      if (list) list.push(child);
      allChildren.push(child);
    }
  }
  for (let i = 0; i < parents.length; i++) {
    const list = groups.get(parentGroups[i]);
    if (into) into.set(parents[i]!, list ? [...list] : []);
    else setLoaded(stateOf(parents[i]!)!, rel, list ?? []);
  }
  return allChildren;
}

/**
 * One parent's one-to-many collection by a one-column key (a lazy load): selectinLoad's query for
 * one key, without its grouping. A child counts if its key (in memory) is the parent's, as there.
 */
function loadOneCollection(session: Session, rel: RelationshipProperty, st: InstanceState): object[] {
  const [local, remote] = rel.pairs[0]!;
  const key = columnValue(st, st.mapper.keyOfColumn(local));
  const children: object[] = [];
  if (key !== null && key !== undefined) {
    const col = remote.node as ColumnNode;
    const remoteKey = rel.target.keyOfColumn(remote);
    const q = cachedQuery(rel, "1", () => entitySelect(rel.target, [inPlaceholders([col], 1)], rel.orderBy));
    const loaded = loadEntities(session, q.slot, { sql: q.sql, parameters: paramsFor(q, [bindFor(col, key)]) });
    for (let c = 0; c < loaded.length; c++) {
      const child = loaded[c];
      if (child && loadedValue(child, remoteKey) === key) children.push(child);
    }
  }
  setLoaded(st, rel, children);
  return children;
}

/**
 * A column attribute's current value: the loaded one, else read through the attribute — an expired
 * object refreshes its row first, as SQLAlchemy's loaders do (the flush's parentKeyOf doesn't).
 */
function columnValue(st: InstanceState, key: string): unknown {
  return key in st.dict ? st.dict[key] : (st.obj as any)[key];
}
/** columnValue() of an object, without making a state for one loaded without (its dictionary has every column). */
function loadedValue(obj: object, key: string): unknown {
  const lazy = statelessDict(obj);
  return lazy !== undefined ? lazy[key] : columnValue(stateOf(obj)!, key);
}

/**
 * Loads a relationship with a custom primaryJoin for `parents`: the target rows joined to their
 * parents by that condition, with the parent's key selected alongside to group them:
 * SELECT posts.*, users.id FROM posts, users WHERE <primaryJoin> AND users.id IN (...).
 */
function customJoinLoad(session: Session, rel: RelationshipProperty, parents: object[]): object[] {
  if (rel.selfReferential) {
    throw new InvalidRequestError(`${rel.name} has a primaryJoin between a table and itself: it can't be loaded lazily or by selectinload (the condition can't tell parent from child rows). Query it with aliased tables instead.`);
  }
  const parentMapper = rel.parent;
  const pkCols = parentMapper.primaryKeyProps.map((p) => p.column.node as ColumnNode);
  const all: object[] = [];
  const byParent = new Map<unknown, object[]>();
  const keyOf = (k: readonly unknown[]): unknown => (k.length === 1 ? k[0] : JSON.stringify(k));
  const keys = parents.map((p) => parentMapper.primaryKeyProps.map((pp) => (p as any)[pp.key]));
  const distinct = [...new Map(keys.map((k) => [keyOf(k), k])).values()];
  // The condition's own bound values follow the keys (it comes after the IN list in the WHERE).
  const cond = rel.customJoin!(parentMapper.table.node, rel.target.table.node);
  const condParams = SqlCompiler.compile(cond).parameters;
  for (let i = 0; i < distinct.length; i += IN_CHUNK) {
    const chunk = distinct.slice(i, i + IN_CHUNK);
    const q = cachedQuery(rel, `cj:${chunk.length}`, () => entitySelect(rel.target, [inPlaceholders(pkCols, chunk.length), cond], rel.orderBy, pkCols));
    const params = chunk.flatMap((k) => k.map((v, j) => bindFor(pkCols[j]!, v))).concat(condParams);
    for (const row of session.connection().execute({ sql: q.sql, parameters: paramsFor(q, params) }).rows) {
      const child = hydrateSlot(session, q.slot, row, false);
      if (!child) continue;
      const parentKey = keyOf(pkCols.map((c, j) => processValue(c, row[q.extraStart + j])));
      let list = byParent.get(parentKey);
      if (!list) byParent.set(parentKey, (list = []));
      if (!list.includes(child)) list.push(child);
      all.push(child);
    }
  }
  parents.forEach((p, i) => {
    const children = byParent.get(keyOf(keys[i]!)) ?? [];
    setLoaded(stateOf(p)!, rel, rel.uselist ? children : children[0] ?? null);
  });
  return all;
}

/**
 * The keys of `target`'s rows whose `fkCol` is one of `parentKeys`: per row, its parent's key and its
 * own primary key (at the same index of `parents` and `children`), IN_CHUNK parents per statement
 * (the flush deletes such children by key).
 */
export function selectChildKeys(session: Session, target: Mapper, pkCol: TableColumn, fkCol: TableColumn, parentKeys: readonly unknown[]): { parents: unknown[]; children: unknown[] } {
  const out = { parents: [] as unknown[], children: [] as unknown[] };
  const fk = fkCol.node as ColumnNode, pk = pkCol.node as ColumnNode;
  const keys = parentKeys.filter((k) => k !== null && k !== undefined);
  for (let i = 0; i < keys.length; i += IN_CHUNK) {
    const chunk = keys.slice(i, i + IN_CHUNK);
    const sql = cachedSelectSql(target, `keys:${fkCol.name}:${chunk.length}`, () => ({ kind: "select", columns: [fk, pk], froms: [target.table.node], joins: [], where: [inPlaceholders([fk], chunk.length)], groupBy: [], having: [], orderBy: [], distinct: false }));
    for (const row of session.connection().execute({ sql, parameters: chunk.map((k) => bindFor(fk, k)) }).rows) {
      out.parents.push(processValue(fk, row[0]));
      out.children.push(processValue(pk, row[1]));
    }
  }
  return out;
}
const plainSqlCache = new WeakMap<object, Map<string, string>>();
function cachedSelectSql(owner: object, key: string, build: () => SelectNode): string {
  let m = plainSqlCache.get(owner);
  if (!m) plainSqlCache.set(owner, (m = new Map()));
  let sql = m.get(key);
  if (sql === undefined) m.set(key, (sql = SqlCompiler.compile(build()).sql));
  return sql;
}

/** `col IN (?, ?, …)` for `n` keys, or `(a = ? AND b = ?) OR …` for composite ones. */
function inPlaceholders(cols: ColumnNode[], n: number): ExprNode {
  const keys = Array.from({ length: n });
  if (cols.length === 1) {
    return { kind: "binary", op: "IN", left: cols[0]!, right: { kind: "grouping", element: { kind: "clauselist", op: ",", clauses: keys.map(() => PLACEHOLDER), type: Integer }, type: Integer }, type: Integer };
  }
  const ors = keys.map(() => allOf(cols.map((c) => eqNode(c, PLACEHOLDER))));
  return { kind: "clauselist", op: "OR", clauses: ors, type: Integer };
}

function entitySelect(mapper: Mapper, where: ExprNode[], orderBy: readonly ExprNode[], extraColumns: ExprNode[] = []): Select<any> {
  let stmt = Select.create([mapper.cls, ...extraColumns.map((n) => ({ [Symbol.for("orm-core.clauseElement")]: () => n }))]);
  stmt = stmt.where(...where.map((n) => ({ [Symbol.for("orm-core.clauseElement")]: () => n })));
  if (orderBy.length) stmt = stmt.orderBy(...orderBy.map((n) => ({ [Symbol.for("orm-core.clauseElement")]: () => n })));
  return stmt;
}

// ---- lazy loading and expired attributes -------------------------------------------

/** Loads a relationship on first access (strategy "select", "raise", "noload"). */
export function lazyLoad(st: InstanceState, rel: RelationshipProperty): unknown {
  const session = st.session!;
  const strategy = ((st.loadOptions as Record<string, LazyStrategy> | undefined)?.[rel.key]) ?? rel.lazy;
  const raise = () => { throw new InvalidRequestError(`'${rel.name}' is not available due to lazy='${strategy}': load it with selectinload(${rel.name}) or joinedload(${rel.name}).`); };
  if (strategy === "raise") raise();
  if (strategy === "noload") return rel.uselist ? [] : null;
  if (rel.direction === "MANYTOONE" && !rel.customJoin) {
    // A many-to-one whose key is in the identity map needs no SQL (so raise_on_sql allows it).
    const fk = rel.pairs.map(([local]) => (st.obj as any)[st.mapper.keyOfColumn(local)]);
    if (fk.some((v) => v === null || v === undefined)) return null;
    const pk = rel.target.primaryKeyProps.map((pp) => fk[rel.pairs.findIndex(([, remote]) => remote === pp.column)]);
    if (pk.every((v) => v !== undefined)) {
      const key = rel.target.identityKey(pk);
      const hit = key !== undefined ? session.identityMap.get(rel.target, key) : undefined;
      if (hit && !stateOf(hit)!.deleted) return hit;
    }
  }
  if (strategy === "raise_on_sql") raise();
  session.autoflushIfEnabled();
  if (st.key === undefined) return NO_VALUE;
  const children = selectinLoad(session, rel, [st.obj]);
  void children;
  return st.dict[rel.key] ?? NO_VALUE;
}

/**
 * Loads column attributes of a persistent instance by primary key: the expired ones (all but
 * deferred columns after a full expiry), plus `also` (a deferred column being read, and its group).
 */
export function loadExpiredAttributes(st: InstanceState, also: readonly string[] = [], fullRefresh = false): void {
  const session = st.session!;
  const mapper = st.mapper;
  const deferred = new Set(mapper.deferredIndexes.map((i) => mapper.columnProps[i]!.key));
  const wanted = mapper.columnProps.filter((p) => also.includes(p.key) || st.expired.has(p.key) || (st.allExpired && !deferred.has(p.key)) || (p.column.primaryKey && !(p.key in st.dict)));
  const pkWhere = mapper.primaryKeyProps.map((p) => ({ kind: "binary", op: "=", left: p.column.node, right: { kind: "bind", value: st.identityValue(mapper.primaryKeyProps.indexOf(p)) ?? st.dict[p.key], type: p.column.type }, type: Integer }) as ExprNode);
  const exprs = mapper.columnExpressions ? columnExpressionsToReload(st, also) : undefined;
  const columns: ExprNode[] = wanted.map((p) => p.column.node);
  if (exprs) for (const e of exprs) columns.push(e.columnFor(mapper.table.node));
  const node: SelectNode = { kind: "select", columns, froms: [mapper.baseNode], joins: mapper.tables.length > 1 ? inheritanceJoins(mapper, false) : [], where: pkWhere, groupBy: [], having: [], orderBy: [], distinct: false };
  const cursor = session.connection().execute(SqlCompiler.compile(node));
  const row = cursor.rows[0];
  if (!row) {
    st.wasDeleted = true;
    throw new ObjectDeletedError(`Instance <${mapper.name}> has been deleted, or its row is otherwise not present.`);
  }
  wanted.forEach((p, i) => {
    st.dict[p.key] = processValue(p.column.node, row[i]);
    delete st.committed[p.key];
  });
  if (exprs) populateColumnExpressions(st.obj, exprs, row, wanted.length, true);
  st.allExpired = false;
  st.clearExpired();
  if (listening.refresh) dispatchInstance(mapper, "refresh", st.obj, { session, populateExisting: false }, fullRefresh ? null : wanted.map((p) => p.key));
}

void quiet;
export type { InstrumentedList };
export function compileForSession(stmt: Select<any>): CompiledQuery { return SqlCompiler.compile(planSelect(stmt).node); }
