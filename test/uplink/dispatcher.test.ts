/**
 * The command dispatcher alone: replies to what never reaches the recorder. The
 * recorder's sessions here refuse to be called, so a test fails if a bad command
 * gets through validation.
 */
import test from 'ava';
import { Bus } from '../../src/core/bus.js';
import { silentLogger } from '../../src/core/logger.js';
import { CommandDispatcher } from '../../src/uplink/commands/dispatcher.js';
import type { CommandContext } from '../../src/uplink/commands/context.js';
import type { DeviceState } from '../../src/recording/device-state.js';

const log = silentLogger();
const state: DeviceState = { recording: false, caseId: null, caseIds: [], since: null, trigger: null, officerId: null, channels: [], preRecordSeconds: 30, live: [] };
const unreachable = (): never => {
  throw new Error('the recorder must not be reached');
};
const ctx: CommandContext = {
  sessions: {
    open: unreachable,
    marker: unreachable,
    close: unreachable,
  },
  state: () => state,
  bus: new Bus(log),
  clock: { now: () => 1_700_000_000_000 },
};
const send = (d: CommandDispatcher, o: unknown, opts?: { retained?: boolean }) => d.handle(Buffer.from(JSON.stringify(o)), opts);

test('a retained command is refused, not run', async (t) => {
  const d = new CommandDispatcher(ctx, log);
  const r = await send(d, { requestId: 'r1', action: 'state.get' }, { retained: true });
  t.false(r.ok);
  t.is(r.error?.code, 'bad-request');
  t.is(r.requestId, 'r1');
});

test('state.get answers with the recorder state; alarm puts alarm.raised on the bus', async (t) => {
  const d = new CommandDispatcher(ctx, log);
  const r = await send(d, { requestId: 's1', action: 'state.get' });
  t.true(r.ok);
  t.deepEqual(r.result, state);
  const raised: string[] = [];
  ctx.bus.on('alarm.raised', (a) => void raised.push(a.kind));
  const a = await send(d, { requestId: 'a1', action: 'alarm', kind: 'emergency', message: 'officer down' });
  t.true(a.ok);
  t.deepEqual(raised, ['emergency']);
});

test('claim without an evidence-store handler: not available; with one: its result', async (t) => {
  const without = await send(new CommandDispatcher(ctx, log), { requestId: 'c1', action: 'claim', caseId: 'CASE-1', from: 1, to: 2 });
  t.is(without.error?.code, 'not-available');
  const calls: unknown[] = [];
  const withClaim = new CommandDispatcher({ ...ctx, claim: async (req) => (calls.push(req), { segments: 3 }) }, log);
  const ok = await send(withClaim, { requestId: 'c2', action: 'claim', caseId: 'CASE-1', from: 1, to: 2, reason: 'late filing' });
  t.true(ok.ok);
  t.deepEqual(ok.result, { segments: 3 });
  t.deepEqual(calls, [{ caseId: 'CASE-1', from: 1, to: 2, reason: 'late filing', source: 'mqtt' }]);
  const backwards = await send(withClaim, { requestId: 'c3', action: 'claim', caseId: 'CASE-1', from: 5, to: 2 });
  t.is(backwards.error?.code, 'bad-request');
});
