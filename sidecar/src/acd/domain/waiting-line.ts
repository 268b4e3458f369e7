// Order of callers waiting in a queue (A7): higher priority first, then first come first served.
export interface Waiting {
  priority: number;
  enqueuedAt: number;
  /** Arrival order, so two callers in the same millisecond still have a fixed order. */
  seq: number;
}

export function compareWaiting(a: Waiting, b: Waiting): number {
  return b.priority - a.priority || a.enqueuedAt - b.enqueuedAt || a.seq - b.seq;
}

/** 1-based position of `entry` among `line` (announced to the caller). */
export function positionOf<T extends Waiting>(line: readonly T[], entry: T): number {
  return line.filter((w) => compareWaiting(w, entry) < 0).length + 1;
}
