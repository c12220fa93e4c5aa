/** Interval arithmetic on wall-clock ms, half-open [from, to). */
export interface Interval {
  from: number;
  to: number;
}

/** Sorted, merged, clipped to [lo, hi); empty pieces dropped. */
export function union(items: Interval[], lo = -Infinity, hi = Infinity): Interval[] {
  const clipped = items
    .map((i) => ({ from: Math.max(lo, i.from), to: Math.min(hi, i.to) }))
    .filter((i) => i.to > i.from)
    .sort((a, b) => a.from - b.from);
  const out: Interval[] = [];
  for (const i of clipped) {
    const last = out[out.length - 1];
    if (last && i.from <= last.to) last.to = Math.max(last.to, i.to);
    else out.push({ ...i });
  }
  return out;
}

export const total = (items: Interval[]) => items.reduce((sum, i) => sum + (i.to - i.from), 0);

/** The parts of [lo, hi) that none of `covered` covers. */
export function holes(covered: Interval[], lo: number, hi: number): Interval[] {
  const out: Interval[] = [];
  let at = lo;
  for (const c of union(covered, lo, hi)) {
    if (c.from > at) out.push({ from: at, to: c.from });
    at = Math.max(at, c.to);
  }
  if (hi > at) out.push({ from: at, to: hi });
  return out;
}
