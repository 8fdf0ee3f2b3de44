/**
 * DDL for a plain TableSpec (the mapping model's view of a table), through the
 * same Table / ddl.ts code createAll() uses: what the editor's hover shows is
 * what would run.
 */
import type { TableSpec } from "../mapping/model";
import { Column } from "./column";
import { ForeignKey } from "./constraints";
import { createIndexSqls, createTableSql } from "./ddl";
import { MetaData } from "./metadata";
import { TableObject } from "./table";
import * as types from "./types";

function typeByName(name: string, length?: number): types.TypeEngine {
  switch (name) {
    case "String": return types.String(length);
    case "Integer": return types.Integer;
    case "BigInteger": return types.BigInteger;
    case "SmallInteger": return types.SmallInteger;
    case "Text": return types.Text;
    case "Boolean": return types.Boolean;
    case "Float": return types.Float;
    case "Numeric": return types.Numeric;
    case "DateTime": return types.DateTime;
    case "Date": return types.Date;
    case "Time": return types.Time;
    case "JSON": return types.JSON;
    case "LargeBinary": return types.LargeBinary;
    case "Uuid": return types.Uuid;
    case "Enum": return types.String(length);
    default: return types.NullType;
  }
}

export function ddlForTableSpec(spec: TableSpec): string {
  const md = new MetaData();
  const items = spec.columns.map((c) => [undefined, (Column as any)(c.name, typeByName(c.type.name, c.type.length), ...c.foreignKeys.filter((f) => /^[^.]+\.[^.]+$/.test(f.target)).map((f) => ForeignKey(f.target)), { primaryKey: c.primaryKey, nullable: c.nullable })] as const);
  const table = new TableObject(spec.name, md, items);
  return [createTableSql(table), ...createIndexSqls(table)].join(";\n");
}
