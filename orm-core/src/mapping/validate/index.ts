/**
 * validateMapping(): every mapping rule, over the plain model. The runtime
 * throws the first error at configure time; the language server reports all.
 * One file per rule group; each returns MappingIssues.
 */
import type { MappingIssue, MappingModel } from "../model";
import { checkClasses } from "./classes";
import { checkForeignKeys } from "./foreign-keys";
import { checkRelationships } from "./relationships";
import { checkOverlaps } from "./overlaps";

export function validateMapping(model: MappingModel): MappingIssue[] {
  const issues = [...checkClasses(model), ...checkForeignKeys(model), ...checkRelationships(model), ...checkOverlaps(model)];
  // Deterministic order: by code, then subject.
  return issues.sort((a, b) => (a.code === b.code ? (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0) : a.code < b.code ? -1 : 1));
}
export type { MappingIssue };
