/**
 * The states a session saw change since its last flush, in order of first change (what the flush
 * and `session.dirty` look at instead of every object in the identity map).
 *
 * An array, each state knowing its slot (InstanceState.changedSlot), rather than a Set: changing
 * an attribute of 20,000 loaded objects spent more time hashing them into a growing Set than on
 * the changes. A state taken out leaves an empty slot until clear().
 */
import { MAX_CHANGED_SLOT, type InstanceState } from "./instance-state";

export class ChangedStates implements Iterable<InstanceState> {
  private list: (InstanceState | undefined)[] = [];

  add(st: InstanceState): void {
    if (st.changedSlot !== 0) return;
    if (this.list.length >= MAX_CHANGED_SLOT) this.compact();
    this.list.push(st);
    st.changedSlot = this.list.length;
  }
  delete(st: InstanceState): void {
    const slot = st.changedSlot;
    if (slot === 0 || this.list[slot - 1] !== st) return;
    this.list[slot - 1] = undefined;
    st.changedSlot = 0;
  }
  // Index loops below: each runs once per flush over every changed object, mostly before V8
  // optimizes it, where for-of and generators cost an iterator step per object.
  clear(): void {
    const list = this.list;
    for (let i = 0; i < list.length; i++) { const st = list[i]; if (st) st.changedSlot = 0; }
    this.list = [];
  }
  /** Whether a state in it passes `test`. */
  some(test: (st: InstanceState) => boolean): boolean {
    const list = this.list;
    for (let i = 0; i < list.length; i++) { const st = list[i]; if (st && test(st)) return true; }
    return false;
  }
  /** The states in it now; ones added while iterating are visited too (as a Set's are). */
  *[Symbol.iterator](): Iterator<InstanceState> {
    const list = this.list;
    for (let i = 0; i < list.length; i++) { const st = list[i]; if (st) yield st; }
  }
  /** The states in it now (those `keep` accepts), as a new array. */
  toArray(keep: (st: InstanceState) => boolean): InstanceState[] {
    const list = this.list;
    const out: InstanceState[] = [];
    for (let i = 0; i < list.length; i++) { const st = list[i]; if (st !== undefined && keep(st)) out.push(st); }
    return out;
  }
  private compact(): void {
    const live = this.list.filter((st): st is InstanceState => st !== undefined);
    if (live.length >= MAX_CHANGED_SLOT) throw new RangeError(`A session can track at most ${MAX_CHANGED_SLOT} changed objects before a flush; flush() sooner.`);
    this.list = live;
    live.forEach((st, i) => (st.changedSlot = i + 1));
  }
}

/** Whether a state has anything to flush: changed columns, or relationship history. */
export function hasChanges(st: InstanceState): boolean {
  return st.modified || !!st.relHistory?.size;
}
