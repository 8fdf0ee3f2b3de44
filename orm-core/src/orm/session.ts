/**
 * Session: the public façade. Identity map, pending/deleted sets, autoflush,
 * transactions (autobegin, commit with expire-on-commit, rollback), and the
 * PendingRollbackError state after a failed flush.
 */
import { ChangedStates, hasChanges } from "./changed-states";
import { ormKind } from "../util/kind";
import { ArgumentError, InvalidRequestError, PendingRollbackError } from "../errors/errors";
import { describe } from "../sql/coerce";
import type { Connection, Engine } from "../engine/engine";
import type { Result } from "../engine/result";
import { Select } from "../sql/select";
import { CompoundSelect } from "../sql/compound";
import { executeCompound } from "./compound-loading";
import { Insert, Update, Delete } from "../sql/dml";
import type { InstanceState } from "./instance-state";
import { lazySessionKey, stateOf, statelessDict } from "./instance-state";
import { mapperOf, type Mapper } from "./mapper";
import { requireState, describeState, setLoaded, cascadeItems } from "./attributes";
import { executeSelect, loadByIdentity, loadExpiredAttributes } from "./loading";
import { flush as runFlush } from "./unit-of-work";
import { executeDml, type DmlOptions } from "./bulk";
import { dispatchSession, listening } from "../events/registry";
import { IdentityMap } from "./identity-map";
import { quiet, type InstrumentedList } from "./collections";
import { attributeHistory } from "./inspect";

export interface SessionOptions {
  bind?: Engine;
  /** Flush before queries (default true). */
  autoflush?: boolean;
  /** Expire every instance after commit so the next access reloads (default true). */
  expireOnCommit?: boolean;
}

type Ctor<T> = abstract new (...args: any[]) => T;

const expire = (st: InstanceState): void => st.expireAll();
const detach = (obj: object): void => {
  if (statelessDict(obj)) (obj as any)[lazySessionKey] = undefined; // no state to make for this
  else stateOf(obj)!.session = undefined;
};

export class Session {
  static readonly __isSessionClass = true;
  readonly bind: Engine | undefined;
  autoflush: boolean;
  expireOnCommit: boolean;
  /** The sessionmaker that made this session (session events on it apply). */
  maker: object | undefined;
  /** Identity key → instance (see identity-map.ts). */
  readonly identityMap = new IdentityMap();
  /** @internal pending instances, in add() order */
  readonly newStates = new Set<InstanceState>();
  /** @internal instances marked by delete() */
  readonly deletedStates = new Set<InstanceState>();
  /** @internal rows inserted / deleted by flushes of the current transaction (undone by rollback); inserted: a list, as a flush adds many at once */
  txInserted: InstanceState[] = [];
  readonly txDeleted = new Set<InstanceState>();
  /** @internal persistent objects changed since the last flush (so nothing scans the identity map) */
  readonly changed = new ChangedStates();
  /** @internal open savepoints of beginNested(), innermost last */
  readonly nested: NestedFrame[] = [];
  private conn: Connection | undefined;
  private failure: unknown;
  /** @internal */ flushing = false;
  private noAutoflushDepth = 0;
  private closed = false;

  constructor(options: SessionOptions | Engine = {}) {
    const opts: SessionOptions = (options as any)?.[ormKind] === "Engine" ? { bind: options as Engine } : (options as SessionOptions);
    if (opts.bind !== undefined && (opts.bind as any)?.[ormKind] !== "Engine") throw new ArgumentError(`Session bind must be an engine from createEngine(), got ${describe(opts.bind)}.`);
    this.bind = opts.bind;
    this.autoflush = opts.autoflush ?? true;
    this.expireOnCommit = opts.expireOnCommit ?? true;
  }
  get [ormKind](): "Session" { return "Session"; }

  // ---- connection and transaction ------------------------------------------------

