/**
 * aliased(User): the class seen through an alias of its table, for a query that needs the same
 * class twice (a self-join: an employee and their manager). Its attributes are the class's, read
 * through the alias; select(alias) gives instances of the class.
 */
import { ArgumentError, InvalidRequestError } from "../errors/errors";
import { describe } from "../sql/coerce";
import { AliasedClass, mapperOf } from "./mapper";

/** What aliased(C) gives: C's class-level attributes (no constructor); select() yields C's instances. */
export type Aliased<C extends abstract new (...a: any) => any> = Omit<C, "prototype"> & { readonly __instance?: InstanceType<C> };

/**
 * @example
 *   const Manager = aliased(Employee, { name: "manager" });
 *   select(Employee.name, Manager.name).join(Manager, Employee.manager_id.eq(Manager.id))
 */
export function aliased<C extends abstract new (...a: any) => any>(cls: C, options: { name?: string } = {}): Aliased<C> {
  const mapper = typeof cls === "function" ? mapperOf(cls) : undefined;
  if (!mapper || mapper.cls !== cls) throw new ArgumentError(`aliased() takes a @mapped class, got ${describe(cls)}.`);
  mapper.registry.configure();
  if (mapper.inherits || mapper.descendants.length) {
    throw new InvalidRequestError(`aliased(${mapper.name}): classes of an inheritance hierarchy can't be aliased yet (their rows span tables or share one with other classes); query the class itself.`);
  }
  return new AliasedClass(mapper, mapper.table.alias(options.name).node) as unknown as Aliased<C>;
}
