/**
 * Plans and runs a flush: cascades (save-update, delete, delete-orphan), key
 * synchronization along relationships, dependency order between tables and
 * rows, then persistence.ts emits the SQL. Atomic: on any error the savepoint
 * is rolled back, in-memory changes the flush made are undone, and the session
 * demands rollback(). Called only by session.ts.
 */
import { CircularDependencyError, InvalidRequestError } from "../errors/errors";
import type { TableColumn, TableObject } from "../schema/table";
import { stateOf, type InstanceState } from "./instance-state";
import type { Mapper } from "./mapper";
import type { RelationshipProperty } from "./relationship";
import { quiet, type InstrumentedList } from "./collections";
import { readRelationship, NULL_MARK, describeState, cascadeItems } from "./attributes";
import { dispatchSession, hasMapperListeners, listening } from "../events/registry";
import { executeSelect, selectinLoad, selectChildKeys } from "./loading";
import { isWriteOnly, writeOnlyMembers } from "./writeonly";
import { Persister, UndoLog } from "./persistence";
import { hasChanges } from "./changed-states";
import { identifyByDict } from "./identity-map";
import type { Session } from "./session";

/** Where a row's foreign key comes from at flush: a parent object (its key), or null. */
type SyncSource = { rel: RelationshipProperty; parent: InstanceState | null; /** parent's columns are on the "local" side of rel.pairs */ parentIsLocal: boolean };

export interface FlushContext {
  readonly inserts: InstanceState[];
  readonly updates: InstanceState[];
  readonly deletes: InstanceState[];
}

function items(st: InstanceState, rel: RelationshipProperty): readonly object[] {
  if (isWriteOnly(rel)) return cascadeItems(st, rel);
  const v = st.dict[rel.key];
  if (v === undefined || v === null) return [];
  return rel.uselist ? [...quiet.raw(v as InstrumentedList)] : [v as object];
}

