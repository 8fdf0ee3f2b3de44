/**
 * Cascade strings as SQLAlchemy reads them: "all, delete-orphan",
 * "save-update, merge" (the default), "none".
 */
import { suggest } from "../util/suggest";

export interface CascadeSet {
  readonly saveUpdate: boolean;
  readonly merge: boolean;
  readonly expunge: boolean;
  readonly delete: boolean;
  readonly deleteOrphan: boolean;
  readonly refreshExpire: boolean;
}

export const CASCADE_WORDS = ["save-update", "merge", "expunge", "delete", "delete-orphan", "refresh-expire", "all", "none"] as const;
export const DEFAULT_CASCADE: CascadeSet = Object.freeze({ saveUpdate: true, merge: true, expunge: false, delete: false, deleteOrphan: false, refreshExpire: false });

const fieldOf: Record<string, keyof CascadeSet> = {
  "save-update": "saveUpdate", merge: "merge", expunge: "expunge", delete: "delete", "delete-orphan": "deleteOrphan", "refresh-expire": "refreshExpire",
};

export interface CascadeProblem { readonly word: string; readonly suggestion?: string }

/** Parses a cascade string; unknown words are reported, not guessed. `undefined` gives the default. */
export function parseCascade(text: string | undefined): { set: CascadeSet; unknown: CascadeProblem[] } {
  if (text === undefined) return { set: DEFAULT_CASCADE, unknown: [] };
  const set: Record<keyof CascadeSet, boolean> = { saveUpdate: false, merge: false, expunge: false, delete: false, deleteOrphan: false, refreshExpire: false };
  const unknown: CascadeProblem[] = [];
  for (const raw of text.split(",")) {
    const word = raw.trim();
    if (!word) continue;
    const negate = word.startsWith("-");
    const w = negate ? word.slice(1) : word;
    if (w === "all") {
      // "all" is every cascade except delete-orphan, as in SQLAlchemy.
      for (const k of ["saveUpdate", "merge", "expunge", "delete", "refreshExpire"] as const) set[k] = !negate;
    } else if (w === "none") {
      for (const k of Object.keys(set) as (keyof CascadeSet)[]) set[k] = false;
    } else if (fieldOf[w]) {
      set[fieldOf[w]!] = !negate;
    } else {
      const hint = suggest(w, CASCADE_WORDS);
      unknown.push({ word: w, ...(hint ? { suggestion: hint } : {}) });
    }
  }
  return { set, unknown };
}
