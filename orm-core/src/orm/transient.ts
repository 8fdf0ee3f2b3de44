/**
 * makeTransient() and makeTransientToDetached(): move an object between states by hand
 * (SQLAlchemy's make_transient / make_transient_to_detached).
 */
import { InvalidRequestError } from "../errors/errors";
import { emptyDict } from "./instance-state";
import { describeState, requireState } from "./attributes";
import { identifyByDict } from "./identity-map";

/**
 * Makes an object transient: removes it from its session (this object only, no cascade), drops
 * its identity key, and forgets which attributes were expired or never loaded (they become
 * absent, read as null). Loaded attribute values stay, so adding it to a session again INSERTs
 * it as a new row with those values.
 * @example
 *   const copy = session.get(User, 1)!; makeTransient(copy); copy.id = null; session.add(copy); // INSERT
 */
export function makeTransient(obj: object): void {
  const st = requireState(obj, "makeTransient()");
  st.session?.expungeState(st);
  st.session = undefined;
  st.clearIdentity();
  st.deleted = false;
  st.wasDeleted = false;
  if (st.allExpired || st.expired.size) {
    st.allExpired = false;
    st.clearExpired();
  }
  // No database values to compare with any more: everything held is new.
  st.committed = emptyDict();
  st.modified = false;
  st.loadOptions = undefined;
}

/**
 * Makes a transient object with a primary key detached, as if it had been loaded from the
 * database with the values it holds: session.add() then makes it persistent without an INSERT,
 * later changes UPDATE the row, and attributes it does not hold load from the database when read.
 * @example
 *   const u = new User({ id: 1, name: "ann" }); makeTransientToDetached(u);
 *   session.add(u); u.name = "bob"; session.commit(); // UPDATE users SET name=? WHERE users.id = ?
 */
export function makeTransientToDetached(obj: object): void {
  const st = requireState(obj, "makeTransientToDetached()");
  if (st.session !== undefined || st.key !== undefined) {
    throw new InvalidRequestError(`makeTransientToDetached() takes a transient object; ${describeState(st)} is ${st.session ? (st.key === undefined ? "pending" : "persistent") : "detached"}. Call makeTransient(obj) first.`);
  }
  const mapper = st.mapper;
  mapper.registry.configure();
  const key = identifyByDict(st);
  if (key === undefined) {
    throw new InvalidRequestError(`makeTransientToDetached(): ${describeState(st)} has no complete primary key (${mapper.primaryKeyProps.map((p) => p.key).join(", ")}); set it first, e.g. obj.${mapper.primaryKeyProps[0]?.key ?? "id"} = 1.`);
  }
  st.deleted = false;
  st.wasDeleted = false;
  // What it holds is what the database holds; the columns it does not hold load when read.
  st.commitAll();
  for (const prop of mapper.columnProps) if (!(prop.key in st.dict)) st.markExpired(prop.key);
}