export function flush(session: Session): void {
  if (session.newStates.size === 0 && session.deletedStates.size === 0 && !anyDirty(session)) return;
  session.flushing = true;
  const undo = new UndoLog();
  let savepoint: string | undefined;
  try {
    dispatchSession(session, "before_flush", undefined, undefined);
    // Loops over every object are indexed loops over arrays: flush() runs once per flush, mostly
    // before the optimizing compiler steps in, and there a for-of allocates an iterator result per
    // element. ([...set] alone copies without that; [...set, ...array] iterates element by element.)
    const pending = [...session.newStates];
    for (let i = 0; i < pending.length; i++) pending[i]!.mapper.registry.configure();
    for (const st of session.deletedStates) st.mapper.registry.configure();

    // 1. save-update cascade, at flush time too: objects reachable from the session join it.
    // (The changed persistent objects: read once, nothing below changes that set.)
    const changedPersistent = identityStates(session);
    for (let i = 0; i < pending.length; i++) cascadeSave(session, pending[i]!);
    for (let i = 0; i < changedPersistent.length; i++) cascadeSave(session, changedPersistent[i]!);

    // 2. deletes: cascade along "delete", unlink or load children otherwise.
    const deletes = new Set<InstanceState>();
    const syncs = new Map<InstanceState, SyncSource[]>();
    // postUpdate relationships set their key with a second UPDATE, after the rows exist (cycles).
    const postSyncs = new Map<InstanceState, SyncSource[]>();
    const addSync = (child: InstanceState, s: SyncSource) => {
      const into = s.rel.postUpdate ? postSyncs : syncs;
      let l = into.get(child); if (!l) into.set(child, (l = [])); l.push(s);
    };
    const m2mDeletesFor: InstanceState[] = [];
    // Members of write-only collections of deleted parents, loaded by preloadForDelete.
    const writeOnlyLoaded = new Map<RelationshipProperty, Map<object, object[]>>();
    const markDelete = (st: InstanceState) => {
      if (deletes.has(st)) return;
      if (st.key === undefined) { if (st.session === session) { session.newStates.delete(st); st.session = undefined; } return; }
      deletes.add(st);
      for (const rel of st.mapper.relationshipList) {
        if (rel.viewonly) continue;
        if (isWriteOnly(rel)) {
          // Never loaded by the application: the members are loaded aside (the attribute stays
          // unloaded) to cascade the delete or unlink them, unless passiveDeletes leaves the rows to
          // the database's ON DELETE (then only pending additions are visited). SQLAlchemy does this
          // for "dynamic"; for "write_only" without passive_deletes it raises instead.
          const unlink = rel.direction === "ONETOMANY" && !rel.cascade.delete && !rel.passiveDeletes;
          if (rel.cascade.delete || unlink) {
            const children = rel.passiveDeletes ? items(st, rel) : writeOnlyLoaded.get(rel)?.get(st.obj) ?? writeOnlyMembers(st, rel, (stmt) => executeSelect(session, stmt).scalars().all() as object[]);
            for (const child of children) {
              const cst = stateOf(child)!;
              if (rel.cascade.delete) markDelete(cst);
              else addSync(cst, { rel, parent: null, parentIsLocal: true });
            }
          }
        } else if (rel.cascade.delete) {
          // Children added in memory while the collection was unloaded go with it (new ones are
          // expunged): the rows read below don't have them yet.
          const added = st.relHistory?.get(rel.key)?.added;
          if (added) for (const child of added) markDelete(stateOf(child)!);
          const keyed = rel.key in st.dict ? undefined : keysOnly.get(rel)?.get(st);
          if (keyed) {
            // Children known by key only: those in the session are deleted as objects, the others by key.
            for (const child of keyed.objects) markDelete(stateOf(child)!);
            if (keyed.keys.length) addKeyDeletes(rel.target, keyed.keys);
            continue;
          }
          // passiveDeletes: children not loaded are left to the database (ON DELETE CASCADE); loaded ones go too.
          for (const child of items(st, rel).concat(st.key !== undefined && !(rel.key in st.dict) && !rel.passiveDeletes ? loadedItems(st, rel) : [])) { const cst = stateOf(child)!; markDelete(cst); }
        } else if (rel.direction === "ONETOMANY" && rel.spec.options.passiveDeletes !== "all") {
          // Children lose their key (passiveDeletes: only those loaded; "all": none).
          for (const child of rel.key in st.dict ? items(st, rel) : rel.passiveDeletes ? [] : loadedItems(st, rel)) {
            const cst = stateOf(child)!;
            addSync(cst, { rel, parent: null, parentIsLocal: true });
          }
        }
        if (rel.direction === "MANYTOMANY") m2mDeletesFor.push(st);
      }
    };
    // Children a delete must visit, loaded for all deleted parents at once (not one SELECT per parent);
    // children with nothing of their own to visit are read by key only, and deleted by key; when the
    // session holds none of them, they are deleted by their parents' keys without being read.
    const keysOnly = new Map<RelationshipProperty, Map<InstanceState, KeyedChildren>>();
    const parentKeyDeletes = new Map<RelationshipProperty, unknown[]>();
    const keyDeletes = new Map<Mapper, unknown[]>();
    const addKeyDeletes = (m: Mapper, pks: readonly unknown[]) => {
      const l = keyDeletes.get(m);
      if (!l) keyDeletes.set(m, [...pks]); else for (let i = 0; i < pks.length; i++) l.push(pks[i]);
    };
    preloadForDelete(session, [...session.deletedStates], writeOnlyLoaded, keysOnly, parentKeyDeletes);
    for (const st of session.deletedStates) markDelete(st);

    // 3. relationship history → key syncs, orphans and association rows.
    const assocInsert = new Map<string, { table: TableObject; row: Map<string, () => unknown> }>();
    const assocDelete = new Map<string, { table: TableObject; row: Map<string, () => unknown> }>();
    const orphans: InstanceState[] = [];
    const candidates = [...session.newStates].concat(changedPersistent);
    for (let i = 0; i < candidates.length; i++) {
      const st = candidates[i]!;
      // A persistent object's relationships changed only if it has relationship history.
      if ((st.key !== undefined && !st.relHistory) || deletes.has(st)) continue;
      const rels = st.mapper.relationshipList;
      for (let r = 0; r < rels.length; r++) {
        const rel = rels[r]!;
        if (rel.viewonly) continue;
        const h = st.relHistory?.get(rel.key);
        const pendingAll = st.key === undefined && rel.key in st.dict;
        if (!h && !pendingAll) continue;
        const added = pendingAll ? items(st, rel) : [...(h?.added ?? [])].filter((x) => x !== NULL_MARK);
        const removed = [...(h?.removed ?? [])].filter((x) => x !== NULL_MARK);
        if (rel.direction === "MANYTOONE") {
          const value = st.dict[rel.key] as object | null | undefined;
          if (h || value) addSync(st, { rel, parent: value ? stateOf(value)! : null, parentIsLocal: false });
          if (rel.cascade.deleteOrphan) for (const old of removed) orphanCheck(old);
        } else if (rel.direction === "ONETOMANY") {
          for (const child of removed) {
            const cst = stateOf(child)!;
            if (rel.cascade.deleteOrphan) orphans.push(cst);
            else addSync(cst, { rel, parent: null, parentIsLocal: true });
          }
          for (const child of added) addSync(stateOf(child)!, { rel, parent: st, parentIsLocal: true });
        } else {
          for (const child of added) assocRow(assocInsert, assocDelete, rel, st, stateOf(child)!);
          for (const child of removed) assocRow(assocDelete, assocInsert, rel, st, stateOf(child)!);
        }
      }
    }
    function orphanCheck(_obj: object) { /* many-to-one delete-orphan: handled when the parent collection reports removal */ }
    for (const cst of orphans) {
      // An orphan re-parented elsewhere in this flush is not deleted.
      const reparented = (syncs.get(cst) ?? []).some((s) => s.parent !== null);
      if (!reparented) markDelete(cst);
    }

    // 4. who is written: pending rows, changed rows, rows whose keys change.
    const inserts = deletes.size ? [...session.newStates].filter((st) => !deletes.has(st)) : [...session.newStates];
    const updates: InstanceState[] = [];
    for (let i = 0; i < changedPersistent.length; i++) {
      const st = changedPersistent[i]!;
      if (deletes.has(st) || st.key === undefined) continue;
      if (st.isDirty() || syncs.has(st)) updates.push(st);
    }
    // Rows written only because a key of theirs changes (not among the candidates: committed apart).
    const keyedOnly: InstanceState[] = [];
    if (syncs.size) {
      const listed = new Set(updates);
      for (const st of syncs.keys()) if (st.key !== undefined && !deletes.has(st) && !listed.has(st) && st.session === session) { updates.push(st); keyedOnly.push(st); }
    }

    const ctx: FlushContext = { inserts, updates, deletes: [...deletes] };
    const conn = session.writeConnection();
    savepoint = conn.savepoint();
    const persister = new Persister(session, conn, undo);

    // 5. inserts and updates, table by table in foreign-key order; rows ordered within a table.
    const tables = tableOrder([inserts, updates, ctx.deletes], [...keyDeletes.keys()].map((m) => m.table).concat([...parentKeyDeletes.keys()].map((r) => r.target.table)));
    const applySyncs = (st: InstanceState) => {
      const list = syncs.get(st);
      if (!list) return;
      // A row taken out of one collection and put in another (in either order) ends with the new parent:
      // the unlinks (one-to-many removals) go first.
      const ordered = list.length > 1 ? [...list.filter((s) => s.parentIsLocal && !s.parent), ...list.filter((s) => !(s.parentIsLocal && !s.parent))] : list;
      for (const s of ordered) {
        if (s.parentIsLocal) {
          // one-to-many: child's remote columns ← parent's local columns
          for (const [local, remote] of s.rel.pairs) {
            const value = s.parent ? persister.valueOf(s.parent, local) : null;
            persister.setValue(st, st.mapper.keyOfColumn(remote), value);
          }
        } else {
          // many-to-one: row's local columns ← parent's remote columns
          for (const [local, remote] of s.rel.pairs) {
            const value = s.parent ? persister.valueOf(s.parent, remote) : null;
            persister.setValue(st, st.mapper.keyOfColumn(local), value);
          }
        }
      }
    };
    for (const table of tables) {
      // With one table every row is in it.
      const ins = orderRows(tables.length === 1 ? inserts : inserts.filter((st) => inTable(st, table)), syncs, table);
      if (ins.length > 1 && !refersToOwnTable(ins, table)) {
        // No row here takes its key from another row here: their keys are known now, and the rows
        // can go in multi-row INSERTs.
        for (let i = 0; i < ins.length; i++) applySyncs(ins[i]!);
        persister.insertAll(ins, table);
      } else for (let i = 0; i < ins.length; i++) { applySyncs(ins[i]!); persister.insert(ins[i]!, table); }
      const upd = tables.length === 1 ? updates : updates.filter((s) => inTable(s, table));
      if (upd.length > 1) {
        for (let i = 0; i < upd.length; i++) applySyncs(upd[i]!);
        persister.updateAll(upd, table);
      } else for (let i = 0; i < upd.length; i++) { applySyncs(upd[i]!); persister.update(upd[i]!, table); }
    }
    // 5b. keys of postUpdate relationships, now that every row they point at exists.
    for (const [st, list] of postSyncs) {
      if (deletes.has(st)) continue;
      const values = new Map<string, unknown>();
      for (const s of list) {
        for (const [local, remote] of s.rel.pairs) {
          const [own, other] = s.parentIsLocal ? [remote, local] : [local, remote];
          values.set(st.mapper.keyOfColumn(own), s.parent ? persister.valueOf(s.parent, other) : null);
        }
      }
      persister.postUpdate(st, values);
    }
    // Rows about to be deleted let go of postUpdate references first (the other row may go earlier).
    for (const st of deletes) {
      const values = new Map<string, unknown>();
      for (const rel of st.mapper.relationshipList) {
        if (!rel.postUpdate || rel.direction !== "MANYTOONE") continue;
        for (const [local] of rel.pairs) { const k = st.mapper.keyOfColumn(local); if (persister.valueOf(st, local) !== null) values.set(k, null); }
      }
      if (values.size) persister.postUpdate(st, values);
    }
    // 6. association rows, then deletes (dependents first).
    for (const st of m2mDeletesFor) persister.deleteAssociations(st);
    for (const { table, row } of assocDelete.values()) persister.deleteAssociation(table, row);
    for (const { table, row } of assocInsert.values()) persister.insertAssociation(table, row);
    for (const table of [...tables].reverse()) {
      const dels = orderRows([...deletes].filter((st) => inTable(st, table)), syncs, table, deletes).reverse();
      // Rows of a table that refer to each other must go one by one, in order; others go in sets.
      if (dels.length > 1 && !refersToOwnTable(dels, table)) persister.deleteMany(dels);
      else for (const st of dels) persister.delete(st, table);
      for (const [m, keys] of keyDeletes) if (m.table === table) persister.deleteByKeys(m, keys);
      for (const [rel, keys] of parentKeyDeletes) if (rel.target.table === table) persister.deleteByForeignKey(rel.target, rel.pairs[0]![1], keys);
    }

    dispatchSession(session, "after_flush", ctx);
    conn.releaseSavepoint(savepoint);
    savepoint = undefined;

    // 7. bookkeeping: pending → persistent, deleted → detached, snapshots committed.
    // Every pending object inserted (most flushes): one clear() afterwards rather than a delete each.
    const allNew = inserts.length === session.newStates.size;
    for (let i = 0; i < inserts.length; i++) {
      const st = inserts[i]!;
      if (!allNew) session.newStates.delete(st);
      const key = identifyByDict(st);
      if (key === undefined) throw new InvalidRequestError(`Instance ${describeState(st)} has a NULL primary key after INSERT; give it a value or use an integer primary key.`);
      session.identityMap.set(st.mapper, key, st.obj);
      session.txInserted.push(st);
      if (listening.pending_to_persistent) dispatchSession(session, "pending_to_persistent", st.obj);
    }
    if (allNew) session.newStates.clear();
    for (let i = 0; i < candidates.length; i++) candidates[i]!.commitAll(); // inserts and the other updates are among the candidates
    for (const st of keyedOnly) st.commitAll();
    for (const st of postSyncs.keys()) st.commitAll();
    session.changed.clear();
    for (const st of deletes) {
      session.deletedStates.delete(st);
      if (st.key !== undefined) session.identityMap.delete(st.mapper, st.key);
      st.session = undefined;
      st.deleted = false;
      st.wasDeleted = true;
      session.txDeleted.add(st);
      if (listening.persistent_to_deleted) dispatchSession(session, "persistent_to_deleted", st.obj);
    }
    if (session.nested.length) session.noteFlushed(inserts, updates, [...deletes]);
    dispatchSession(session, "after_flush_postexec", ctx);
  } catch (err) {
    // Nothing of this flush stays: neither in the database nor in the objects.
    try {
      if (savepoint) { const conn = session.connection(); conn.rollbackToSavepoint(savepoint); }
    } catch { /* the original error matters more */ }
    undo.restore();
    session.markFailed(err);
    throw err;
  } finally {
    session.flushing = false;
  }
}