  /**
   * The session's connection. Reads run on it outside a transaction; the transaction begins
   * (BEGIN IMMEDIATE) at the first write — as SQLAlchemy on pysqlite does — so a concurrent
   * writer is waited for under the busy timeout instead of failing the transaction.
   */
  connection(): Connection {
    this.checkUsable();
    if (!this.conn) {
      if (!this.bind) throw new InvalidRequestError("This session is not bound to an engine: sessionmaker({ bind: engine }) or new Session({ bind: engine }).");
      this.conn = this.bind.connect();
    }
    return this.conn;
  }
  /** @internal Called by attributes.ts when a persistent object changes. */
  noteChange(st: InstanceState): void {
    this.changed.add(st);
    this.identityMap.keep(st.obj);
  }
  /** @internal The connection, in a write transaction. */
  writeConnection(): Connection {
    const conn = this.connection();
    if (!conn.inTransaction) {
      conn.begin("immediate");
      dispatchSession(this, "after_begin", this, conn);
    }
    return conn;
  }
  get inTransaction(): boolean { return this.conn?.inTransaction ?? false; }

  private checkUsable(): void {
    if (this.failure !== undefined) {
      const msg = (this.failure as Error)?.message ?? String(this.failure);
      throw new PendingRollbackError(`This Session's transaction has been rolled back due to a previous exception during flush. To begin a new transaction with this Session, first call session.rollback(). Original exception was: ${msg}`, { cause: this.failure });
    }
  }
  /** @internal */ markFailed(err: unknown): void { this.failure = err; }

  /**
   * Runs `fn` in a transaction that commits when it returns and rolls back when it throws;
   * without `fn`, returns the transaction (commit() / rollback(); disposing it uncommitted rolls back).
   */
  begin<T>(fn: (session: this) => T): T;
  begin(): SessionTransaction;
  begin<T>(fn?: (session: this) => T): T | SessionTransaction {
    if (this.conn?.inTransaction && !fn) throw new InvalidRequestError("A transaction is already begun on this Session; commit() or rollback() it first.");
    this.connection();
    if (!fn) return new SessionTransaction(this);
    try {
      const out = fn(this);
      this.commit();
      return out;
    } catch (e) {
      this.rollback();
      throw e;
    }
  }

  /**
   * A SAVEPOINT inside the session's transaction (pending changes are flushed first). Rolling it
   * back undoes only what happened since: rows it inserted leave the session, rows it deleted come
   * back, objects it changed are expired and reload; everything else stays as it was.
   * With `fn`: released when fn returns, rolled back (and the error rethrown) when it throws.
   * @example session.beginNested(() => session.add(maybeBad)); // a failure here keeps the outer work
   */
  beginNested<T>(fn: (session: this) => T): T;
  beginNested(): NestedTransaction;
  beginNested<T>(fn?: (session: this) => T): T | NestedTransaction {
    this.flush();
    const conn = this.writeConnection();
    const frame: NestedFrame = { savepoint: conn.savepoint(), inserted: new Set(), deleted: new Set(), touched: new Set(), pendingBefore: new Set(this.newStates), deletedBefore: new Set(this.deletedStates) };
    this.nested.push(frame);
    const tx = new NestedTransaction(this, frame);
    if (!fn) return tx;
    let out: T;
    try {
      out = fn(this);
      tx.commit();
    } catch (e) {
      if (tx.isActive) tx.rollback();
      throw e;
    }
    return out;
  }
  /** @internal Called by the flush: what it wrote belongs to every open savepoint. */
  noteFlushed(inserted: readonly InstanceState[], updated: readonly InstanceState[], deleted: readonly InstanceState[]): void {
    for (const f of this.nested) {
      for (const st of inserted) f.inserted.add(st);
      for (const st of updated) f.touched.add(st);
      for (const st of deleted) f.deleted.add(st);
    }
  }
  /** @internal */
  releaseNested(frame: NestedFrame): void {
    this.requireInnermost(frame, "commit");
    this.checkUsable();
    this.flush();
    this.nested.pop();
    this.conn!.releaseSavepoint(frame.savepoint);
  }
  /** @internal ROLLBACK TO SAVEPOINT and undo, in the objects, what happened since it began. */
  rollbackNested(frame: NestedFrame): void {
    this.requireInnermost(frame, "rollback");
    this.nested.pop();
    this.conn!.rollbackToSavepoint(frame.savepoint);
    this.failure = undefined;
    for (const st of frame.inserted) {
      this.identityMap.remove(st);
      st.clearIdentity(); st.session = undefined;
    }
    this.txInserted = this.txInserted.filter((st) => !frame.inserted.has(st));
    for (const st of frame.deleted) {
      st.wasDeleted = false;
      if (st.key === undefined || this.identityMap.has(st.mapper, st.key)) continue;
      st.session = this;
      this.identityMap.set(st.mapper, st.key, st.obj);
      this.txDeleted.delete(st);
      st.expireAll();
    }
    for (const st of [...this.newStates]) if (!frame.pendingBefore.has(st)) { this.newStates.delete(st); st.session = undefined; }
    for (const st of [...this.deletedStates]) if (!frame.deletedBefore.has(st)) { this.deletedStates.delete(st); st.deleted = false; }
    for (const st of [...frame.touched, ...this.changed]) if (st.session === this && st.key !== undefined) st.expireAll();
    this.changed.clear();
  }
  private requireInnermost(frame: NestedFrame, what: string): void {
    if (this.nested[this.nested.length - 1] !== frame) {
      throw new InvalidRequestError(this.nested.includes(frame)
        ? `Can't ${what} this savepoint while a savepoint begun inside it is still open; end the inner one first.`
        : `This savepoint is already ended (committed, rolled back, or ended with its transaction).`);
    }
  }

