/**
 * `report.html`: the quality report for people. One self-contained page: inline CSS, an
 * inline SVG timeline (channels × time: media, gaps, alarms, markers, triggers), no
 * scripts, no network fonts or images. Every figure carries `data-figure="…"` with the
 * quality.json path it shows, so a test (or an inspector's tool) can compare the two.
 */
import type { QualityReport } from './quality-schema.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** How a number is shown; the same function formats the test's expectations. */
export const fmt = (n: number | null) => (n === null ? 'n/a' : n.toFixed(1));

const W = 960;
const LEFT = 90;
const ROW = 34;

function timeline(r: QualityReport): string {
  const lo = Date.parse(r.window.from);
  const hi = Math.max(lo + 1, Date.parse(r.window.to));
  const x = (iso: string) => LEFT + ((W - LEFT - 10) * (Date.parse(iso) - lo)) / (hi - lo);
  const w = (a: string, b: string) => Math.max(1, x(b) - x(a));
  const alarmRows = [...new Set(r.alarms.map((a) => `${a.kind} ${a.subject}`))];
  const height = 30 + ROW * (r.channels.length + alarmRows.length) + 20;
  const parts: string[] = [];
  r.channels.forEach((ch, i) => {
    const y = 20 + i * ROW;
    parts.push(`<text x="4" y="${y + 18}">${esc(ch.id)}</text>`);
    // Media is the window minus the gaps: draw the window green, then the gaps over it.
    parts.push(`<rect x="${LEFT}" y="${y + 4}" width="${W - LEFT - 10}" height="20" fill="#3a9d4f"><title>recorded ${fmt(ch.coveragePercent)} %</title></rect>`);
    for (const g of ch.gaps) parts.push(`<rect x="${x(g.from)}" y="${y + 4}" width="${w(g.from, g.to)}" height="20" fill="#d33"><title>gap ${g.seconds} s: ${esc(g.cause)}</title></rect>`);
  });
  alarmRows.forEach((name, j) => {
    const y = 20 + (r.channels.length + j) * ROW;
    parts.push(`<text x="4" y="${y + 18}" font-size="10">${esc(name)}</text>`);
    for (const a of r.alarms.filter((al) => `${al.kind} ${al.subject}` === name)) {
      parts.push(`<rect x="${x(a.from)}" y="${y + 8}" width="${w(a.from, a.to)}" height="12" fill="#e69b00"><title>${esc(a.kind)} ${a.seconds} s</title></rect>`);
    }
  });
  const bottom = height - 16;
  for (const m of r.markers) parts.push(`<line x1="${x(m.at)}" x2="${x(m.at)}" y1="14" y2="${bottom}" stroke="#1f5fbf" stroke-dasharray="3 2"><title>marker ${esc(m.type)}</title></line>`);
  for (const t of r.triggers) parts.push(`<line x1="${x(t.at)}" x2="${x(t.at)}" y1="10" y2="${bottom}" stroke="#000" stroke-width="2"><title>${t.role}: ${esc(t.type)}</title></line>`);
  parts.push(`<text x="${LEFT}" y="${height - 2}" font-size="10">${esc(r.window.from)}</text>`);
  parts.push(`<text x="${W - 10}" y="${height - 2}" font-size="10" text-anchor="end">${esc(r.window.to)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="sans-serif" font-size="12">${parts.join('')}</svg>`;
}

const fig = (key: string, text: string) => `<span data-figure="${esc(key)}">${esc(text)}</span>`;

export function renderQualityHtml(r: QualityReport): string {
  const rows = r.channels
    .map(
      (ch, i) =>
        `<tr><td>${esc(ch.id)}</td><td>${fig(`channels.${i}.coveragePercent`, fmt(ch.coveragePercent))} %</td><td>${fig(`channels.${i}.recordedSeconds`, fmt(ch.recordedSeconds))} s</td>` +
        `<td>${fig(`channels.${i}.gaps.length`, String(ch.gaps.length))}</td><td>${fig(`channels.${i}.preRecordPercent`, fmt(ch.preRecordPercent))}</td>` +
        `<td>${fig(`channels.${i}.postRecordPercent`, fmt(ch.postRecordPercent))}</td><td>${ch.watermark === null ? 'unknown' : ch.watermark ? 'yes' : 'no'}</td></tr>`,
    )
    .join('');
  const gaps = r.channels
    .flatMap((ch) => ch.gaps.map((g) => `<li>${esc(ch.id)}: ${esc(g.from)} – ${esc(g.to)} (${fmt(g.seconds)} s): ${esc(g.cause)}</li>`))
    .join('');
  const alarms = r.alarms.map((a) => `<li>${esc(a.kind)} on ${esc(a.subject)}: ${esc(a.from)} – ${esc(a.to)} (${fmt(a.seconds)} s${a.open ? ', still raised' : ''})</li>`).join('');
  const deductions = r.score.deductions.map((d) => `<li>−${fmt(d.points)}: ${esc(d.rule)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Quality report: ${esc(r.caseId)}</title>
<style>body{font-family:sans-serif;margin:1.5em;color:#111}table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 8px;text-align:left}.score{font-size:1.4em}</style>
</head><body>
<h1>Quality report: case ${esc(r.caseId)}</h1>
<p>Device ${esc(r.deviceId)} · status ${esc(r.status)} · made ${esc(r.madeAt)}</p>
<p class="score">Score ${fig('score.value', fmt(r.score.value))} / 100 (${fig('score.grade', r.score.grade)})</p>
<p>Window ${esc(r.window.from)} – ${esc(r.window.to)}: ${fig('window.seconds', fmt(r.window.seconds))} s; opening to closing trigger ${fig('durationSeconds', fmt(r.durationSeconds))} s; markers ${fig('markers.length', String(r.markers.length))}</p>
${timeline(r)}
<p>Green: recorded; red: gap; orange: alarm; blue dashes: markers; black: opening and closing triggers.</p>
<h2>Channels</h2>
<table><tr><th>channel</th><th>coverage</th><th>recorded</th><th>gaps</th><th>pre-record %</th><th>post-record %</th><th>watermark</th></tr>${rows}</table>
<h2>Gaps</h2><ul>${gaps || '<li>none</li>'}</ul>
<h2>Alarms</h2><ul>${alarms || '<li>none</li>'}</ul>
<h2>GPS, integrity, offload</h2>
<p>GPS fixes ${fig('gps.fixes', String(r.gps.fixes))}, coverage ${fig('gps.coveragePercent', fmt(r.gps.coveragePercent))} %.</p>
<p>Segments hashed again ${fig('integrity.segmentsChecked', String(r.integrity.segmentsChecked))}, mismatches ${fig('integrity.hashMismatches.length', String(r.integrity.hashMismatches.length))}; journal entries ${fig('integrity.journalEntries', String(r.integrity.journalEntries))}, broken ${fig('integrity.journalBroken.length', String(r.integrity.journalBroken.length))}. Signature: ${esc(r.integrity.signature)}</p>
<p>Offload: ${fig('offload.state', r.offload.state)} (${r.offload.offloaded} of ${r.offload.of} segments; ${r.offload.evicted} evicted after offload).</p>
<h2>Score</h2><ul>${deductions || '<li>no deductions</li>'}</ul>
</body></html>
`;
}
