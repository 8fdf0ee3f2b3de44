/**
 * ORM execution of compound selects: each member select is planned as the session plans a select
 * (entity columns, eager loads), the first member's layout reads the rows, so
 * `session.scalars(select(User).where(a).union(select(User).where(b)))` gives User instances.
 */
import { InvalidRequestError } from "../errors/errors";
import { CompoundSelect, setCompoundOrmCompiler } from "../sql/compound";
import { Select } from "../sql/select";
import { SqlCompiler } from "../sql/compiler";
import type { CompoundNode, SelectNode } from "../sql/nodes";
import type { Result } from "../engine/result";
import { executePlanned, planSelect, type Slot } from "./loading";
import type { Session } from "./session";

interface Planned { node: SelectNode | CompoundNode; slots: Slot[]; hasJoinedCollections: boolean; width: number; options: Readonly<Record<string, unknown>> }

function plan(m: Select<any> | CompoundSelect<any>): Planned {
  if (m instanceof Select) {
    const p = planSelect(m);
    return { node: p.node, slots: p.slots, hasJoinedCollections: p.hasJoinedCollections, width: p.node.columns.length, options: m.executionOptionsMap };
  }
  const parts = m.members.map(plan);
  const first = parts[0]!;
  for (const p of parts) {
    const same = p.width === first.width && p.slots.length === first.slots.length
      && p.slots.every((s, i) => { const f = first.slots[i]!; return s.kind === f.kind && (s.kind !== "entity" || f.kind !== "entity" || s.mapper === f.mapper); });
    if (!same) throw new InvalidRequestError("Every SELECT of a compound must select the same entities and number of columns, in the same order (e.g. select(User) in each member).");
  }
  return {
    node: { ...m.node, selects: parts.map((p) => p.node) },
    slots: first.slots, hasJoinedCollections: parts.some((p) => p.hasJoinedCollections), width: first.width, options: first.options,
  };
}

function hasEntity(m: Select<any> | CompoundSelect<any>): boolean {
  if (m instanceof CompoundSelect) return m.members.some(hasEntity);
  return m.node.columns.some((c) => c.kind === "entity" || (c.kind === "column" && c.parentEntity !== undefined));
}

/** Runs a compound select in a session: rows of entities and values, as for a select. */
export function executeCompound(session: Session, stmt: CompoundSelect<any>): Result<any> {
  const p = plan(stmt);
  return executePlanned(session, p.node, p.slots, p.hasJoinedCollections, p.options);
}

setCompoundOrmCompiler((stmt) => SqlCompiler.compile(hasEntity(stmt) ? plan(stmt).node : stmt.node));