  commit(): void {
    this.checkUsable();
    this.flush();
    dispatchSession(this, "before_commit");
    if (this.conn) {
      this.flush(); // before_commit listeners may have changed objects
      this.conn.commit();
      this.conn.close();
      this.conn = undefined;
    }
    this.txInserted = [];
    this.txDeleted.clear();
    this.changed.clear();
    this.nested.length = 0;
    if (this.expireOnCommit) this.identityMap.eachState(expire);
    dispatchSession(this, "after_commit");
  }

  /** Rolls back: pending objects are expunged, the rest expired; the session is usable again. */
  rollback(): void {
    if (this.conn) {
      this.conn.rollback();
      this.conn.close();
      this.conn = undefined;
    }
    this.failure = undefined;
    this.nested.length = 0;
    // Objects whose INSERT is rolled back become transient again (attributes kept, as in SQLAlchemy);
    // objects whose DELETE is rolled back are persistent again.
    for (const st of this.txInserted) {
      this.identityMap.remove(st);
      st.clearIdentity(); st.session = undefined;
    }
    for (const st of this.txDeleted) {
      if (st.key === undefined || this.identityMap.has(st.mapper, st.key)) continue;
      st.wasDeleted = false; st.session = this;
      this.identityMap.set(st.mapper, st.key, st.obj);
    }
    this.txInserted = [];
    this.txDeleted.clear();
    for (const st of this.newStates) { st.session = undefined; }
    this.newStates.clear();
    for (const st of this.deletedStates) st.deleted = false;
    this.deletedStates.clear();
    this.identityMap.eachState(expire);
    this.changed.clear();
    dispatchSession(this, "after_rollback");
  }

  /** Ends the transaction (rolling back) and detaches every object. */
  close(): void {
    if (this.conn) { this.conn.rollback(); this.conn.close(); this.conn = undefined; }
    this.failure = undefined;
    this.nested.length = 0;
    this.expungeAll();
    this.closed = true;
  }
  [Symbol.dispose](): void { this.close(); }

  // ---- state changes ---------------------------------------------------------------

  /**
   * Adds an object (and, by save-update cascade, what it refers to) to the session.
   * @example session.add(new User({ name: "Alice" }))
   */
  add(obj: object): void {
    this.checkUsable();
    const st = requireState(obj, "session.add()");
    st.mapper.registry.configure();
    this.addState(st);
  }
  addAll(objs: Iterable<object>): void {
    if (objs === null || typeof objs !== "object" || !(Symbol.iterator in objs)) throw new ArgumentError(`addAll() takes an array of objects, got ${describe(objs)}.`);
    for (const o of objs) this.add(o);
  }
  private addState(st: InstanceState): void {
    if (st.session === this) {
      if (st.deleted) return;
      this.cascadeSaveUpdate(st);
      return;
    }
    if (st.session) throw new InvalidRequestError(`Object ${describeState(st)} is already attached to another session; expunge it there first (or use merge()).`);
    if (st.key !== undefined) {
      if (st.wasDeleted) throw new InvalidRequestError(`Object ${describeState(st)} was deleted; it can't be added again. Make a new object, or use merge().`);
      const other = this.identityMap.get(st.mapper, st.key);
      if (other && other !== st.obj) throw new InvalidRequestError(`Can't attach ${describeState(st)}: another object with the same identity is already in this session. Use session.merge(obj).`);
      st.session = this;
      this.identityMap.set(st.mapper, st.key, st.obj);
    } else {
      st.session = this;
      this.newStates.add(st);
    }
    if (listening.after_attach) dispatchSession(this, "after_attach", st.obj);
    this.cascadeSaveUpdate(st);
  }
  /** save-update cascade over loaded relationships. */
  private cascadeSaveUpdate(st: InstanceState): void {
    for (const rel of st.mapper.relationshipList) {
      if (!rel.cascade.saveUpdate) continue;
      for (const item of cascadeItems(st, rel)) {
        const ist = stateOf(item);
        if (ist && ist.session !== this) this.addState(ist);
      }
    }
  }

