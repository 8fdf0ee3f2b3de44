/** ORM104 (unknown table), ORM105 (unknown column), ORM114 (type mismatch) for every ForeignKey("t.c"). */
import { suggest } from "../../util/suggest";
import { findTable, type MappingIssue, type MappingModel, type TypeInfo } from "../model";

/** Types that store the same values: a key of one may reference the other. */
const family: Record<string, string> = { Integer: "int", BigInteger: "int", SmallInteger: "int", String: "text", Text: "text", Enum: "text" };
const familyOf = (t: TypeInfo) => family[t.name] ?? t.name;

export function checkForeignKeys(model: MappingModel): MappingIssue[] {
  const out: MappingIssue[] = [];
  for (const table of model.tables) {
    for (const col of table.columns) {
      for (const fk of col.foreignKeys) {
        const [tname, cname] = fk.target.split(".");
        const target = tname !== undefined ? findTable(model, tname) : undefined;
        if (!target) {
          const hint = tname ? suggest(tname, model.tables.map((t) => t.name)) : undefined;
          out.push({
            code: "ORM104", severity: "error", subject: fk.subject, ...(hint && cname ? { suggestion: `${hint}.${cname}` } : {}),
            message: `ForeignKey("${fk.target}") on ${table.name}.${col.name} names table "${tname}", which no model or Table defines.${hint ? ` Did you mean "${hint}.${cname}"?` : ` Tables: ${model.tables.map((t) => t.name).join(", ")}.`} [ORM104]`,
          });
          continue;
        }
        const ref = target.columns.find((c) => c.name === cname);
        if (!ref) {
          const hint = cname ? suggest(cname, target.columns.map((c) => c.name)) : undefined;
          out.push({
            code: "ORM105", severity: "error", subject: fk.subject, ...(hint ? { suggestion: `${tname}.${hint}` } : {}),
            message: `ForeignKey("${fk.target}") on ${table.name}.${col.name} names column "${cname}", which table "${tname}" does not have.${hint ? ` Did you mean "${tname}.${hint}"?` : ` Its columns: ${target.columns.map((c) => c.name).join(", ")}.`} [ORM105]`,
          });
          continue;
        }
        if (familyOf(ref.type) !== familyOf(col.type)) {
          out.push({
            code: "ORM114", severity: "error", subject: col.subject, related: [ref.subject],
            message: `${table.name}.${col.name} is ${col.type.name} but references ${target.name}.${ref.name}, which is ${ref.type.name}. Declare ${col.name} as Column(${ref.type.name}, ForeignKey("${fk.target}")). [ORM114]`,
          });
        }
      }
    }
  }
  return out;
}