function anyDirty(session: Session): boolean {
  return session.changed.some(hasChanges);
}
/** Persistent objects with changes (the session records them as they change). */
function identityStates(session: Session): InstanceState[] {
  return session.changed.toArray((st) => st.session === session);
}

/** Loads, level by level, the relationships that deleting `states` will cascade through or unlink. */
/** Children of a deleted parent read by key only: those the session holds, and the keys of the rest. */
interface KeyedChildren { objects: object[]; keys: unknown[] }

/**
 * Whether the children of `rel` can be cascade-deleted by key, without loading them as objects:
 * a plain one-to-many into a single-table class with a one-column key, whose delete visits nothing
 * else (no collections or association rows of its own, no version check, no delete listeners).
 */
function deletableByKey(rel: RelationshipProperty): boolean {
  const t = rel.target;
  if (rel.direction !== "ONETOMANY" || rel.secondary || rel.customJoin || rel.viewonly || isWriteOnly(rel) || rel.passiveDeletes) return false;
  if (t.tables.length !== 1 || t.inherits || t.descendants.length || t.versionProp || t.primaryKeyProps.length !== 1 || rel.pairs.length !== 1) return false;
  if (t.relationshipList.some((r) => r.direction !== "MANYTOONE" || r.postUpdate)) return false;
  return !hasMapperListeners(t, ["before_delete", "after_delete"]);
}

