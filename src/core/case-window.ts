/**
 * A case's claim window, [windowStart, windowEnd) in wall-clock ms, open-ended while the
 * case is open. The one overlap rule shared by the case sessions (which segments a case
 * claims) and retention (which ring footage must stay because a case still wants it).
 */
export interface CaseWindow {
  id: string;
  windowStart: number;
  windowEnd?: number;
}

/** Whether a closed segment overlaps the window; a segment still being written never does. */
export function overlapsWindow(seg: { start: number; end?: number }, w: CaseWindow): boolean {
  if (seg.end === undefined) return false;
  return seg.end > w.windowStart && (w.windowEnd === undefined || seg.start < w.windowEnd);
}
