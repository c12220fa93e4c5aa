/**
 * What `casecam case show` and `case list` print for people: local times with the
 * offset named once, durations, segments per channel, gaps with their causes, markers,
 * and whether every second of the window is accounted for (case-coverage.ts). `--json`
 * keeps the machine form.
 */
import type { CaseRecord, SegmentRecord } from '../store/records.js';
import type { CoverageReport } from '../recording/case-coverage.js';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local wall time, `YYYY-MM-DD HH:MM:SS.mmm` (the offset is named in the footer). */
export function localTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** The local offset from UTC at `ms`, e.g. `UTC+08:00`. */
export function utcOffset(ms: number): string {
  const minutes = -new Date(ms).getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = `${(s % 60).toFixed(1)} s`;
  return h > 0 ? `${h} h ${m} min ${rest}` : `${m} min ${rest}`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** Columns on a terminal: CJK and full-width characters take two cells. */
function cells(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return n;
}

export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => cells(r[i] ?? ''))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - cells(c)))).join('  ').trimEnd());
}

function trigger(t: CaseRecord['openTrigger']): string {
  const parts = [`${localTime(t.at)}  ${t.type} via ${t.source}`];
  if (t.by) parts.push(`by ${t.by}`);
  if (t.reason) parts.push(`reason: ${t.reason}`);
  if (t.documents?.length) parts.push(`documents: ${t.documents.join(', ')}`);
  return parts.join(', ');
}

export function formatCase(c: CaseRecord, segments: SegmentRecord[], coverage: CoverageReport, channels: string[]): string {
  const out: string[] = [];
  const end = c.windowEnd;
  out.push(`case ${c.id}  (${c.kind}, ${c.status})`);
  const where = [`device ${c.deviceId}`, c.site ? `site ${c.site}` : '', c.unit ? `unit ${c.unit}` : ''].filter(Boolean).join(', ');
  out.push(`  ${where}; officers: ${c.officerIds.length ? c.officerIds.join(', ') : 'none named'}`);
  out.push(`  opened   ${trigger(c.openTrigger)}`);
  if (c.closeTrigger) out.push(`  closing  ${trigger(c.closeTrigger)}`);
  if (c.closedAt !== undefined) out.push(`  closed   ${localTime(c.closedAt)}`);
  out.push(`  window   ${localTime(c.windowStart)} → ${end !== undefined ? `${localTime(end)}  (${duration(end - c.windowStart)})` : 'open'}`);
  const gapMs = c.gaps.reduce((n, g) => n + (Math.min(g.to, end ?? g.to) - Math.max(g.from, c.windowStart)), 0);
  out.push(
    `  media    ${c.gaps.length === 0 ? 'complete: every channel has media over the whole window' : `NOT complete: ${c.gaps.length} gap${c.gaps.length > 1 ? 's' : ''}, ${duration(gapMs)} without media`}`,
  );
  out.push(
    `  check    ${coverage.ok ? 'every second of the window is media or an explained gap' : `PROBLEM: ${coverage.problems.map((p) => `${p.channel} ${localTime(p.from)} → ${localTime(p.to)}: ${p.problem}`).join('; ')}`}`,
  );

  out.push('', `segments (${segments.length})`);
  const rows: string[][] = [];
  for (const ch of channels) {
    const mine = segments.filter((s) => s.channel === ch);
    if (mine.length === 0) {
      rows.push([`  ${ch}`, 'none', '', '', '']);
      continue;
    }
    const first = Math.min(...mine.map((s) => s.start));
    const last = Math.max(...mine.map((s) => s.end));
    const notes = [
      mine.some((s) => s.partial) ? `${mine.filter((s) => s.partial).length} partial (cut by a crash)` : '',
      mine.some((s) => s.offloadedAt !== undefined) ? `${mine.filter((s) => s.offloadedAt !== undefined).length} offloaded` : '',
      mine.some((s) => s.evictedAt !== undefined) ? `${mine.filter((s) => s.evictedAt !== undefined).length} evicted` : '',
    ].filter(Boolean);
    rows.push([`  ${ch}`, `${mine.length} files`, `${localTime(first)} → ${localTime(last)}`, `(${duration(last - first)})`, `${bytes(mine.reduce((n, s) => n + s.bytes, 0))}${notes.length ? `, ${notes.join(', ')}` : ''}`]);
  }
  out.push(...table(rows));

  out.push('', `gaps (${c.gaps.length})`);
  for (const g of [...c.gaps].sort((a, b) => a.channel.localeCompare(b.channel) || a.from - b.from)) {
    out.push(`  ${g.channel}  ${localTime(g.from)} → ${localTime(g.to)}  (${duration(g.to - g.from)})  ${g.cause}`);
  }
  out.push('', `markers (${c.markers.length})`);
  for (const m of c.markers) out.push(`  ${localTime(m.at)}  ${m.type}${m.note ? `: ${m.note}` : ''}${m.by ? `  by ${m.by}` : ''}`);
  if (c.claims?.length) {
    out.push('', `claims (${c.claims.length})`);
    for (const k of c.claims) out.push(`  ${localTime(k.from)} → ${localTime(k.to)}  claimed ${localTime(k.at)} via ${k.source}${k.by ? ` by ${k.by}` : ''}${k.reason ? `: ${k.reason}` : ''}`);
  }
  out.push('', `times are local (${utcOffset(c.windowStart)}); --json for machines, casecam case export for the files`);
  return out.join('\n');
}

export interface CaseListRow {
  id: string;
  kind: string;
  status: string;
  opened: number;
  closed: number | null;
  windowMs: number | null;
  segments: number;
  gaps: number;
}

export function formatCaseList(rows: CaseListRow[]): string {
  if (rows.length === 0) return 'no cases in this store';
  const lines = table([
    ['ID', 'STATUS', 'OPENED', 'LENGTH', 'SEGMENTS', 'GAPS', 'KIND'],
    ...rows.map((r) => [r.id, r.status, localTime(r.opened), r.windowMs !== null ? duration(r.windowMs) : 'open', String(r.segments), String(r.gaps), r.kind]),
  ]);
  return [...lines, '', `times are local (${utcOffset(rows[0]!.opened)}); --json for machines`].join('\n');
}