function preloadForDelete(session: Session, states: InstanceState[], writeOnlyLoaded: Map<RelationshipProperty, Map<object, object[]>>, keysOnly: Map<RelationshipProperty, Map<InstanceState, KeyedChildren>>, parentKeyDeletes: Map<RelationshipProperty, unknown[]>): void {
  const seen = new Set<InstanceState>();
  let level = states.filter((st) => st.key !== undefined && st.session === session);
  while (level.length) {
    const next: InstanceState[] = [];
    const byRel = new Map<RelationshipProperty, object[]>();
    for (const st of level) {
      if (seen.has(st)) continue;
      seen.add(st);
      for (const rel of st.mapper.relationshipList) {
        if (rel.viewonly || (rel.passiveDeletes && !isWriteOnly(rel)) || !(rel.cascade.delete || (rel.direction === "ONETOMANY" && !rel.passiveDeletes))) continue;
        if (isWriteOnly(rel) && (rel.passiveDeletes || (rel.direction === "MANYTOMANY" && !rel.cascade.delete))) continue;
        if (rel.key in st.dict) continue;
        let list = byRel.get(rel);
        if (!list) byRel.set(rel, (list = []));
        list.push(st.obj);
      }
    }
    for (const [rel, parents] of byRel) {
      if (rel.cascade.delete && deletableByKey(rel)) {
        if (session.identityMap.of(rel.target).size === 0) {
          // No child object in the session that a delete would have to detach, or that was given
          // another parent in memory: DELETE … WHERE parent key IN (…), nothing read.
          const none = new Map<InstanceState, KeyedChildren>();
          const keys: unknown[] = [];
          for (const p of parents) { const st = stateOf(p)!; none.set(st, { objects: [], keys: [] }); keys.push(parentKeyOf(st, rel.pairs[0]![0])); }
          keysOnly.set(rel, none);
          parentKeyDeletes.set(rel, keys);
        } else {
          keysOnly.set(rel, childKeys(session, rel, parents));
        }
        continue;
      }
      let into: Map<object, object[]> | undefined;
      if (isWriteOnly(rel)) {
        // Loaded aside (the collection itself stays unloaded), with the pending additions.
        into = writeOnlyLoaded.get(rel) ?? new Map();
        writeOnlyLoaded.set(rel, into);
      }
      const children = selectinLoad(session, rel, parents, into);
      if (into) {
        for (const p of parents) {
          const list = into.get(p) ?? [];
          for (const item of cascadeItems(stateOf(p)!, rel)) if (!list.includes(item)) list.push(item);
          into.set(p, list);
        }
      }
      if (rel.cascade.delete) for (const c of children) next.push(stateOf(c)!);
    }
    level = next;
  }
}