  /**
   * Marks a persistent object for deletion at the next flush (cascades apply then).
   * @example session.delete(user); session.commit();
   */
  delete(obj: object): void {
    this.checkUsable();
    const st = requireState(obj, "session.delete()");
    if (st.key === undefined) throw new InvalidRequestError(`Instance ${describeState(st)} is not persisted: nothing to delete. (To discard a pending object, use session.expunge(obj).)`);
    if (st.session && st.session !== this) throw new InvalidRequestError(`Object ${describeState(st)} is attached to another session.`);
    if (!st.session) this.addState(st);
    st.deleted = true;
    this.deletedStates.add(st);
  }

  /** Writes pending changes to the database (in the current transaction). */
  flush(): void {
    this.checkUsable();
    if (this.flushing) return;
    runFlush(this);
  }
  /** @internal */ autoflushIfEnabled(): void {
    if (this.autoflush && !this.flushing && this.noAutoflushDepth === 0 && (this.newStates.size || this.deletedStates.size || this.hasDirty())) this.flush();
  }
  /** Runs `fn` with autoflush off. */
  noAutoflush<T>(fn: () => T): T {
    this.noAutoflushDepth++;
    try { return fn(); } finally { this.noAutoflushDepth--; }
  }
  private hasDirty(): boolean {
    return this.changed.some(hasChanges);
  }

  /** Detaches an object from the session (cascading along "expunge" relationships). */
  expunge(obj: object): void {
    const st = requireState(obj, "session.expunge()");
    if (st.session !== this) throw new InvalidRequestError(`Instance ${describeState(st)} is not present in this Session.`);
    this.expungeState(st);
  }
  /** @internal Detaches one state (and its expunge cascade). */
  expungeState(st: InstanceState): void {
    if (st.session !== this) return;
    this.changed.delete(st);
    st.session = undefined;
    this.newStates.delete(st);
    this.deletedStates.delete(st);
    st.deleted = false;
    this.identityMap.remove(st);
    for (const rel of st.mapper.relationshipList) {
      if (!rel.cascade.expunge) continue;
      for (const item of cascadeItems(st, rel)) { const ist = stateOf(item); if (ist) this.expungeState(ist); }
    }
  }
  expungeAll(): void {
    this.changed.clear();
    this.identityMap.forEach(detach);
    for (const st of this.newStates) st.session = undefined;
    for (const st of this.deletedStates) { st.deleted = false; }
    this.identityMap.clear();
    this.newStates.clear();
    this.deletedStates.clear();
  }

