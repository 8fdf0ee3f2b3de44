/**
 * synonym("name"): another name for a mapped column attribute (SQLAlchemy's synonym). Declared
 * among Base.model()'s attributes; installed by @mapped (declarative.ts): instances read and
 * write the column attribute (same history, so the flush writes it), and the class-level
 * attribute is the column's SQL expression.
 */
import { ormKind } from "../util/kind";
import { ArgumentError } from "../errors/errors";
import { describe } from "../sql/coerce";
import { InstrumentedAttribute, type Mapper } from "./mapper";
import { readColumn, requireState, writeColumn } from "./attributes";

/** What synonym() returns: a declaration for Base.model(), naming its target attribute. */
export interface SynonymSpec<K extends string = string> {
  readonly [ormKind]: "SynonymSpec";
  readonly name: K;
}

/**
 * An attribute that is another name for the column attribute `name` of the same class.
 * @example
 *   @mapped class User extends Base.model("users", {
 *     id: Column(Integer, { primaryKey: true }), name: Column(String(50)), userName: synonym("name"),
 *   }) {}
 *   new User({ userName: "ann" }).name; // "ann"
 *   select(User).where(User.userName.eq("ann")); // WHERE users.name = ?
 */
export function synonym<const K extends string>(name: K): SynonymSpec<K> {
  if (typeof name !== "string" || !name) throw new ArgumentError(`synonym() takes the name of a column attribute of the same class, e.g. synonym("name"); got ${describe(name)}.`);
  return Object.freeze({ [ormKind]: "SynonymSpec" as const, name });
}

export function isSynonymSpec(x: unknown): x is SynonymSpec {
  return typeof x === "object" && x !== null && (x as any)[ormKind] === "SynonymSpec";
}

/**
 * `User.userName`: the target column attribute under another name. Its `key` is the target's
 * (so loader options and the mapper see the column); `synonymKey` is its own name.
 */
export class SynonymAttribute<T = unknown> extends InstrumentedAttribute<T> {
  constructor(mapper: Mapper, readonly synonymKey: string, target: InstrumentedAttribute<T>) {
    super(mapper, target.key, target.column, target.node);
  }
  override toString(): string { return `${this.mapper.name}.${this.synonymKey}`; }
}

/** @mapped: checks and installs the synonyms of a class (class attribute and instance accessors). */
export function installSynonyms(cls: Function, proto: object, mapper: Mapper, attrs: Record<string, unknown>): void {
  for (const [key, spec] of Object.entries(attrs)) {
    if (!isSynonymSpec(spec)) continue;
    const target = spec.name;
    if (!mapper.columnPropByKey.has(target)) {
      const what = isSynonymSpec(attrs[target]) ? "another synonym" : attrs[target] !== undefined || mapper.isAttribute(target) ? "not a column attribute" : "not an attribute";
      throw new ArgumentError(`${mapper.name}.${key} = synonym(${JSON.stringify(target)}): ${JSON.stringify(target)} is ${what} of ${mapper.name}; a synonym names a column, one of ${[...mapper.columnPropByKey.keys()].join(", ")}.`);
    }
    mapper.synonyms.set(key, target);
    Object.defineProperty(cls, key, { value: new SynonymAttribute(mapper, key, (cls as any)[target] as InstrumentedAttribute), configurable: true, enumerable: false, writable: false });
    Object.defineProperty(proto, key, {
      get(this: object) { return readColumn(requireState(this, `reading ${key}`), target); },
      set(this: object, v: unknown) { writeColumn(requireState(this, `setting ${key}`), target, v); },
      enumerable: false, configurable: true,
    });
  }
}
