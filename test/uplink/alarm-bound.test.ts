/**
 * 2,000 `alarm` commands with distinct kinds (anyone allowed to command the device can
 * send them) must not make every health message megabytes long: the list is bounded,
 * says how many it left out, keeps the alarms that matter in view, and stays valid
 * against the health contract.
 */
import test from 'ava';
import { Bus } from '../../src/core/bus.js';
import { silentLogger } from '../../src/core/logger.js';
import { CommandDispatcher } from '../../src/uplink/commands/dispatcher.js';
import { AlarmTracker, MAX_LISTED } from '../../src/uplink/alarm-tracker.js';
import { AlarmSchema } from '../../src/uplink/payloads.js';
import type { DeviceState } from '../../src/recording/device-state.js';

test('2,000 distinct alarm kinds: health lists at most 20 plus an "and N more" entry; emergencies and device alarms stay in view', async (t) => {
  const log = silentLogger();
  const bus = new Bus(log);
  let now = 1_700_000_000_000;
  const state = {} as DeviceState;
  const unreachable = (): never => {
    throw new Error('not reached');
  };
  const sessions = { open: unreachable, marker: unreachable, close: unreachable };
  const d = new CommandDispatcher({ sessions, state: () => state, bus, clock: { now: () => now++ } }, log);
  const tracker = new AlarmTracker(bus, () => undefined);
  tracker.start();
  bus.emit('alarm.raised', { kind: 'video.lost', subject: 'cam1', message: 'media worker killed by SIGKILL', at: now++ });
  for (let i = 0; i < 2000; i++) {
    const r = await d.handle(Buffer.from(JSON.stringify({ requestId: `a${i}`, action: 'alarm', kind: `flood-${i}`, message: 'x'.repeat(1000) })));
    t.true(r.ok);
  }
  await d.handle(Buffer.from(JSON.stringify({ requestId: 'e1', action: 'alarm', kind: 'emergency', message: 'officer needs help' })));

  const list = tracker.list();
  t.is(list.length, MAX_LISTED + 1);
  for (const a of list) AlarmSchema.parse(a);
  t.true(JSON.stringify(list).length < 8 * 1024, `health alarms are ${JSON.stringify(list).length} bytes`);
  t.is(list[0]!.kind, 'video.lost');
  t.is(list[1]!.kind, 'emergency');
  const more = list.at(-1)!;
  t.is(more.kind, 'alarms.more');
  t.is(more.message, `and ${2002 - MAX_LISTED} more active alarms (see alarm.raised events)`);

  // Clearing works as before; with few alarms left there is no summary entry.
  for (let i = 0; i < 2000; i++) bus.emit('alarm.cleared', { kind: `flood-${i}`, subject: 'operator', message: 'cleared', at: now++ });
  t.deepEqual(tracker.list().map((a) => a.kind), ['video.lost', 'emergency']);
  tracker.stop();
});