  /** Expires attributes (all, or those named) so the next access reloads them. */
  expire(obj: object, attributeNames?: readonly string[]): void {
    const st = this.own(obj, "expire");
    if (attributeNames) {
      for (const k of attributeNames) if (!st.mapper.columnPropByKey.has(k) && !st.mapper.relationships.has(k) && !st.mapper.columnExpressions?.has(k)) throw new ArgumentError(`expire(): ${st.mapper.name} has no attribute ${JSON.stringify(k)}.`);
      st.expireKeys(attributeNames);
    } else this.expireWithCascade(st);
  }
  /**
   * Expires an object and, along "refresh-expire" cascades, the related objects it has loaded
   * (collected first: expiring the parent forgets its relationships).
   */
  private expireWithCascade(st: InstanceState): void {
    const related: InstanceState[] = [];
    const seen = new Set<InstanceState>([st]);
    const walk = (s: InstanceState) => {
      for (const rel of s.mapper.relationshipList) {
        if (!rel.cascade.refreshExpire || !(rel.key in s.dict)) continue;
        const v = s.dict[rel.key];
        for (const item of v === null || v === undefined ? [] : rel.uselist ? quiet.raw(v as InstrumentedList) : [v as object]) {
          const ist = stateOf(item);
          if (!ist || seen.has(ist) || ist.session !== this || ist.key === undefined) continue;
          seen.add(ist);
          related.push(ist);
          walk(ist);
        }
      }
    };
    walk(st);
    st.expireAll();
    for (const r of related) r.expireAll();
  }
  expireAll(): void { this.identityMap.eachState(expire); this.changed.clear(); }
  /** Reloads an object's attributes from the database now. */
  refresh(obj: object, attributeNames?: readonly string[]): void {
    const st = this.own(obj, "refresh");
    if (st.key === undefined) throw new InvalidRequestError(`Instance ${describeState(st)} is not persistent within this Session: refresh() needs a flushed object.`);
    if (attributeNames) st.expireKeys(attributeNames); else this.expireWithCascade(st);
    loadExpiredAttributes(st, [], !attributeNames);
  }
  private own(obj: object, what: string): InstanceState {
    const st = requireState(obj, `session.${what}()`);
    if (st.session !== this) throw new InvalidRequestError(`Instance ${describeState(st)} is not present in this Session; ${what}() needs one of its objects.`);
    return st;
  }

  /** Whether the object belongs to this session. */
  contains(obj: object): boolean { return stateOf(obj)?.session === this; }

  get new(): ReadonlySet<object> { return new Set([...this.newStates].map((s) => s.obj)); }
  get dirty(): ReadonlySet<object> {
    const out = new Set<object>();
    for (const st of this.changed) if (st.session === this && !st.deleted && (st.modified || st.relHistory?.size)) out.add(st.obj);
    return out;
  }
  get deleted(): ReadonlySet<object> { return new Set([...this.deletedStates].map((s) => s.obj)); }
  /**
   * Whether the object has net changes: an attribute whose value differs from the database's, or
   * (unless `includeCollections: false`) a collection with items added or removed. Setting a value
   * back to what was loaded is not a change. Never loads anything.
   */
  isModified(obj: object, options: { includeCollections?: boolean } = {}): boolean {
    const st = requireState(obj, "session.isModified()");
    const includeCollections = options.includeCollections ?? true;
    for (const p of st.mapper.columnProps) if (attributeHistory(st, p.key).hasChanges()) return true;
    for (const rel of st.mapper.relationshipList) {
      if (rel.uselist && !includeCollections) continue;
      if (attributeHistory(st, rel.key).hasChanges()) return true;
    }
    return false;
  }

  // ---- queries ----------------------------------------------------------------------

  /**
   * Runs a statement: select() gives rows of objects/values; update/insert/deleteFrom
   * change rows and keep the session's objects in step. With `rows`, insert() runs as multi-row
   * INSERTs and update() as a bulk UPDATE by primary key; `options.synchronizeSession` picks how
   * update/delete with criteria keep loaded objects in step ("auto", "evaluate", "fetch", false).
   * @example session.execute(select(User).where(User.name.eq("Alice"))).scalars().all()
   */
  execute<R extends readonly unknown[]>(stmt: Select<R> | CompoundSelect<R>): Result<R>;
  execute(stmt: Insert | Update | Delete, rows?: readonly Record<string, unknown>[], options?: DmlOptions): Result<any>;
  execute(stmt: unknown, rows?: readonly Record<string, unknown>[], options: DmlOptions = {}): Result<any> {
    this.checkUsable();
    if (stmt instanceof Select || (stmt as any)?.[ormKind] === "Select") {
      this.autoflushIfEnabled();
      return executeSelect(this, stmt as Select<any>);
    }
    if (stmt instanceof CompoundSelect) {
      this.autoflushIfEnabled();
      return executeCompound(this, stmt);
    }
    if (stmt instanceof Insert || stmt instanceof Update || stmt instanceof Delete) {
      this.autoflushIfEnabled();
      return executeDml(this, stmt, rows, options ?? {});
    }
    throw new ArgumentError(`session.execute() takes select(), union(...), insert(), update() or deleteFrom(), got ${describe(stmt)}.`);
  }
  /** `execute(stmt).scalars()`. */
  scalars<R extends readonly unknown[]>(stmt: Select<R> | CompoundSelect<R>) { return this.execute(stmt).scalars(); }
  /** `execute(stmt).scalar()`: the first column of the first row, or null. */
  scalar<R extends readonly unknown[]>(stmt: Select<R> | CompoundSelect<R>): R[0] | null { return this.execute(stmt).scalar(); }

