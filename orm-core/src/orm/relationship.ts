/**
 * relationship(): the declaration, and RelationshipProperty: the configured
 * relationship (direction, key pairs, cascade, other side) that attributes.ts,
 * unit-of-work.ts and the loader strategies read.
 */
import { ormKind } from "../util/kind";
import type { TableColumn, TableObject } from "../schema/table";
import type { ExprNode, FromNode, TableNode, AliasNode } from "../sql/nodes";
import { Integer } from "../schema/types";
import { allOf, eqNode } from "../sql/expressions";
import type { CascadeSet } from "../mapping/cascade";
import type { Mapper } from "./mapper";

export type LazyStrategy = "select" | "joined" | "selectin" | "raise" | "raise_on_sql" | "noload" | "immediate" | "subquery" | "dynamic" | "write_only" | "contains_eager";
export type Direction = "ONETOMANY" | "MANYTOONE" | "MANYTOMANY";

export interface RelationshipOptions {
  backPopulates?: string;
  /** Creates the other side: `backref: "author"` or `backref: ["author", { lazy: "joined" }]`. */
  backref?: string | readonly [string, RelationshipOptions];
  /** Association table (or its name) for many-to-many. */
  secondary?: string | TableObject;
  /** Attribute names of the owning class on the "remote" side, for self-referential many-to-one. */
  remoteSide?: string | readonly string[];
  /** Attribute names of the owning class that hold the foreign key, when several paths exist. */
  foreignKeys?: string | readonly string[];
  /** Attributes of the target (optionally "name desc") or expressions, for collection order. */
  orderBy?: string | readonly string[] | (() => unknown);
  cascade?: string;
  /**
   * How the relationship loads: "select" (on first access, the default), "joined", "selectin",
   * "raise", "noload"; or "write_only" — never loaded: the attribute is a WriteOnlyCollection
   * (declare `relationship<WriteOnlyCollection<Post>>`) with add() / remove() and select() —
   * and the legacy "dynamic", a write-only collection that can also be iterated.
   */
  lazy?: LazyStrategy;
  uselist?: boolean;
  passiveDeletes?: boolean | "all";
  /**
   * Write this relationship's foreign key with a separate UPDATE after both rows are inserted
   * (and clear it before a DELETE): for rows that point at each other (a cycle).
   */
  postUpdate?: boolean;
  viewonly?: boolean;
  singleParent?: boolean;
  /** Custom join condition: (parent, target) => condition. */
  primaryJoin?: (...classes: any[]) => unknown;
}

/** What relationship() returns inside Base.model(...). `T` is the instance type: `Post[]` or `User`. */
export interface RelationshipSpec<T = unknown> {
  readonly [ormKind]: "RelationshipSpec";
  readonly target: string | (() => unknown);
  readonly options: Readonly<RelationshipOptions>;
  readonly __type?: T;
}

/**
 * Declare a relationship to another mapped class.
 * @example
 *   posts: relationship<Post[]>("Post", { backPopulates: "author", cascade: "all, delete-orphan" })
 *   author: relationship<User>("User", { backPopulates: "posts" })
 */
export function relationship<T>(target: string | (() => unknown), options: RelationshipOptions = {}): RelationshipSpec<T> {
  return Object.freeze({ [ormKind]: "RelationshipSpec" as const, target, options: Object.freeze({ ...options }) });
}
export function isRelationshipSpec(x: unknown): x is RelationshipSpec {
  return typeof x === "object" && x !== null && (x as any)[ormKind] === "RelationshipSpec";
}


/**
 * A key column as seen from a FROM: through an alias, or itself when the FROM is a table (with
 * inheritance the column may live in another table of the class than the FROM names).
 */
function seenFrom(col: TableColumn, from: TableNode | AliasNode): ExprNode {
  return from.kind === "table" ? col.node : col.through(from);
}

/** A configured relationship. */
export class RelationshipProperty {
  target!: Mapper;
  direction!: Direction;
  /** [column of the parent's table, column of the target's table] for o2m/m2o. */
  pairs: (readonly [TableColumn, TableColumn])[] = [];
  secondary: TableObject | undefined;
  /** [parent column, secondary column] */
  secondaryLocal: (readonly [TableColumn, TableColumn])[] = [];
  /** [target column, secondary column] */
  secondaryRemote: (readonly [TableColumn, TableColumn])[] = [];
  uselist!: boolean;
  cascade!: CascadeSet;
  /** The relationship on the target that mirrors this one (backPopulates / backref). */
  back: RelationshipProperty | undefined;
  lazy: LazyStrategy;
  orderBy: ExprNode[] = [];
  /** Custom primaryJoin given by the user (rendered instead of the key pairs). */
  customJoin: ((parent: TableNode | AliasNode, target: TableNode | AliasNode) => ExprNode) | undefined;

  constructor(readonly parent: Mapper, readonly key: string, readonly spec: RelationshipSpec) {
    this.lazy = spec.options.lazy ?? "select";
  }
  get viewonly(): boolean { return !!this.spec.options.viewonly; }
  get passiveDeletes(): boolean { return !!this.spec.options.passiveDeletes; }
  get postUpdate(): boolean { return !!this.spec.options.postUpdate; }
  get name(): string { return `${this.parent.name}.${this.key}`; }
  get selfReferential(): boolean { return this.parent.table === this.target.table; }

  /** The ON clause between a FROM for the parent and one for the target (o2m/m2o). */
  joinCondition(parentFrom: TableNode | AliasNode, targetFrom: TableNode | AliasNode): ExprNode {
    if (this.customJoin) return this.customJoin(parentFrom, targetFrom);
    return allOf(this.pairs.map(([local, remote]) => eqNode(seenFrom(local, parentFrom), seenFrom(remote, targetFrom))));
  }
  /** For many-to-many: parent ↔ secondary and secondary ↔ target conditions. */
  secondaryConditions(parentFrom: TableNode | AliasNode, secFrom: TableNode | AliasNode, targetFrom: TableNode | AliasNode): [ExprNode, ExprNode] {
    const and = (cs: ExprNode[]): ExprNode => (cs.length === 1 ? cs[0]! : { kind: "clauselist", op: "AND", clauses: cs, type: Integer });
    return [
      and(this.secondaryLocal.map(([p, s]) => ({ kind: "binary", op: "=", left: p.through(parentFrom), right: s.through(secFrom), type: Integer }))),
      and(this.secondaryRemote.map(([t, s]) => ({ kind: "binary", op: "=", left: t.through(targetFrom), right: s.through(secFrom), type: Integer }))),
    ];
  }
  toString(): string { return this.name; }
}