/**
 * A parent's value of the column its children refer to: loaded, or an expired primary key from its
 * identity (a flush deleting it needs no SELECT of its row), else read.
 */
function parentKeyOf(st: InstanceState, local: TableColumn): unknown {
  const attr = st.mapper.keyOfColumn(local);
  if (attr in st.dict) return st.dict[attr];
  const pkIndex = st.mapper.primaryKeyProps.findIndex((pp) => pp.key === attr);
  return pkIndex >= 0 && st.key !== undefined ? st.identityValue(pkIndex) : (st.obj as any)[attr];
}

/** SELECT child key, parent key FROM children WHERE parent key IN (...): per parent, the held objects and the other keys. */
function childKeys(session: Session, rel: RelationshipProperty, parents: object[]): Map<InstanceState, KeyedChildren> {
  const t = rel.target;
  const [local, remote] = rel.pairs[0]!;
  const pkCol = t.primaryKeyProps[0]!.column;
  const byKey = new Map<unknown, KeyedChildren & { parent: object }>();
  const out = new Map<InstanceState, KeyedChildren>();
  for (const p of parents) {
    const st = stateOf(p)!;
    const k = { objects: [], keys: [], parent: p };
    out.set(st, k);
    byKey.set(parentKeyOf(st, local), k);
  }
  const found = selectChildKeys(session, t, pkCol, remote, [...byKey.keys()]);
  // Children the session holds go as objects; when it holds none of their class, none are looked up.
  const held = session.identityMap.of(t);
  const holdsAny = held.size > 0;
  for (let i = 0; i < found.children.length; i++) {
    const k = byKey.get(found.parents[i]);
    if (!k) continue;
    const child = found.children[i];
    const identityKey = holdsAny ? t.identityKey([child]) : undefined;
    const obj = identityKey !== undefined ? held.get(identityKey) : undefined;
    if (!obj) { k.keys.push(child); continue; }
    const hst = stateOf(obj)!;
    // A child the session holds goes as an object, unless it was given another parent meanwhile.
    const back = rel.back;
    if (back && back.key in hst.dict && hst.dict[back.key] !== k.parent) continue;
    if (!hst.deleted) k.objects.push(obj);
  }
  return out;
}