  /**
   * The instance with this primary key: from the identity map, or loaded; null if none.
   * @example session.get(User, 1)
   */
  get<T>(cls: Ctor<T>, ident: unknown, options: { populateExisting?: boolean } = {}): T | null {
    this.checkUsable();
    const mapper = requireMapper(cls, "session.get()");
    mapper.registry.configure();
    const pk = normalizeIdent(mapper, ident);
    const key = mapper.identityKey(pk);
    if (key === undefined) throw new ArgumentError(`session.get(${mapper.name}, ${describe(ident)}): the primary key can't be null.`);
    const hit = this.identityMap.get(mapper, key);
    if (hit && !options.populateExisting) {
      const st = stateOf(hit)!;
      if (st.deleted) return null;
      if (st.mapper !== mapper && !st.mapper.isa(mapper)) return null; // get(Manager, id) of an Engineer's key
      if (st.allExpired) {
        try { loadExpiredAttributes(st); } catch { this.identityMap.delete(mapper, key); return null; }
      }
      return hit as T;
    }
    this.autoflushIfEnabled();
    return loadByIdentity(this, mapper, pk, !!options.populateExisting) as T | null;
  }
  /** Like get(), but throws NoResultFound when there is no such row. */
  getOne<T>(cls: Ctor<T>, ident: unknown): T {
    const obj = this.get(cls, ident);
    if (obj === null) {
      const { NoResultFound } = require("../errors/errors");
      throw new NoResultFound(`No row was found for ${requireMapper(cls, "getOne()").name} with primary key ${describe(ident)}.`);
    }
    return obj;
  }

  /**
   * Copies the state of `obj` onto the instance with the same identity in this
   * session (loading it if needed) and returns that instance; `obj` itself is not added.
   */
  merge<T extends object>(obj: T, options: { load?: boolean } = {}): T {
    this.checkUsable();
    return this.mergeState(requireState(obj, "session.merge()"), options.load ?? true, new Map()) as T;
  }
  private mergeState(src: InstanceState, load: boolean, memo: Map<object, object>): object {
    const done = memo.get(src.obj);
    if (done) return done;
    const mapper = src.mapper;
    mapper.registry.configure();
    const pk = mapper.primaryKeyProps.map((p, i) => src.dict[p.key] ?? src.identityValue(i) ?? null);
    const key = mapper.identityKey(pk);
    if (!load) {
      // Without a SELECT the session must be told the row exists and holds these values.
      if (key === undefined || src.key === undefined) throw new InvalidRequestError(`merge(obj, { load: false }) takes objects that were loaded from the database (detached or persistent); ${describeState(src)} is new. Use merge(obj), which looks the row up.`);
      if (src.isDirty()) throw new InvalidRequestError(`merge(obj, { load: false }) takes unchanged objects; ${describeState(src)} has changes not flushed. Use merge(obj), or flush the changes in their own session first.`);
    }
    let target: object | null = null;
    if (key !== undefined) {
      target = this.identityMap.get(mapper, key) ?? null;
      if (!target && load) target = this.get(mapper.cls as Ctor<object>, pk);
    }
    const { initInstance } = require("./attributes");
    if (!target) {
      target = new mapper.Blank(undefined);
      initInstance(target, mapper, undefined);
      if (load) this.add(target);
      else {
        // load: false: persistent at once, as the row is known to exist.
        const st = stateOf(target)!;
        st.setIdentity(key!, pk); st.session = this;
        this.identityMap.set(mapper, key!, target);
      }
    }
    memo.set(src.obj, target);
    const tst = stateOf(target)!;
    // load: false copies the values as the database's (no history, nothing to flush).
    for (const prop of mapper.columnProps) {
      if (!(prop.key in src.dict)) continue;
      if (load) (target as any)[prop.key] = src.dict[prop.key];
      else { tst.dict[prop.key] = src.dict[prop.key]; delete tst.committed[prop.key]; tst.expired.delete(prop.key); }
    }
    for (const rel of mapper.relationshipList) {
      if (!(rel.key in src.dict) || !rel.cascade.merge) continue;
      const v = src.dict[rel.key];
      const merged = rel.uselist ? quiet.raw(v as InstrumentedList).map((item) => this.mergeState(stateOf(item)!, load, memo)) : v ? this.mergeState(stateOf(v as object)!, load, memo) : null;
      if (load) (target as any)[rel.key] = merged;
      else setLoaded(tst, rel, merged);
    }
    return target;
  }
}

