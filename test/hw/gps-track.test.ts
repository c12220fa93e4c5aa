import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/core/logger.js';
import { Store } from '../../src/store/store.js';
import { GpsTrack, type ActiveWindow } from '../../src/hw/gps-track.js';

const log = silentLogger();
const fixAt = (at: number) => ({ at, lat: 32, lon: 118, speedKmh: 10, fixQuality: 1, satellites: 8 });

test('rows no case wants are pruned; a case window, pre-record included, is kept after the case closes', async (t) => {
  const store = await Store.open(await mkdtemp(path.join(os.tmpdir(), 'casecam-track-')), log);
  let active: ActiveWindow[] = [];
  const track = new GpsTrack({ store, log, activeWindows: () => active, keepMs: 30_000 });
  const s = 1000;
  // The track's cursor starts at the first prune (t = 0): rows from then on are managed.
  await track.prune(30 * s);
  for (let sec = 0; sec <= 200; sec++) {
    await track.write(fixAt(sec * s));
    if (sec === 100) active = [{ id: 'A', windowStart: 70 * s }]; // opened at 100 s, 30 s pre-record
    if (sec === 150) active = [{ id: 'A', windowStart: 70 * s, windowEnd: 155 * s }]; // closing
    if (sec === 160) active = []; // closed
    await track.prune(sec * s);
  }
  const kept = (await store.gpsTrack.values()).map((f) => f.at / s);
  t.false(kept.includes(10), 'a row before any case is pruned');
  t.false(kept.includes(69));
  for (const sec of [70, 100, 155]) t.true(kept.includes(sec), `row at ${sec} s (inside the case window) kept`);
  for (const sec of [156, 165, 169]) t.false(kept.includes(sec), `row at ${sec} s (after the window, older than keepMs) pruned`);
  t.true(kept.includes(190) && kept.includes(200), 'the last keepMs stays for the next case\'s pre-record');
  const window = await GpsTrack.window(store, 70 * s, 155 * s);
  t.deepEqual([window.length, window[0]!.at, window.at(-1)!.at], [86, 70 * s, 155 * s], 'the case window, both ends included');
  await store.close();
});
