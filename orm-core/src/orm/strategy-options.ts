/**
 * The user-facing loader options: joinedload(User.posts),
 * selectinload(User.posts).joinedload(Post.tags), lazyload, raiseload, noload.
 * Each is a path of relationship attributes with a strategy per step.
 */
import { ormKind } from "../util/kind";
import { ArgumentError } from "../errors/errors";
import { describe } from "../sql/coerce";
import { InstrumentedAttribute, RelationshipAttribute, mapperOf, type Mapper } from "./mapper";
import type { LazyStrategy } from "./relationship";
import { ColumnPropertyAttribute } from "./column-property";

export interface LoaderStep { readonly attr: RelationshipAttribute; readonly strategy: LazyStrategy }

export class LoaderOption {
  constructor(readonly steps: readonly LoaderStep[]) {}
  get [ormKind](): "LoaderOption" { return "LoaderOption"; }
  private then(attr: unknown, strategy: LazyStrategy, name: string): LoaderOption {
    const a = checkAttr(attr, name);
    const last = this.steps[this.steps.length - 1]!;
    const target = last.attr.property.target;
    if (a.mapper !== target) throw new ArgumentError(`${name}(${a}) can't follow ${last.attr}: it must be a relationship of ${target.name}.`);
    return new LoaderOption([...this.steps, { attr: a, strategy }]);
  }
  joinedload(attr: unknown): LoaderOption { return this.then(attr, "joined", "joinedload"); }
  selectinload(attr: unknown): LoaderOption { return this.then(attr, "selectin", "selectinload"); }
  lazyload(attr: unknown): LoaderOption { return this.then(attr, "select", "lazyload"); }
  raiseload(attr: unknown): LoaderOption { return this.then(attr, "raise", "raiseload"); }
  noload(attr: unknown): LoaderOption { return this.then(attr, "noload", "noload"); }
  containsEager(attr: unknown): LoaderOption { return this.then(attr, "contains_eager", "containsEager"); }
}

function checkAttr(attr: unknown, name: string): RelationshipAttribute {
  if (!(attr instanceof RelationshipAttribute)) throw new ArgumentError(`${name}() takes a relationship attribute such as User.posts, got ${describe(attr)}.`);
  return attr;
}
function option(strategy: LazyStrategy, name: string) {
  return (attr: unknown): LoaderOption => new LoaderOption([{ attr: checkAttr(attr, name), strategy }]);
}

/** Load the relationship in the same SELECT with a LEFT OUTER JOIN. @example select(User).options(joinedload(User.posts)) */
export const joinedload = option("joined", "joinedload");
/** Load the relationship with one more SELECT ... WHERE key IN (...) for all parents. @example select(User).options(selectinload(User.posts)) */
export const selectinload = option("selectin", "selectinload");
/** Load on first access (the default). @example select(User).options(lazyload(User.posts)) */
export const lazyload = option("select", "lazyload");
/** Raise on access instead of emitting SQL. @example select(User).options(raiseload(User.posts)) */
export const raiseload = option("raise", "raiseload");
/** Never load: the attribute stays empty. @example select(User).options(noload(User.posts)) */
export const noload = option("noload", "noload");
/**
 * Fill the relationship from the rows of a join the query already has (no join added): with
 * a filter on the joined table, the collections hold just the matching children.
 * @example select(User).join(User.posts).where(Post.title.like("a%")).options(containsEager(User.posts))
 */
export const containsEager = option("contains_eager", "containsEager");

/**
 * Column loading options: which columns of an entity a query loads now. The others are
 * deferred: loaded, by primary key, when first read.
 */
export class ColumnLoaderOption {
  constructor(readonly mapper: Mapper, readonly kind: "defer" | "undefer" | "loadOnly" | "undeferGroup", readonly keys: readonly string[]) {}
  get [ormKind](): "LoaderOption" { return "LoaderOption"; }
}
/** Column attributes (and columnProperty attributes: their loading is picked the same way). */
function columnAttrs(attrs: unknown[], name: string): { mapper: Mapper; keys: string[] } {
  if (attrs.length === 0) throw new ArgumentError(`${name}() needs at least one column attribute, e.g. ${name}(User.name).`);
  let mapper: Mapper | undefined;
  const keys: string[] = [];
  for (const a of attrs) {
    if (!(a instanceof InstrumentedAttribute) && !(a instanceof ColumnPropertyAttribute)) throw new ArgumentError(`${name}() takes column attributes such as User.name, got ${describe(a)}.`);
    if (mapper && a.mapper !== mapper) throw new ArgumentError(`${name}(): all attributes must belong to one class (${mapper.name} and ${a.mapper.name} given).`);
    mapper = a.mapper;
    keys.push(a.key);
  }
  return { mapper: mapper!, keys };
}
/** Load only these columns (and the primary key) now; defer the rest. @example select(User).options(loadOnly(User.name)) */
export function loadOnly(...attrs: unknown[]): ColumnLoaderOption { const { mapper, keys } = columnAttrs(attrs, "loadOnly"); return new ColumnLoaderOption(mapper, "loadOnly", keys); }
/** Don't load these columns now; they load when first read. */
export function defer(...attrs: unknown[]): ColumnLoaderOption {
  const { mapper, keys } = columnAttrs(attrs, "defer");
  for (const k of keys) if (mapper.columnPropByKey.get(k)?.column.primaryKey) throw new ArgumentError(`defer(${mapper.name}.${k}): a primary key column can't be deferred.`);
  return new ColumnLoaderOption(mapper, "defer", keys);
}
/** Load these deferred columns now, with the query. */
export function undefer(...attrs: unknown[]): ColumnLoaderOption { const { mapper, keys } = columnAttrs(attrs, "undefer"); return new ColumnLoaderOption(mapper, "undefer", keys); }
/** Load every column of a deferred group now. */
export function undeferGroup(cls: unknown, group: string): ColumnLoaderOption {
  const mapper = mapperOf(cls);
  if (!mapper) throw new ArgumentError(`undeferGroup() takes a mapped class and a group name, got ${describe(cls)}.`);
  return new ColumnLoaderOption(mapper, "undeferGroup", [group]);
}
