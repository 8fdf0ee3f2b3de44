/** ORM110 (no primary key), ORM111 (duplicate table or class name), ORM115 (missing @mapped). */
import { findTable, subjects, type MappingIssue, type MappingModel } from "../model";

export function checkClasses(model: MappingModel): MappingIssue[] {
  const out: MappingIssue[] = [];
  const byName = new Map<string, string>();
  const byTable = new Map<string, string>();
  for (const cls of model.classes) {
    if (!cls.decorated) {
      out.push({ code: "ORM115", severity: "error", subject: cls.subject, message: `Class ${cls.name} extends Base.model("${cls.tableName}") but is not mapped: put @mapped above "class ${cls.name}". [ORM115]` });
      continue;
    }
    const prevName = byName.get(cls.name);
    if (prevName !== undefined) {
      out.push({ code: "ORM111", severity: "error", subject: cls.subject, related: [subjects.cls(cls.name)], message: `Two mapped classes are named ${cls.name}; relationship("${cls.name}") would be ambiguous. Rename one of them. [ORM111]` });
    } else byName.set(cls.name, cls.tableName);
    const prevTable = cls.inherits === undefined ? byTable.get(cls.tableName) : undefined; // single-table subclasses share on purpose
    if (prevTable !== undefined && prevTable !== cls.name) {
      out.push({ code: "ORM111", severity: "error", subject: cls.subject, related: [subjects.cls(prevTable)], message: `${cls.name} maps table "${cls.tableName}", which ${prevTable} already maps. Give ${cls.name} its own table name. [ORM111]` });
    } else if (cls.inherits === undefined) byTable.set(cls.tableName, cls.name);
    const table = findTable(model, cls.tableName);
    if (table && !table.columns.some((c) => c.primaryKey)) {
      out.push({ code: "ORM110", severity: "error", subject: cls.subject, message: `${cls.name} (table "${cls.tableName}") has no primary key: mark a column { primaryKey: true }, e.g. id: Column(Integer, { primaryKey: true }). [ORM110]` });
    }
  }
  return out;
}
