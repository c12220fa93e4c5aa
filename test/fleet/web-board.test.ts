/**
 * The web board in a real browser: Debian's chromium driven by playwright-core (which
 * never downloads a browser), against mosquitto with a websockets listener beside its
 * plain one, with simulated devices on the plain listener. Checks what a person sees:
 * the devices listed, an alarm appearing, a device turning offline when its last will
 * fires, the filters, a device's detail. Screenshots go to dist/test-artifacts/fleet-web/.
 */
import test from 'ava';
import { mkdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Mosquitto } from '../helpers/mosquitto.js';
import { silentLogger } from '../../src/core/logger.js';
import { FleetSimulator } from '../../src/fleet/sim/fleet-simulator.js';
import { FleetWebServer } from '../../src/fleet/web-server.js';
import { statePayload } from '../../src/fleet/sim/sim-payloads.js';

const SHOTS = fileURLToPath(new URL('../../test-artifacts/fleet-web/', import.meta.url));
const N = 8;

async function shot(page: Page, name: string): Promise<string> {
  const file = `${SHOTS}${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

test('devices listed, an alarm appears, a dropped device turns offline, detail with charts', async (t) => {
  await mkdir(SHOTS, { recursive: true });
  const broker = await Mosquitto.start({ websockets: true });
  t.teardown(() => broker.dispose());
  const sim = new FleetSimulator({ broker: broker.url, devices: N, seed: 11, activity: 'idle', healthSeconds: 1 });
  t.teardown(() => sim.stop());
  await sim.start();
  const web = new FleetWebServer({ brokerWs: broker.wsUrl, port: 0, log: silentLogger() });
  await web.start();
  t.teardown(() => web.stop());
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${web.port}/`);

  // Devices listed (a person sees one row per device, with Chinese units).
  await page.waitForFunction((n) => document.querySelectorAll('#devices tbody tr').length === n, N, { timeout: 20_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('#devices tbody td.status')].every((td) => td.textContent?.startsWith('online')), undefined, { timeout: 20_000 });
  t.regex((await page.textContent('#summary')) ?? '', new RegExp(`^${N} devices · ${N} online`));
  t.regex((await page.textContent('#devices tbody')) ?? '', /[\u4e00-\u9fff]/);
  await shot(page, '1-devices');

  // An alarm raised on a device appears in the alarm list and on its row.
  const vehicle = sim.devices.find((d) => d.profile.kind === 'vehicle') ?? sim.devices[0]!;
  const raisedAt = Date.now();
  vehicle.raiseAlarm(raisedAt, 'violent-resistance');
  await page.waitForSelector(`#alarms li.active[data-device="${vehicle.profile.deviceId}"]`, { timeout: 10_000 });
  const alarmMs = Date.now() - raisedAt;
  t.log(`alarm raised → shown in the browser: ${alarmMs} ms (the issue asks ≤ 2 s; timing is asserted in the bench, not here)`);
  t.regex((await page.textContent(`#devices tr[data-device="${vehicle.profile.deviceId}"] td.alarms`)) ?? '', /violent-resistance/);
  t.is(await page.getAttribute('#devices tbody tr:first-child', 'data-device'), vehicle.profile.deviceId, 'the device with the alarm comes first');
  await shot(page, '2-alarm');

  // A device whose connection dies: the broker fires its last will, the row turns offline.
  const victim = sim.devices.find((d) => d !== vehicle)!;
  const victimRow = `#devices tr[data-device="${victim.profile.deviceId}"] td.status`;
  victim.client!.options.reconnectPeriod = 0; // stay down, so the row stays offline
  victim.dropConnection(); // the socket dies without DISCONNECT: the broker publishes the will
  await page.waitForFunction((sel) => document.querySelector(sel)?.classList.contains('offline') === true, victimRow, { timeout: 10_000 });
  t.regex((await page.textContent(victimRow)) ?? '', /^offline/);
  t.is(await page.getAttribute('#devices tbody tr:first-child', 'data-device'), victim.profile.deviceId, 'offline outranks an alarm');
  await shot(page, '3-offline');

  // Filters: problems only, then one unit.
  await page.check('#f-problems');
  await page.waitForFunction(() => document.querySelectorAll('#devices tbody tr').length === 2, undefined, { timeout: 10_000 });
  t.deepEqual(await page.$$eval('#devices tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.device).sort()), [vehicle.profile.deviceId, victim.profile.deviceId].sort());
  await shot(page, '3b-problems-only');
  await page.uncheck('#f-problems');
  const unit = vehicle.profile.unit;
  await page.selectOption('#f-unit', unit);
  const inUnit = sim.devices.filter((d) => d.profile.unit === unit).length;
  await page.waitForFunction((n) => document.querySelectorAll('#devices tbody tr').length === n, inUnit, { timeout: 10_000 });
  t.true((await page.$$eval('#devices tbody tr td:nth-child(3)', (tds) => tds.map((td) => td.textContent))).every((u) => u === unit));
  await page.selectOption('#f-unit', '');

  // A device's detail: health history chart, GPS points, recent cases.
  vehicle.openCase(Date.now());
  await page.click(`#devices tr[data-device="${vehicle.profile.deviceId}"]`);
  await page.waitForSelector('#detail:not([hidden])');
  await page.waitForFunction(() => document.querySelectorAll('#health-chart polyline').length === 2 && document.querySelectorAll('#cases tbody tr').length >= 1, undefined, { timeout: 10_000 });
  t.regex((await page.textContent('#cases tbody')) ?? '', /淮交罚〔2026〕/);
  // Live view: a state naming a stream shows on the row and as a link in the detail.
  const now = Date.now();
  const liveState = { ...statePayload(vehicle.profile, vehicle.state, now), live: [{ channel: vehicle.profile.channels[0]!, url: 'srt://centre.example:9000', since: now, until: now + 600_000 }] };
  await vehicle.client!.publishAsync(`casecam/${vehicle.profile.deviceId}/state`, JSON.stringify(liveState), { qos: 1, retain: true });
  await page.waitForSelector('#live a[href="srt://centre.example:9000"]', { timeout: 10_000 });
  t.regex((await page.textContent(`#devices tr[data-device="${vehicle.profile.deviceId}"] td.case`)) ?? '', /▶ live/);
  if (vehicle.profile.kind === 'vehicle' && vehicle.state.gps.fix) t.true((await page.locator('#gps-chart circle.gps-point').count()) >= 1);
  const file = await shot(page, '4-detail');
  t.true((await stat(file)).size > 10_000, 'a real screenshot was written');
  t.deepEqual(errors, [], 'no script errors in the page');
});

test('the web server serves only its files', async (t) => {
  const web = new FleetWebServer({ brokerWs: 'ws://127.0.0.1:9', port: 0, log: silentLogger() });
  await web.start();
  t.teardown(() => web.stop());
  const get = (p: string) => fetch(`http://127.0.0.1:${web.port}${p}`);
  t.is((await get('/')).status, 200);
  t.deepEqual(await (await get('/config.json')).json(), { brokerWs: 'ws://127.0.0.1:9', root: 'casecam' });
  t.is((await get('/vendor/mqtt.esm.js')).status, 200);
  t.is((await get('/app/fleet/board-model.js')).status, 200);
  t.is((await get('/app/../../package.json')).status, 404);
  t.is((await get('/app/%2e%2e/%2e%2e/package.json')).status, 404);
  t.is((await get('/vendor/zod/package.json')).status, 404, 'only .js below the roots');
  t.is((await fetch(`http://127.0.0.1:${web.port}/`, { method: 'POST' })).status, 405);
});
