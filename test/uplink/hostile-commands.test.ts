/**
 * Commands over a real mosquitto while a real recording runs: 1,000 malformed or
 * hostile commands each get exactly one error reply and the recording goes on; a
 * repeated requestId is answered again but not executed twice; MQTT 5 response
 * topic and correlation data are honoured.
 */
import test from 'ava';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Watcher } from '../helpers/mqtt-watch.js';
import { startDevice } from '../helpers/test-app.js';

interface ReplyMsg {
  requestId: string | null;
  ok: boolean;
  action: string | null;
  error?: { code: string; message: string };
  result?: Record<string, unknown>;
  repeated?: boolean;
}

/** 1,000 bad commands of many kinds, each with the error code it must get (null: too broken to carry a requestId). */
function hostileCommands(): Array<{ payload: Buffer; requestId: string | null; code: string }> {
  const out: Array<{ payload: Buffer; requestId: string | null; code: string }> = [];
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));
  const kinds: Array<(i: number) => { payload: Buffer; requestId: string | null; code: string }> = [
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'self.destruct' }), requestId: `h${i}`, code: 'unknown-action' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 42 }), requestId: `h${i}`, code: 'unknown-action' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'marker', type: 7 }), requestId: `h${i}`, code: 'invalid-field' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'application.accepted', caseId: `../../etc/passwd${i}` }), requestId: `h${i}`, code: 'bad-case-id' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'application.accepted', caseId: `..\\win${i}` }), requestId: `h${i}`, code: 'bad-case-id' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'application.accepted', caseId: `a\u0000b${i}` }), requestId: `h${i}`, code: 'bad-case-id' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'application.accepted', caseId: 'x'.repeat(65 + i) }), requestId: `h${i}`, code: 'bad-case-id' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'record.stop' }), requestId: `h${i}`, code: 'reason-required' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'record.stop', reason: '   ' }), requestId: `h${i}`, code: 'reason-required' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'marker', type: 'inquiry', caseId: `NOPE-${i}` }), requestId: `h${i}`, code: 'no-open-case' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'state.get', extra: { __proto__: { polluted: true } } }), requestId: `h${i}`, code: 'invalid-field' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'claim', caseId: 'C1', from: 'yesterday', to: 2 }), requestId: `h${i}`, code: 'invalid-field' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'claim', caseId: 'C1', from: 1, to: 2 }), requestId: `h${i}`, code: 'bad-request' }), // no footage of 1970 is left
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'alarm', kind: 'Bad Kind!' }), requestId: `h${i}`, code: 'invalid-field' }),
    (i) => ({ payload: json({ requestId: `h${i}`, action: 'marker', type: 'inquiry', note: 'n'.repeat(20_000) }), requestId: null, code: 'too-large' }),
    (i) => ({ payload: Buffer.concat([Buffer.from(`{"requestId":"h${i}","action":"state.get","x":"`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]), requestId: null, code: 'bad-utf8' }),
    (i) => ({ payload: Buffer.from(`{"requestId":"h${i}",`), requestId: null, code: 'bad-json' }),
    () => ({ payload: json([1, 2, 3]), requestId: null, code: 'bad-json' }),
    () => ({ payload: json(null), requestId: null, code: 'bad-json' }),
    () => ({ payload: json({ action: 'state.get' }), requestId: null, code: 'invalid-field' }),
    () => ({ payload: json({ requestId: 'has space', action: 'state.get' }), requestId: null, code: 'invalid-field' }),
    () => ({ payload: json({ requestId: 12, action: 'state.get' }), requestId: null, code: 'invalid-field' }),
    () => ({ payload: Buffer.alloc(0), requestId: null, code: 'bad-json' }),
  ];
  for (let i = 0; out.length < 1000; i++) out.push(kinds[i % kinds.length]!(i));
  return out;
}

