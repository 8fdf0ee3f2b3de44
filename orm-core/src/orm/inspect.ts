/** inspect(obj): the object's state (transient / pending / persistent / deleted / detached) and identity. */
import { ArgumentError } from "../errors/errors";
import { stateOf } from "./instance-state";
import { mapperOf } from "./mapper";

export interface InstanceInspection {
  readonly transient: boolean;
  readonly pending: boolean;
  readonly persistent: boolean;
  readonly deleted: boolean;
  readonly detached: boolean;
  readonly identity: readonly unknown[] | null;
  readonly session: unknown;
  /** Keys of attributes not loaded (expired or never loaded). */
  readonly unloaded: ReadonlySet<string>;
  readonly modified: boolean;
}

export function inspect(obj: object): InstanceInspection {
  const st = stateOf(obj);
  if (!st) {
    const m = mapperOf(obj);
    if (m) return m as never;
    throw new ArgumentError(`inspect() takes a mapped instance, got ${typeof obj}.`);
  }
  const all = [...st.mapper.columnPropByKey.keys(), ...st.mapper.relationshipKeys];
  return {
    transient: st.transient,
    pending: st.pending,
    persistent: st.persistent,
    deleted: st.deleted,
    detached: st.detached || (st.session === undefined && st.wasDeleted),
    identity: st.identity ?? null,
    session: st.session ?? null,
    unloaded: new Set(all.filter((k) => !(k in st.dict))),
    modified: st.isDirty(),
  };
}