/** A transaction begun with session.begin(): commit() or rollback(); disposing it uncommitted rolls back. */
export class SessionTransaction {
  private done = false;
  constructor(private readonly session: Session) {}
  commit(): void { this.done = true; this.session.commit(); }
  rollback(): void { this.done = true; this.session.rollback(); }
  get isActive(): boolean { return !this.done; }
  [Symbol.dispose](): void { if (!this.done) this.rollback(); }
}

/** @internal What a savepoint of beginNested() must undo if it is rolled back. */
export interface NestedFrame {
  readonly savepoint: string;
  readonly inserted: Set<InstanceState>;
  readonly deleted: Set<InstanceState>;
  readonly touched: Set<InstanceState>;
  readonly pendingBefore: ReadonlySet<InstanceState>;
  readonly deletedBefore: ReadonlySet<InstanceState>;
}

/** A savepoint begun with session.beginNested(): commit() releases it, rollback() undoes it. */
export class NestedTransaction {
  private done = false;
  constructor(private readonly session: Session, private readonly frame: NestedFrame) {}
  commit(): void { this.session.releaseNested(this.frame); this.done = true; }
  rollback(): void { this.done = true; this.session.rollbackNested(this.frame); }
  get isActive(): boolean { return !this.done && this.session.nested.includes(this.frame); }
  get nested(): true { return true; }
  [Symbol.dispose](): void { if (this.isActive) this.rollback(); }
}

function requireMapper(cls: unknown, where: string): Mapper {
  const m = mapperOf(cls);
  if (!m) throw new ArgumentError(`${where} takes a mapped class, got ${describe(cls)}. Decorate it with @mapped. [ORM115]`, { code: "ORM115" });
  return m;
}

function normalizeIdent(mapper: Mapper, ident: unknown): unknown[] {
  const pkProps = mapper.primaryKeyProps;
  if (Array.isArray(ident)) {
    if (ident.length !== pkProps.length) throw new ArgumentError(`session.get(${mapper.name}, ...) needs ${pkProps.length} primary key value(s) (${pkProps.map((p) => p.key).join(", ")}), got ${ident.length}.`);
    return ident;
  }
  if (ident !== null && typeof ident === "object" && !(ident instanceof Date)) {
    return pkProps.map((p) => {
      if (!(p.key in (ident as object))) throw new ArgumentError(`session.get(${mapper.name}, {...}) is missing primary key ${JSON.stringify(p.key)}.`);
      return (ident as any)[p.key];
    });
  }
  if (pkProps.length !== 1) throw new ArgumentError(`${mapper.name} has a composite primary key: pass [${pkProps.map((p) => p.key).join(", ")}] or an object.`);
  if (ident === undefined || typeof ident === "function" || typeof ident === "symbol") throw new ArgumentError(`session.get(${mapper.name}, ${describe(ident)}): pass the primary key value.`);
  return [ident];
}

export interface SessionMaker {
  (options?: SessionOptions): Session;
  readonly [ormKind]: "SessionMaker";
  /** Runs fn with a new session in a transaction (commit on return, rollback on throw), then closes it. */
  begin<T>(fn: (session: Session) => T): T;
  configure(options: SessionOptions): void;
}

/**
 * A session factory, callable without `new`.
 * @example const Session = sessionmaker({ bind: engine }); const session = Session();
 */
export function sessionmaker(options: SessionOptions = {}): SessionMaker {
  let config = { ...options };
  const maker = ((overrides: SessionOptions = {}) => {
    const s = new Session({ ...config, ...overrides });
    s.maker = maker;
    return s;
  }) as SessionMaker;
  Object.defineProperty(maker, ormKind, { value: "SessionMaker" });
  maker.begin = <T>(fn: (session: Session) => T): T => {
    const s = maker();
    try { return s.begin(() => fn(s)); } finally { s.close(); }
  };
  maker.configure = (o: SessionOptions) => { config = { ...config, ...o }; };
  return maker;
}
void setLoaded;
