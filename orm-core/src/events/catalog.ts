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
}

export interface EngineEvents {
  /** Before a statement runs (statement text and bound parameters). */
  before_cursor_execute: (connection: unknown, cursor: unknown, statement: string, parameters: readonly unknown[], context: unknown, executemany: boolean) => void;
}

export interface AttributeEvents {
  /** A value is assigned to the attribute; with `{ retval: true }` the listener's return value is stored. */
  set: (target: any, value: any, oldvalue: any, initiator: unknown) => unknown;
}

export type EventName = keyof MapperEvents | keyof SessionEvents | keyof AttributeEvents | keyof EngineEvents;

export const MAPPER_EVENTS: readonly (keyof MapperEvents)[] = ["before_insert", "after_insert", "before_update", "after_update", "before_delete", "after_delete"];
export const SESSION_EVENTS: readonly (keyof SessionEvents)[] = ["before_flush", "after_flush", "after_flush_postexec", "before_commit", "after_commit", "after_rollback", "after_begin"];
export const ATTRIBUTE_EVENTS: readonly (keyof AttributeEvents)[] = ["set"];
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
};
