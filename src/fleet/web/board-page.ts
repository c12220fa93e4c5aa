/**
 * The web board's script (runs in the browser; compiled by the project's tsc, served from
 * dist/ by web-server.ts). It subscribes read-only over MQTT-over-WebSockets and runs the
 * same BoardModel and board rows as `fleet watch`, so both boards agree by construction.
 * Rendering is plain DOM, at most MAX_ROWS rows, redrawn as tick() below decides.
 */
import mqtt from 'mqtt';
import { BoardModel, type DeviceEntry } from '../board-model.js';
import { boardRows, boardSummary, type BoardRow } from '../board-rows.js';
import { fleetSubscriptions } from '../fleet-message.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const model = new BoardModel();
let dirty = true;
let selected: string | null = null;

function ago(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`;
}
const time = (ms: number | null) => (ms === null ? '' : new Date(ms).toLocaleString('zh-CN', { hour12: false }));

function cell(tr: HTMLTableRowElement, text: string, cls?: string): void {
  const td = tr.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
}

function syncOptions(select: HTMLSelectElement, values: Set<string>): void {
  const have = new Set([...select.options].map((o) => o.value));
  for (const v of [...values].sort()) if (!have.has(v)) select.add(new Option(v, v));
}

/** Rows drawn at most: problems come first, so a big fleet's healthy tail is what is left out. */
const MAX_ROWS = 100;

function renderTable(rows: BoardRow[]): void {
  const body = $<HTMLTableElement>('devices').tBodies[0]!;
  body.replaceChildren();
  $('more').textContent = rows.length > MAX_ROWS ? `… ${rows.length - MAX_ROWS} more devices (the least severe); filter by unit or kind` : '';
  for (const r of rows.slice(0, MAX_ROWS)) {
    const tr = body.insertRow();
    tr.dataset.device = r.deviceId;
    tr.className = [r.severity > 0 ? 'problem' : '', r.deviceId === selected ? 'selected' : ''].join(' ').trim();
    cell(tr, r.deviceId);
    cell(tr, r.kind ?? '—');
    cell(tr, r.unit ?? '—');
    cell(tr, r.site ?? '—');
    cell(tr, r.statusSince === null ? r.status : `${r.status} ${ago(r.statusSince)}`, `status ${r.status}`);
    cell(tr, (r.recording ? `● ${r.caseId ?? ''}` : '') + (r.liveChannels.length ? ` ▶ live ${r.liveChannels.join(',')}` : ''), 'case');
    cell(tr, r.channels ? `${r.channelsOk}/${r.channels}` : '—');
    cell(tr, r.alarms.map((a) => a.kind).join(', '), 'alarms');
    cell(tr, r.diskHoursLeft === null ? '—' : String(r.diskHoursLeft));
    cell(tr, r.outboxDepth === null ? '—' : String(r.outboxDepth));
    cell(tr, r.offloadQueue || r.lastOffloadAt !== null ? `${r.offloadQueue}${r.lastOffloadAt === null ? '' : ` (${ago(r.lastOffloadAt)})`}` : '—', 'offload');
    cell(tr, r.gpsFix === null ? '—' : r.gpsFix ? 'fix' : 'none');
    cell(tr, ago(r.lastSeen));
    cell(tr, r.problems.join('; '), 'problems');
    tr.onclick = () => {
      selected = r.deviceId;
      urgent = true;
    };
  }
}

function renderAlarms(): void {
  const all = [...model.devices.values()].flatMap((d) => d.recentAlarms);
  all.sort((a, b) => (a.clearedAt === null ? 0 : 1) - (b.clearedAt === null ? 0 : 1) || b.raisedAt - a.raisedAt);
  const ul = $('alarms');
  ul.replaceChildren(
    ...all.slice(0, 100).map((a) => {
      const li = document.createElement('li');
      li.className = a.clearedAt === null ? 'active' : 'cleared';
      li.dataset.device = a.deviceId;
      li.textContent = `${a.deviceId} ${a.kind} (${a.subject}) ${a.message} — raised ${time(a.raisedAt)}${a.clearedAt === null ? ' — ACTIVE' : `, cleared ${time(a.clearedAt)}`}`;
      return li;
    }),
  );
}

const SVG = 'http://www.w3.org/2000/svg';
function svgEl(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text) el.textContent = text;
  return el;
}

/** Points scaled into a w×h box (with a margin); y grows upwards. */
function scale(xs: number[], ys: number[], w: number, h: number, m = 20): Array<[number, number]> {
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => m + ((x - x0) / (x1 - x0 || 1)) * (w - 2 * m);
  const sy = (y: number) => h - m - ((y - y0) / (y1 - y0 || 1)) * (h - 2 * m);
  return xs.map((x, i) => [sx(x), sy(ys[i]!)]);
}

function renderDetail(d: DeviceEntry | undefined): void {
  const box = $('detail');
  if (!d) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  $('detail-title').textContent = `${d.deviceId} ${d.inventory?.model ?? ''} ${d.inventory?.unit ?? ''} ${d.inventory?.site ?? ''}`;
  const chart = $('health-chart') as unknown as SVGSVGElement;
  chart.replaceChildren();
  const h = d.healthHistory;
  if (h.length) {
    const ts = h.map((s) => s.ts);
    for (const [values, colour] of [
      [h.map((s) => s.cpu ?? 0), '#c60'],
      [h.map((s) => (s.minutesLeft ?? 0) / 60), '#06c'],
    ] as const) {
      const pts = scale(ts, [...values], 360, 160);
      chart.append(svgEl('polyline', { points: pts.map((p) => p.join(',')).join(' '), fill: 'none', stroke: colour }));
    }
  }
  const gps = $('gps-chart') as unknown as SVGSVGElement;
  gps.replaceChildren();
  const track = d.gpsTrack;
  if (track.length) {
    const pts = scale(track.map((p) => p.lon), track.map((p) => p.lat), 260, 260);
    for (const [x, y] of pts) gps.append(svgEl('circle', { cx: x, cy: y, r: 3, fill: '#06c', class: 'gps-point' }));
    gps.append(svgEl('text', { x: 4, y: 12, 'font-size': 10 }, `${track.at(-1)!.lat.toFixed(4)}, ${track.at(-1)!.lon.toFixed(4)}`));
  }
  // Live view (contract 1.1.0): the receiver each channel streams to, without credentials.
  const live = d.state?.live ?? [];
  $('live').replaceChildren(
    ...(live.length
      ? live.map((l) => {
          const a = document.createElement('a');
          a.href = l.url;
          a.textContent = `▶ ${l.channel}: ${l.url} (until ${time(l.until)})`;
          return a;
        })
      : [document.createTextNode('live view: not streaming (casecam fleet live DEVICE starts it)')]),
  );
  const body = $<HTMLTableElement>('cases').tBodies[0]!;
  body.replaceChildren();
  for (const c of [...d.recentCases].reverse()) {
    const tr = body.insertRow();
    cell(tr, c.caseId);
    cell(tr, time(c.openedAt));
    cell(tr, c.closedAt === null ? 'open' : time(c.closedAt));
    cell(tr, String(c.gaps));
    cell(tr, c.officerId ?? '');
  }
}

/**
 * When to redraw. A change a person must see at once (status, alarm, case, offload) makes the
 * board urgent: redrawn on the next 250 ms tick. Routine changes (health, markers) wait for
 * a slower redraw, at least 2 s apart and at least 8× the last redraw's cost: with 1,000
 * devices, health alone arrives ~17 times a second, and redrawing for each would keep the
 * page busy and delay the alarm a person is waiting for.
 */
let urgent = false;
let lastRender = 0;
let renderCost = 0;
const URGENT = new Set(['status', 'alarm', 'case', 'gap', 'offload', 'state']);

function tick(): void {
  const now = performance.now();
  if (!(urgent || (dirty && now - lastRender >= Math.max(2000, 8 * renderCost)))) return;
  render();
  renderCost = performance.now() - now;
  lastRender = now;
}

function render(): void {
  dirty = false;
  urgent = false;
  const unit = $<HTMLSelectElement>('f-unit');
  const kind = $<HTMLSelectElement>('f-kind');
  const devices = [...model.devices.values()];
  syncOptions(unit, new Set(devices.map((d) => d.inventory?.unit).filter((u): u is string => !!u)));
  syncOptions(kind, new Set(devices.map((d): string => d.inventory?.kind ?? '').filter((k) => k !== '')));
  const all = boardRows(model, Date.now());
  const problemsOnly = $<HTMLInputElement>('f-problems').checked;
  const rows = all.filter((r) => (!unit.value || r.unit === unit.value) && (!kind.value || r.kind === kind.value) && (!problemsOnly || r.severity > 0));
  const s = boardSummary(all);
  $('summary').textContent = `${s.devices} devices · ${s.online} online · ${s.offline} offline · ${s.recording} recording · ${s.alarms} active alarms`;
  renderTable(rows);
  renderAlarms();
  renderDetail(selected ? model.devices.get(selected) : undefined);
}

async function main(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as { brokerWs: string; root: string };
  const client = mqtt.connect(config.brokerWs, { clean: true, reconnectPeriod: 2000, clientId: `casecam-web-${Math.random().toString(16).slice(2, 10)}` });
  const conn = $('conn');
  client.on('connect', () => {
    conn.textContent = `connected to ${config.brokerWs}`;
    conn.className = 'up';
    void client.subscribeAsync(fleetSubscriptions(config.root), { qos: 1 });
  });
  client.on('close', () => {
    conn.textContent = 'disconnected';
    conn.className = 'down';
  });
  client.on('message', (topic, payload, packet) => {
    const r = model.applyRaw(topic, new TextDecoder().decode(payload), packet.retain, Date.now());
    dirty = true;
    if (r.facts.some((f) => URGENT.has(f.type))) urgent = true;
  });
  for (const id of ['f-unit', 'f-kind', 'f-problems']) $(id).addEventListener('change', () => (urgent = true));
  setInterval(tick, 250);
  // "seen" ages even without messages.
  setInterval(() => (dirty = true), 5000);
}

void main();