function loadedItems(st: InstanceState, rel: RelationshipProperty): readonly object[] {
  if (st.session === undefined) return [];
  readRelationship(st, rel);
  return items(st, rel);
}

function cascadeSave(session: Session, st: InstanceState): void {
  const rels = st.mapper.relationshipList;
  for (let r = 0; r < rels.length; r++) {
    const rel = rels[r]!;
    if (!rel.cascade.saveUpdate) continue;
    const items = cascadeItems(st, rel);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const ist = stateOf(item);
      if (ist && ist.session === undefined && !ist.wasDeleted) {
        session.add(item);
        cascadeSave(session, ist);
      }
    }
  }
}

/** An association row keyed so that both sides of a backref pair produce it once; added+removed cancel. */
function assocRow(into: Map<string, { table: TableObject; row: Map<string, () => unknown> }>, opposite: Map<string, unknown>, rel: RelationshipProperty, parent: InstanceState, child: InstanceState): void {
  const table = rel.secondary!;
  const getters = new Map<string, () => unknown>();
  for (const [p, s] of rel.secondaryLocal) getters.set(s.name, () => parent.dict[parent.mapper.keyOfColumn(p)]);
  for (const [t, s] of rel.secondaryRemote) getters.set(s.name, () => child.dict[child.mapper.keyOfColumn(t)]);
  // In the association table's column order, so both sides of a pair give one statement shape.
  const row = new Map(table.columns.filter((c) => getters.has(c.name)).map((c) => [c.name, getters.get(c.name)!] as const));
  const id = `${table.name}|${[...row.keys()].sort().map((k) => `${k}=${identityOf(k, rel, parent, child)}`).join("|")}`;
  if (opposite.has(id)) { opposite.delete(id); return; }
  into.set(id, { table, row });
}
let objIds = new WeakMap<object, number>();
let objSeq = 0;
function identityOf(col: string, rel: RelationshipProperty, parent: InstanceState, child: InstanceState): string {
  const owner = rel.secondaryLocal.some(([, s]) => s.name === col) ? parent : child;
  let id = objIds.get(owner.obj);
  if (id === undefined) objIds.set(owner.obj, (id = ++objSeq));
  return `#${id}`;
}
void objIds;

/**
 * Tables with rows to write, parents before children (from the MetaData's foreign keys), leaving
 * out the keys of postUpdate relationships: they are written after the rows, so they break cycles.
 */
