/**
 * The terminal board: board rows as a cli-table3 table. cli-table3 measures cells by
 * display width (string-width), so Chinese case IDs, units and sites stay aligned.
 * Colour only on a terminal (`color`), so piped output stays plain.
 */
import Table from 'cli-table3';
import type { BoardRow } from './board-rows.js';
import { boardSummary } from './board-rows.js';

function ago(ms: number | null, now: number): string {
  if (ms === null) return '—';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d`;
}

const paint = (on: boolean, code: number, text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

export function renderBoard(rows: BoardRow[], now: number, opts: { color?: boolean; maxRows?: number } = {}): string {
  const color = opts.color ?? false;
  const table = new Table({
    head: ['device', 'kind', 'unit', 'site / plate', 'status', 'case', 'ch', 'alarms', 'disk h', 'outbox', 'offload', 'gps', 'seen', 'problems'],
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] },
    wordWrap: false,
  });
  const shown = opts.maxRows === undefined ? rows : rows.slice(0, opts.maxRows);
  for (const r of shown) {
    const status = r.status === 'offline' ? paint(color, 31, 'offline') : r.status === 'online' ? paint(color, 32, 'online') : 'unknown';
    table.push([
      r.deviceId,
      r.kind ?? '—',
      r.unit ?? '—',
      r.site ?? '—',
      r.statusSince === null ? status : `${status} ${ago(r.statusSince, now)}`,
      (r.recording ? paint(color, 35, `● ${r.caseId ?? ''}`) : '') + (r.liveChannels.length ? ` ▶ live ${r.liveChannels.join(',')}` : ''),
      r.channels ? `${r.channelsOk}/${r.channels}` : '—',
      r.alarms.length ? paint(color, 31, r.alarms.map((a) => a.kind).join(', ')) : '',
      r.diskHoursLeft === null ? '—' : String(r.diskHoursLeft),
      r.outboxDepth === null ? '—' : String(r.outboxDepth),
      r.offloadQueue || r.lastOffloadAt !== null ? `${r.offloadQueue}${r.lastOffloadAt === null ? '' : ` (${ago(r.lastOffloadAt, now)})`}` : '—',
      r.gpsFix === null ? '—' : r.gpsFix ? 'fix' : paint(color, 33, 'none'),
      ago(r.lastSeen, now),
      r.problems.join('; '),
    ]);
  }
  const s = boardSummary(rows);
  const head = `${s.devices} devices: ${s.online} online, ${s.offline} offline, ${s.recording} recording, ${s.withProblems} with problems, ${s.alarms} active alarms`;
  const more = shown.length < rows.length ? `\n… ${rows.length - shown.length} more (healthy devices last; narrow with --unit / --kind)` : '';
  return `${head}\n${table.toString()}${more}`;
}