test('1,000 hostile commands each get one error reply while the recording goes on', async (t) => {
  const broker = await Mosquitto.start();
  const dev = await startDevice({ brokerUrl: broker.url, deviceId: 'HOST-01' });
  const base = 'casecam/HOST-01';
  const fleet = await Watcher.connect(broker.url, [`${base}/cmd/reply`, `${base}/events`, `${base}/status`]);
  try {
    await fleet.untilOnline(base);
    fleet.client.publish(`${base}/cmd`, JSON.stringify({ requestId: 'open-1', action: 'application.accepted', caseId: 'CASE-H1' }), { qos: 1 });
    const opened = await fleet.until(() => fleet.json<ReplyMsg>(`${base}/cmd/reply`).find((r) => r.requestId === 'open-1'), 'open reply');
    t.true(opened.ok);

    const cmds = hostileCommands();
    for (const c of cmds) fleet.client.publish(`${base}/cmd`, c.payload, { qos: 1 });
    const replies = await fleet.until(() => {
      const r = fleet.json<ReplyMsg>(`${base}/cmd/reply`).filter((x) => x.requestId !== 'open-1');
      return r.length >= 1000 && r;
    }, '1,000 replies', 25_000);
    t.is(replies.length, 1000);
    t.true(replies.every((r) => r.ok === false && r.error && r.error.message.length > 0));
    // Replies come in completion order: match those with a requestId by it, count the rest by code.
    const byId = new Map(replies.filter((r) => r.requestId !== null).map((r) => [r.requestId, r]));
    const wrong = cmds.filter((c) => c.requestId !== null && byId.get(c.requestId)?.error?.code !== c.code);
    t.deepEqual(wrong.slice(0, 3).map((c) => `${c.payload.toString().slice(0, 60)} → ${JSON.stringify(byId.get(c.requestId)?.error)}`), []);
    const count = (list: Array<{ code: string }>) => list.reduce<Record<string, number>>((m, x) => ({ ...m, [x.code]: (m[x.code] ?? 0) + 1 }), {});
    t.deepEqual(
      count(replies.filter((r) => r.requestId === null).map((r) => r.error!)),
      count(cmds.filter((c) => c.requestId === null)),
    );
    const state = dev.app.state();
    t.true(state.recording);
    t.is(state.caseId, 'CASE-H1');
    t.true(state.channels.every((c) => c.ok));
  } finally {
    await fleet.close();
    await dev.dispose();
    await broker.dispose();
  }
});

test('a repeated requestId is answered again, not executed twice; MQTT 5 response topic gets the reply', async (t) => {
  const broker = await Mosquitto.start();
  const dev = await startDevice({ brokerUrl: broker.url, deviceId: 'REP-01' });
  const base = 'casecam/REP-01';
  const fleet = await Watcher.connect(broker.url, [`${base}/cmd/reply/#`, `${base}/events`, `${base}/status`], { protocolVersion: 5 });
  try {
    await fleet.untilOnline(base);
    const open = JSON.stringify({ requestId: 'dup-1', action: 'investigation.started', caseId: 'CASE-D1', officerId: 'OFF-9' });
    fleet.client.publish(`${base}/cmd`, open, { qos: 1 });
    fleet.client.publish(`${base}/cmd`, open, { qos: 1 });
    const replies = await fleet.until(() => {
      const r = fleet.json<ReplyMsg>(`${base}/cmd/reply`).filter((x) => x.requestId === 'dup-1');
      return r.length >= 2 && r;
    }, 'two replies');
    t.true(replies[0]!.ok && replies[1]!.ok);
    t.deepEqual(replies[1]!.result, replies[0]!.result);
    t.true(replies[1]!.repeated);
    t.deepEqual(replies[0]!.result, { caseId: 'CASE-D1', created: true });

    // Stop without a reason is refused; with one it closes the case.
    fleet.client.publish(`${base}/cmd`, JSON.stringify({ requestId: 'stop-1', action: 'record.stop' }), {
      qos: 1,
      properties: { responseTopic: `${base}/cmd/reply/fleet-42`, correlationData: Buffer.from('corr-42') },
    });
    const viaResponse = await fleet.until(() => fleet.messages.find((m) => m.topic === `${base}/cmd/reply/fleet-42`), 'reply on the response topic');
    t.is((JSON.parse(viaResponse.text) as { error: { code: string } }).error.code, 'reason-required');
    t.is(Buffer.from(viaResponse.properties!.correlationData as Buffer).toString(), 'corr-42');

    fleet.client.publish(`${base}/cmd`, JSON.stringify({ requestId: 'stop-2', action: 'record.stop', reason: 'suspect fled' }), { qos: 1 });
    const stop = await fleet.until(() => fleet.json<ReplyMsg>(`${base}/cmd/reply`).find((r) => r.requestId === 'stop-2'), 'stop reply');
    t.true(stop.ok, JSON.stringify(stop));
    await fleet.until(() => fleet.json<{ type: string }>(`${base}/events`).some((e) => e.type === 'case.closed'), 'case.closed event', 15_000);
    const opens = fleet.json<{ type: string; caseId: string }>(`${base}/events`).filter((e) => e.type === 'case.opened');
    t.is(opens.length, 1, 'executed once');
    t.is((await dev.app.store.cases.get('CASE-D1'))?.markers.length, 0, 'no marker from a second execution');
  } finally {
    await fleet.close();
    await dev.dispose();
    await broker.dispose();
  }
});