function tableOrder(states: readonly InstanceState[][], extra: readonly TableObject[] = []): TableObject[] {
  const tables = new Set<TableObject>(extra);
  const mappers = new Set<Mapper>();
  let last: Mapper | undefined;
  for (const list of states) {
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!.mapper;
      if (m === last) continue;
      last = m;
      if (!mappers.has(m)) { mappers.add(m); for (const t of m.tables) tables.add(t); }
    }
  }
  const md = mappers.values().next().value?.table.metadata ?? extra[0]?.metadata;
  if (!md) return [];
  const postUpdateColumns = new Set<unknown>();
  for (const m of mappers) {
    for (const rel of m.relationshipList) {
      if (rel.postUpdate) for (const [local, remote] of rel.pairs) postUpdateColumns.add(rel.direction === "MANYTOONE" ? local : remote);
    }
  }
  if (postUpdateColumns.size === 0) return md.sortedTables.filter((t) => tables.has(t)).concat([...tables].filter((t) => !md.tables.has(t.name)));
  const out: TableObject[] = [];
  const done = new Set<TableObject>(), visiting = new Set<TableObject>();
  const visit = (t: TableObject) => {
    if (done.has(t) || visiting.has(t)) return;
    visiting.add(t);
    for (const col of t.columns) {
      if (postUpdateColumns.has(col)) continue;
      for (const fk of col.spec.foreignKeys) {
        const target = md.tables.get((typeof fk.target === "string" ? fk.target : fk.target.fullname).split(".")[0]!);
        if (target && target !== t) visit(target);
      }
    }
    visiting.delete(t);
    done.add(t);
    if (tables.has(t)) out.push(t);
  };
  for (const t of md.tables.values()) visit(t);
  return out.concat([...tables].filter((t) => !md.tables.has(t.name)));
}

/** Orders rows of one table so that a row comes after the rows it refers to (self-referential tables). */
/** Whether an object has a row in `table` (joined inheritance: one row per table of its class). */
function inTable(st: InstanceState, table: TableObject): boolean {
  return st.mapper.table === table || (st.mapper.tables.length > 1 && st.mapper.tables.includes(table));
}
/** Whether rows of `table` may refer to other rows of it (a relationship of one of their classes targets it). */
function refersToOwnTable(rows: InstanceState[], table: TableObject): boolean {
  const seen = new Set<Mapper>();
  let last: Mapper | undefined;
  for (let i = 0; i < rows.length; i++) {
    const m = rows[i]!.mapper;
    if (m === last || seen.has(m)) continue;
    seen.add((last = m));
    if (m.relationshipList.some((r) => r.target?.tables.includes(table))) return true;
  }
  return false;
}

function orderRows(rows: InstanceState[], syncs: Map<InstanceState, SyncSource[]>, table: TableObject, within?: Set<InstanceState>): InstanceState[] {
  if (rows.length < 2) return rows;
  // Only a table whose rows refer to rows of the same table needs ordering.
  if (!refersToOwnTable(rows, table)) return rows;
  const set = new Set(rows);
  const deps = new Map<InstanceState, InstanceState[]>();
  for (const st of rows) {
    const d: InstanceState[] = [];
    for (const s of syncs.get(st) ?? []) if (s.parent && set.has(s.parent) && s.parent !== st) d.push(s.parent);
    if (within) {
      // deletes: a row that refers to another deleted row of this table goes first (reverse later)
      for (const rel of st.mapper.relationshipList) {
        if (rel.direction !== "MANYTOONE" || !(rel.key in st.dict)) continue;
        const p = st.dict[rel.key] as object | null;
        const pst = p ? stateOf(p) : undefined;
        if (pst && set.has(pst) && pst !== st) d.push(pst);
      }
    }
    deps.set(st, d);
  }
  if (![...deps.values()].some((d) => d.length)) return rows;
  const out: InstanceState[] = [];
  const mark = new Map<InstanceState, 1 | 2>();
  const visit = (st: InstanceState, path: InstanceState[]) => {
    const m = mark.get(st);
    if (m === 2) return;
    if (m === 1) throw new CircularDependencyError(`Circular dependency between rows of ${st.mapper.table.name}: ${[...path, st].map(describeState).join(" → ")}. Break the cycle (set one side after a flush), or use postUpdate.`);
    mark.set(st, 1);
    for (const d of deps.get(st)!) visit(d, [...path, st]);
    mark.set(st, 2);
    out.push(st);
  };
  for (const st of rows) visit(st, []);
  return out;
}
export type { Mapper };
