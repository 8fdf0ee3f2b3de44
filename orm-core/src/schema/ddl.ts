/**
 * CREATE TABLE / CREATE INDEX as SQLAlchemy's SQLite dialect writes them, so the
 * schema made here is the one Python's create_all() makes.
 */
import { quoteIdentifier } from "../sql/compiler";
import type { TableObject, TableColumn } from "./table";

function serverDefault(v: string | number): string {
  if (typeof v === "number") return String(v);
  // An expression in parentheses or a known SQL keyword stays as written; text becomes a string literal.
  if (/^\(.*\)$/s.test(v) || /^(CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME|NULL|TRUE|FALSE)$/i.test(v)) return v;
  return `'${v.replace(/'/g, "''")}'`;
}

function columnDdl(col: TableColumn): string {
  let s = `${quoteIdentifier(col.name)} ${col.type.ddl()}`;
  if (col.serverDefault !== undefined) s += ` DEFAULT ${serverDefault(col.serverDefault)}`;
  if (!col.nullable) s += " NOT NULL";
  return s;
}

const names = (cols: readonly TableColumn[]) => cols.map((c) => quoteIdentifier(c.name)).join(", ");

export function createTableSql(table: TableObject): string {
  const parts = table.columns.map(columnDdl);
  const pk = table.primaryKey;
  if (pk.length) parts.push(`PRIMARY KEY (${names(pk)})`);
  // SQLAlchemy's order is creation order: constraint objects passed to the table exist before
  // the table does, column-level FOREIGN KEY / UNIQUE are made as each column is attached.
  for (const cons of table.constraints) {
    const prefix = cons.name ? `CONSTRAINT ${quoteIdentifier(cons.name)} ` : "";
    if (cons.kind === "unique") parts.push(`${prefix}UNIQUE (${names(cons.columns.map((c) => table.resolveColumn(c, "UniqueConstraint")))})`);
    else if (cons.kind === "check") parts.push(`${prefix}CHECK (${cons.sql})`);
  }
  for (const col of table.columns) {
    for (const fk of col.foreignKeys) {
      const [tname, cname] = fk.targetFullname.split(".") as [string, string];
      let s = `FOREIGN KEY(${quoteIdentifier(col.name)}) REFERENCES ${quoteIdentifier(tname)} (${quoteIdentifier(cname)})`;
      if (fk.options.ondelete) s += ` ON DELETE ${fk.options.ondelete.toUpperCase()}`;
      if (fk.options.onupdate) s += ` ON UPDATE ${fk.options.onupdate.toUpperCase()}`;
      parts.push(fk.options.name ? `CONSTRAINT ${quoteIdentifier(fk.options.name)} ${s}` : s);
    }
    if (col.unique && !col.index) parts.push(`UNIQUE (${quoteIdentifier(col.name)})`);
  }
  return `CREATE TABLE ${quoteIdentifier(table.name)} (\n\t${parts.join(", \n\t")}\n)`;
}

export function createIndexSqls(table: TableObject): string[] {
  const out: string[] = [];
  for (const col of table.columns) {
    if (col.index) {
      out.push(`CREATE ${col.unique ? "UNIQUE " : ""}INDEX ${quoteIdentifier(`ix_${table.name}_${col.name}`)} ON ${quoteIdentifier(table.name)} (${quoteIdentifier(col.name)})`);
    }
  }
  for (const cons of table.constraints) {
    if (cons.kind === "index") {
      out.push(`CREATE ${cons.unique ? "UNIQUE " : ""}INDEX ${quoteIdentifier(cons.name)} ON ${quoteIdentifier(table.name)} (${names(cons.columns.map((c) => table.resolveColumn(c, "Index")))})`);
    }
  }
  return out;
}

export function dropTableSql(table: TableObject): string {
  return `DROP TABLE ${quoteIdentifier(table.name)}`;
}
