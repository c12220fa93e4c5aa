/** The barcode scanner on the real serialport path (socat pty), driving real case sessions. */
import test from 'ava';
import { ScannerSource } from '../../src/hw/scanner-source.js';
import { TriggerActions, type TriggerOutcome } from '../../src/hw/trigger-actions.js';
import type { ScanPattern } from '../../src/hw/hw-config.js';
import { PtyPair, sleep } from '../../simulator/pty-pair.js';
import { until } from './helpers/until.js';
import { realSessions } from './helpers/sessions.js';
import { throwsOnce, watchUnhandled } from './helpers/failing-hook.js';

async function rig(patterns: ScanPattern[] = []) {
  const pty = await PtyPair.create();
  const s = await realSessions();
  const outcomes: Array<{ code: string; outcome: TriggerOutcome }> = [];
  const scanner = new ScannerSource({
    path: pty.device,
    baudRate: 9600,
    log: s.log,
    actions: new TriggerActions(s.sessions, s.log),
    patterns,
    onOutcome: (code, outcome) => outcomes.push({ code, outcome }),
  });
  scanner.start();
  await until(() => scanner.line.stats.connected, 3000);
  return {
    pty,
    ...s,
    scanner,
    outcomes,
    scan: async (code: string) => {
      const n = outcomes.length;
      await pty.write(`${code}\r\n`);
      if (!(await until(() => outcomes.length > n, 3000))) throw new Error(`no outcome for scan ${code}`);
      return outcomes[n]!.outcome;
    },
    cleanup: async () => {
      await scanner.stop();
      await pty.close();
      await s.close();
    },
  };
}

test.serial('scan opens a case with the scanned ID; the same code marks it; another code closes it as documents served', async (t) => {
  const r = await rig();
  try {
    const id = '淮交罚〔2018〕86号';
    t.like(await r.scan(id), { ok: true, action: 'open', caseId: id });
    t.deepEqual(r.sessions.openCases().map((c) => c.id), [id]);
    const n = r.outcomes.length;
    await r.pty.write(`${id}\r`); // a scanner that ends codes with CR alone
    t.true(await until(() => r.outcomes.length > n, 3000));
    t.like(r.outcomes[n]!.outcome, { ok: true, action: 'marker', caseId: id });
    t.like(await r.scan('DOC-2026-000123'), { ok: true, action: 'close', caseId: id });
    t.deepEqual(r.sessions.openCases(), []);
    const stored = await r.store.cases.get(id);
    t.is(stored!.openTrigger.source, 'scanner');
    t.is(stored!.markers.length, 1);
    t.is(stored!.closeTrigger!.type, 'documents.served');
    t.deepEqual(stored!.closeTrigger!.documents, ['DOC-2026-000123']);
  } finally {
    await r.cleanup();
  }
});

test.serial('configured patterns map codes to actions instead of the default rules', async (t) => {
  const r = await rig([
    { pattern: 'MARK-.*', action: 'marker' },
    { pattern: 'TEST-\\d+', action: 'ignore' },
  ]);
  try {
    t.like(await r.scan('APP-1'), { ok: true, action: 'open', caseId: 'APP-1' });
    t.like(await r.scan('MARK-inquiry'), { ok: true, action: 'marker', caseId: 'APP-1' });
    const n = r.outcomes.length;
    await r.pty.write('TEST-42\r\n');
    await sleep(200);
    t.is(r.outcomes.length, n, 'an ignored code does nothing');
    t.is((await r.store.cases.get('APP-1'))!.markers.at(-1)!.note, 'scanned MARK-inquiry');
    t.deepEqual(r.sessions.openCases().map((c) => c.id), ['APP-1']);
  } finally {
    await r.cleanup();
  }
});

test.serial('a refused scan (case already recorded, path-like ID) is an outcome, not a crash', async (t) => {
  const r = await rig();
  try {
    await r.scan('APP-7');
    await r.scan('DOC-7');
    t.true(await until(async () => (await r.store.cases.get('APP-7'))?.status === 'closed', 12_000));
    t.like(await r.scan('APP-7'), { ok: false, code: 'bad-request' });
    await r.pty.write('../../etc/passwd\r\n');
    t.true(await until(() => r.scanner.rejected === 1, 2000), 'a path-like code is refused before it reaches the sessions');
    t.is(r.outcomes.length, 3);
    t.deepEqual(r.sessions.openCases(), []);
  } finally {
    await r.cleanup();
  }
});

test.serial('garbage, partial and over-long lines and a wrong baud rate are counted and dropped; nothing opens', async (t) => {
  const r = await rig();
  try {
    await r.pty.write(Buffer.from([0xe0, 0x1c, 0xfc, 0x00, 0x80, 0x0a])); // a 19200-baud scanner read at 9600
    await r.pty.write(`${'X'.repeat(300)}\n`);
    await r.pty.write('APP-PARTIAL'); // the scanner stops mid-code
    const stats = r.scanner.line.stats;
    t.true(await until(() => stats.errors.garbage === 1 && stats.errors.overlong === 1 && stats.errors.partial === 1, 5000), JSON.stringify(stats.errors));
    t.deepEqual(r.sessions.openCases(), []);
    t.like(await r.scan('APP-OK'), { ok: true, action: 'open' }, 'the next whole line still works');
  } finally {
    await r.cleanup();
  }
});

test.serial('a scanner unplugged mid-code and plugged back is reconnected; the partial code is dropped', async (t) => {
  const r = await rig();
  try {
    await r.pty.write('APP-HALF');
    await sleep(50);
    await r.pty.unplug();
    const stats = r.scanner.line.stats;
    t.true(await until(() => !stats.connected && stats.errors.partial === 1, 3000));
    await sleep(600); // a few failed reopen attempts while it is away
    t.true(stats.errors.open >= 1);
    await r.pty.plug();
    t.true(await until(() => stats.connected && stats.reconnects === 1, 8000));
    t.like(await r.scan('APP-AFTER'), { ok: true, action: 'open', caseId: 'APP-AFTER' });
    t.deepEqual(r.sessions.openCases().map((c) => c.id), ['APP-AFTER']);
  } finally {
    await r.cleanup();
  }
});

test.serial('a scan whose handling throws is logged; the scanner keeps working and the service lives', async (t) => {
  const pty = await PtyPair.create();
  const s = await realSessions();
  const { outcomes, hook } = throwsOnce<TriggerOutcome>();
  const scanner = new ScannerSource({
    path: pty.device,
    baudRate: 9600,
    log: s.log,
    actions: new TriggerActions(s.sessions, s.log),
    onOutcome: hook,
  });
  const unhandled = watchUnhandled();
  try {
    scanner.start();
    await until(() => scanner.line.stats.connected, 3000);
    await pty.write('CASE-T1\r\n');
    await sleep(300);
    await pty.write('CASE-T1\r\n');
    t.true(await until(() => outcomes.length > 0, 3000), 'the second scan was handled');
    t.like(outcomes[0], { ok: true, action: 'marker', caseId: 'CASE-T1' });
    t.deepEqual(unhandled.seen(), []);
  } finally {
    unhandled.stop();
    await scanner.stop();
    await pty.close();
    await s.close();
  }
});
