/**
 * The event catalogue: every event name with its listener signature and what it
 * is for. The registry dispatches them; the language server completes names from
 * EVENT_NAMES.
 */
import type { Connection } from "../engine/engine";

export interface MapperEvents {
  /** Before an INSERT of `target` (its values can still be changed). */
  before_insert: (mapper: unknown, connection: Connection, target: any) => void;
  /** After the INSERT of `target`; its primary key is set. */
  after_insert: (mapper: unknown, connection: Connection, target: any) => void;
  /** Before an UPDATE of `target` (only when it has changes). */
  before_update: (mapper: unknown, connection: Connection, target: any) => void;
  after_update: (mapper: unknown, connection: Connection, target: any) => void;
  /** Before the DELETE of `target`. */
  before_delete: (mapper: unknown, connection: Connection, target: any) => void;
  after_delete: (mapper: unknown, connection: Connection, target: any) => void;
}

/**
 * Instance events (SQLAlchemy's InstanceEvents), listened for on the mapped class; they also fire
 * for instances of its mapped subclasses.
 */
export interface InstanceEvents<T = any> {
  /** An instance was created from a row by a query (once per new object; not for identity-map hits or refreshes). */
  load: (target: T, context: { session: unknown; populateExisting: boolean }) => void;
  /** Attributes of an existing instance were reloaded from a row: the keys, or null when all columns were (refresh(obj), populateExisting). */
  refresh: (target: T, context: { session: unknown; populateExisting: boolean }, attrs: string[] | null) => void;
  /** `new User({...})` was called, before the values are set; the listener may change `kwargs`. */
  init: (target: T, kwargs: Record<string, unknown>) => void;
  /** Attributes were expired: the keys, or null for all (expire(obj), expireAll(), commit, rollback). */
  expire: (target: T, attrs: string[] | null) => void;
}

export interface SessionEvents {
  /** Start of a flush, before anything is computed: objects may still be added or changed. */
  before_flush: (session: any, flushContext: unknown, instances: unknown) => void;
  /** After the flush's SQL ran, before the session's bookkeeping is final. */
  after_flush: (session: any, flushContext: unknown) => void;
  /** After the flush completed and states are final. */
  after_flush_postexec: (session: any, flushContext: unknown) => void;
  /** Before COMMIT (after the final flush). */
  before_commit: (session: any) => void;
  /** After COMMIT. */
  after_commit: (session: any) => void;
  /** After ROLLBACK. */
  after_rollback: (session: any) => void;
  /** After a transaction began on the session's connection. */
  after_begin: (session: any, transaction: unknown, connection: Connection) => void;
  /** An object joined the session (session.add, or save-update cascade). */
  after_attach: (session: any, instance: any) => void;
  /** After an ORM-enabled update(X).where(...) ran: `context` has session, statement, mapper, result. */
  after_bulk_update: (context: BulkContext) => void;
  /** After an ORM-enabled deleteFrom(X).where(...) ran: `context` has session, statement, mapper, result. */
  after_bulk_delete: (context: BulkContext) => void;
  /** A pending object became persistent (its INSERT was flushed). */
  pending_to_persistent: (session: any, instance: any) => void;
  /** A persistent object was deleted by a flush. */
  persistent_to_deleted: (session: any, instance: any) => void;
}

/** What after_bulk_update / after_bulk_delete receive (SQLAlchemy's update_context / delete_context). */
export interface BulkContext { session: any; statement: unknown; mapper: unknown; result: any }

export interface EngineEvents {
  /** Before a statement runs (statement text and bound parameters). */
  before_cursor_execute: (connection: unknown, cursor: unknown, statement: string, parameters: readonly unknown[], context: unknown, executemany: boolean) => void;
}

export interface AttributeEvents {
  /** A value is assigned to the attribute; with `{ retval: true }` the listener's return value is stored. */
  set: (target: any, value: any, oldvalue: any, initiator: unknown) => unknown;
  /** An object was appended to a relationship collection (by the user or a backref; not by loading); with `{ retval: true }` the returned object is appended instead. */
  append: (target: any, value: any, initiator: { key: string; op: "append"; backref: boolean }) => unknown;
  /** An object was removed from a relationship collection (by the user or a backref). */
  remove: (target: any, value: any, initiator: { key: string; op: "remove"; backref: boolean }) => void;
}

