/**
 * @hybridProperty and @validates: decorators on members of a mapped class,
 * recorded in the class's decorator metadata and applied by @mapped.
 */
import { ArgumentError, InvalidRequestError } from "../errors/errors";
import { ColumnElement } from "../sql/expressions";
import type { Mapper } from "./mapper";

const hybridsKey = Symbol.for("orm-core.hybrids");
const validatorsKey = Symbol.for("orm-core.validators");

interface HybridInfo { name: string; expression?: (cls: any) => unknown }
interface ValidatorInfo { keys: string[]; method: (this: object, key: string, value: unknown) => unknown; includeBackrefs: boolean }

function metadataList<T>(context: { metadata?: DecoratorMetadataObject }, key: symbol): T[] {
  const md = context.metadata as Record<symbol, unknown> | undefined;
  if (!md) throw new ArgumentError("This decorator needs TypeScript 5 standard decorators (no experimentalDecorators).");
  if (!Object.prototype.hasOwnProperty.call(md, key)) md[key] = [...((md[key] as T[] | undefined) ?? [])];
  return md[key] as T[];
}

type GetterDecorator = (getter: (this: any) => unknown, context: ClassGetterDecoratorContext) => void;

/**
 * A getter that works on instances and, with `expression`, in SQL.
 * @example
 *   @hybridProperty get fullName() { return `${this.first} ${this.last}`; }
 *   @hybridProperty({ expression: (cls) => cls.first.concat(" ").concat(cls.last) })
 *   get fullName() { return `${this.first} ${this.last}`; }
 */
export function hybridProperty(getter: (this: any) => unknown, context: ClassGetterDecoratorContext): void;
export function hybridProperty(options: { expression: (cls: any) => unknown }): GetterDecorator;
export function hybridProperty(a: unknown, context?: ClassGetterDecoratorContext): void | GetterDecorator {
  if (typeof a === "function" && context) {
    register(context, undefined);
    return;
  }
  const opts = a as { expression?: (cls: any) => unknown } | undefined;
  if (!opts || typeof opts !== "object" || typeof opts.expression !== "function") {
    throw new ArgumentError("hybridProperty() takes { expression: (cls) => <SQL expression> }, or is used bare: @hybridProperty get x() {...}");
  }
  return (_getter, ctx) => register(ctx, opts.expression);
}
function register(context: ClassGetterDecoratorContext, expression: ((cls: any) => unknown) | undefined): void {
  if (context.kind !== "getter" || context.static) throw new ArgumentError("@hybridProperty decorates an instance getter: @hybridProperty get fullName() { ... }");
  metadataList<HybridInfo>(context, hybridsKey).push({ name: String(context.name), ...(expression ? { expression } : {}) });
}

/**
 * A validator for attributes: called with (key, value) on every assignment; its return value is stored.
 * @example
 *   @validates("email") validateEmail(key: string, value: string) { if (!value.includes("@")) throw new Error("bad email"); return value; }
 */
export function validates(...keys: string[]) {
  if (keys.length === 0 || keys.some((k) => typeof k !== "string")) throw new ArgumentError('validates() takes attribute names: @validates("email").');
  return (method: (this: any, key: string, value: any) => unknown, context: ClassMethodDecoratorContext): void => {
    if (context.kind !== "method" || context.static) throw new ArgumentError("@validates decorates an instance method: @validates(\"email\") validateEmail(key, value) { ... }");
    metadataList<ValidatorInfo>(context, validatorsKey).push({ keys, method, includeBackrefs: true });
  };
}

const hybridsByMapper = new WeakMap<Mapper, readonly HybridInfo[]>();
/** The hybrid properties of a mapper, in declaration order, and whether each has a SQL expression. */
export function hybridsOf(mapper: Mapper): { readonly name: string; readonly hasExpression: boolean }[] {
  return (hybridsByMapper.get(mapper) ?? []).map((h) => ({ name: h.name, hasExpression: h.expression !== undefined }));
}

/** Called by @mapped: class-level hybrid expressions and validators. */
export function applyClassDecorations(cls: Function, mapper: Mapper, md: Record<symbol, unknown> | undefined): void {
  if (!md) return;
  if (md[hybridsKey]) hybridsByMapper.set(mapper, md[hybridsKey] as HybridInfo[]);
  for (const h of (md[hybridsKey] as HybridInfo[] | undefined) ?? []) {
    mapper.hybrids.add(h.name);
    Object.defineProperty(cls, h.name, {
      configurable: true,
      get() {
        if (!h.expression) {
          throw new InvalidRequestError(`${mapper.name}.${h.name} is a hybrid property without a SQL expression: write @hybridProperty({ expression: (cls) => ... }) to use it in queries.`);
        }
        const expr = h.expression(cls);
        if (!(expr instanceof ColumnElement)) throw new InvalidRequestError(`The expression of hybrid ${mapper.name}.${h.name} must return a SQL expression (e.g. cls.first.concat(" ")), got ${typeof expr}.`);
        return expr;
      },
    });
  }
  for (const v of (md[validatorsKey] as ValidatorInfo[] | undefined) ?? []) {
    for (const key of v.keys) {
      if (!mapper.columnPropByKey.has(key) && !mapper.relationshipKeys.includes(key)) {
        throw new ArgumentError(`@validates(${JSON.stringify(key)}) on ${mapper.name}: there is no attribute ${JSON.stringify(key)}.`);
      }
      mapper.validators.set(key, (target, value, k) => v.method.call(target, k, value));
    }
  }
}
