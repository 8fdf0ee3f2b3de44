/**
 * The ORM codes: one table shared by orm-core's runtime errors and the
 * language server's diagnostics (SPEC 2.2).
 */
import type { OrmCode } from "../mapping/model";

export interface CodeInfo { readonly title: string; readonly severity: "error" | "warning"; readonly fix: string }

export const ORM_CODES: Readonly<Record<OrmCode, CodeInfo>> = {
  ORM101: { title: "relationship target names no mapped class", severity: "error", fix: "Name a class decorated with @mapped, spelled as declared." },
  ORM102: { title: "backPopulates names no attribute of the target", severity: "error", fix: "Name the relationship on the target class that points back." },
  ORM103: { title: "backPopulates pair does not point back at each other", severity: "error", fix: "Make both sides name each other: posts ↔ author." },
  ORM104: { title: "ForeignKey names an unknown table", severity: "error", fix: "Use the SQL table name given to Base.model() or Table()." },
  ORM105: { title: "ForeignKey names an unknown column", severity: "error", fix: "Use a column of the referenced table: ForeignKey(\"users.id\")." },
  ORM106: { title: "no foreign-key path between the two tables", severity: "error", fix: "Add a Column with ForeignKey(...) linking the tables, or use secondary for many-to-many." },
  ORM107: { title: "several foreign-key paths: foreignKeys needed", severity: "error", fix: "Say which key to use: foreignKeys: [\"billing_address_id\"]." },
  ORM108: { title: "secondary table unknown, or lacks a key to either side", severity: "error", fix: "Name an association Table whose columns have ForeignKeys to both tables." },
  ORM109: { title: "unknown cascade word, or an invalid cascade combination", severity: "error", fix: "Use save-update, merge, expunge, delete, delete-orphan, refresh-expire, all, none." },
  ORM110: { title: "mapped class without a primary key", severity: "error", fix: "Mark a column { primaryKey: true }." },
  ORM111: { title: "two classes map the same table, or two classes share a name", severity: "error", fix: "Give each class its own table and a unique name." },
  ORM112: { title: "type argument contradicts the derived direction", severity: "error", fix: "Use Post[] for one-to-many / many-to-many and User for many-to-one (or uselist: false for one-to-one)." },
  ORM113: { title: "backref name collides with an existing attribute", severity: "error", fix: "Pick another backref name, or declare the other side with backPopulates." },
  ORM114: { title: "foreign-key column type differs from the referenced column's", severity: "error", fix: "Give the foreign-key column the referenced column's type." },
  ORM115: { title: "class extends Base.model(...) without @mapped", severity: "error", fix: "Put @mapped above the class." },
  ORM116: { title: "remoteSide / orderBy names an unknown attribute", severity: "error", fix: "Name a column attribute (remoteSide: of this class; orderBy: of the target)." },
  ORM117: { title: "two unpaired relationships write the same foreign key", severity: "warning", fix: "Pair them with backPopulates on both sides, or mark one viewonly: true." },
  ORM201: { title: "lazy relationship read inside a loop over query results: N+1", severity: "warning", fix: "Add .options(selectinload(...)) to the query." },
};