export type EventName = keyof MapperEvents | keyof InstanceEvents | keyof SessionEvents | keyof AttributeEvents | keyof EngineEvents;

export const MAPPER_EVENTS: readonly (keyof MapperEvents)[] = ["before_insert", "after_insert", "before_update", "after_update", "before_delete", "after_delete"];
export const INSTANCE_EVENTS: readonly (keyof InstanceEvents)[] = ["load", "refresh", "init", "expire"];
export const SESSION_EVENTS: readonly (keyof SessionEvents)[] = ["before_flush", "after_flush", "after_flush_postexec", "before_commit", "after_commit", "after_rollback", "after_begin", "after_attach", "after_bulk_update", "after_bulk_delete", "pending_to_persistent", "persistent_to_deleted"];
export const ATTRIBUTE_EVENTS: readonly (keyof AttributeEvents)[] = ["set", "append", "remove"];
export const ENGINE_EVENTS: readonly (keyof EngineEvents)[] = ["before_cursor_execute"];

/** Every event name with a one-line description (completion and hover in the editor). */
export const EVENT_NAMES: Readonly<Record<EventName, { target: "mapper" | "session" | "attribute" | "engine"; doc: string }>> = {
  before_cursor_execute: { target: "engine", doc: "(connection, cursor, statement, parameters, context, executemany): before a statement runs" },
  before_insert: { target: "mapper", doc: "(mapper, connection, target): before an INSERT of target" },
  after_insert: { target: "mapper", doc: "(mapper, connection, target): after the INSERT; primary key set" },
  before_update: { target: "mapper", doc: "(mapper, connection, target): before an UPDATE of a changed target" },
  after_update: { target: "mapper", doc: "(mapper, connection, target): after the UPDATE" },
  before_delete: { target: "mapper", doc: "(mapper, connection, target): before the DELETE of target" },
  after_delete: { target: "mapper", doc: "(mapper, connection, target): after the DELETE" },
  before_flush: { target: "session", doc: "(session, flushContext, instances): start of a flush" },
  after_flush: { target: "session", doc: "(session, flushContext): after the flush's SQL ran" },
  after_flush_postexec: { target: "session", doc: "(session, flushContext): after the flush completed" },
  before_commit: { target: "session", doc: "(session): before COMMIT" },
  after_commit: { target: "session", doc: "(session): after COMMIT" },
  after_rollback: { target: "session", doc: "(session): after ROLLBACK" },
  after_begin: { target: "session", doc: "(session, transaction, connection): a transaction began" },
  set: { target: "attribute", doc: "(target, value, oldvalue, initiator): an attribute is assigned" },
  append: { target: "attribute", doc: "(target, value, initiator): an object was appended to a relationship collection (user or backref change, not loading); retval: the return value is appended instead" },
  remove: { target: "attribute", doc: "(target, value, initiator): an object was removed from a relationship collection" },
  load: { target: "mapper", doc: "(target, context): an instance was created from a row (not for identity-map hits or refreshes)" },
  refresh: { target: "mapper", doc: "(target, context, attrs): an existing instance's attributes were reloaded (attrs: keys, or null for all)" },
  init: { target: "mapper", doc: "(target, kwargs): new X({...}) was called, before the values are set" },
  expire: { target: "mapper", doc: "(target, attrs): attributes were expired (attrs: keys, or null for all)" },
  after_attach: { target: "session", doc: "(session, instance): an object joined the session (add or cascade)" },
  after_bulk_update: { target: "session", doc: "(context): after an ORM-enabled update(X).where(...) ran; context.session / statement / mapper / result" },
  after_bulk_delete: { target: "session", doc: "(context): after an ORM-enabled deleteFrom(X).where(...) ran; context.session / statement / mapper / result" },
  pending_to_persistent: { target: "session", doc: "(session, instance): a pending object's INSERT was flushed" },
  persistent_to_deleted: { target: "session", doc: "(session, instance): a persistent object's DELETE was flushed" },
};
