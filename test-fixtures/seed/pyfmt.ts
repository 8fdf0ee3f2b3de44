/**
 * Python's repr() for the values the seed examples print, so each example's
 * output can be compared with what the SQLAlchemy original prints.
 */
export class Tuple {
  readonly items: readonly unknown[];
  constructor(...items: unknown[]) { this.items = items; }
}
/** A Python tuple: `tuple("Alice", 30)` prints `('Alice', 30)`. */
export const tuple = (...items: unknown[]) => new Tuple(...items);

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of s) {
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else out += ch;
  }
  return quote + out + quote;
}

export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "string") return reprString(v);
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (v instanceof Tuple) return v.items.length === 1 ? `(${pyRepr(v.items[0])},)` : `(${v.items.map(pyRepr).join(", ")})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  return String(v);
}

/** Python's print(): values separated by spaces; strings as they are, the rest as repr(). */
export function print(...values: unknown[]): void {
  console.log(values.map((v) => (typeof v === "string" ? v : pyRepr(v))).join(" "));
}

/** Python's sorted() for strings and numbers. */
export function sorted<T extends string | number>(xs: Iterable<T>): T[] {
  return [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
