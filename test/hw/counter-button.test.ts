/** The counter button and the lamps on the simulated GPIO twin, driving real case sessions. */
import test from 'ava';
import { SimInput, SimOutput } from '../../src/hw/sim/sim-gpio.js';
import { CounterButton } from '../../src/hw/counter-button.js';
import { RecordingIndicators } from '../../src/hw/recording-indicators.js';
import { TriggerActions, type TriggerOutcome } from '../../src/hw/trigger-actions.js';
import { sleep } from '../../simulator/pty-pair.js';
import { until } from './helpers/until.js';
import { realSessions } from './helpers/sessions.js';
import { throwsOnce, watchUnhandled } from './helpers/failing-hook.js';

async function rig(reminderSeconds = 0) {
  const s = await realSessions();
  const button = new SimInput();
  const lamp = new SimOutput();
  const buzzer = new SimOutput();
  const outcomes: Array<{ press: string; outcome: TriggerOutcome }> = [];
  const counter = new CounterButton({
    input: async () => button,
    actions: new TriggerActions(s.sessions, s.log),
    log: s.log,
    debounceMs: 15,
    longPressMs: 800, // far from the 60–80 ms short presses, so a loaded machine cannot confuse them
    onOutcome: (press, outcome) => outcomes.push({ press, outcome }),
  });
  const indicators = new RecordingIndicators({
    bus: s.bus,
    log: s.log,
    recording: () => s.sessions.activeCases().length > 0,
    lamp: async () => lamp,
    buzzer: async () => buzzer,
    reminderSeconds,
    beepMs: 50,
  });
  await counter.start();
  await indicators.start();
  const press = async (ms: number) => {
    const n = outcomes.length;
    button.set(1);
    await sleep(ms);
    button.set(0);
    if (!(await until(() => outcomes.length > n, 2000))) throw new Error('press had no outcome');
    return outcomes[n]!.outcome;
  };
  return {
    ...s,
    lamp,
    buzzer,
    indicators,
    press,
    cleanup: async () => {
      await counter.stop();
      await indicators.stop();
      await s.close();
    },
  };
}

test.serial('short press opens a case and lights the lamp; another short press adds a marker; a long press serves the documents', async (t) => {
  const r = await rig();
  try {
    t.is(await r.lamp.read(), 0, 'dark before any case');
    const opened = await r.press(80);
    t.like(opened, { ok: true, action: 'open' });
    t.true(await until(async () => (await r.lamp.read()) === 1, 1000), 'lamp lit while recording');
    t.like(await r.press(80), { ok: true, action: 'marker', caseId: opened.caseId });
    t.like(await r.press(1100), { ok: true, action: 'close', caseId: opened.caseId });
    const c = await r.store.cases.get(opened.caseId!);
    t.is(c!.openTrigger.source, 'button');
    t.is(c!.markers.length, 1);
    t.is(c!.closeTrigger!.type, 'documents.served');
    t.true(await until(async () => (await r.store.cases.get(opened.caseId!))!.status === 'closed', 12_000));
    t.true(await until(async () => (await r.lamp.read()) === 0, 2000), 'lamp dark once the case is closed');
  } finally {
    await r.cleanup();
  }
});

test.serial('a long press with no case open is refused and changes nothing', async (t) => {
  const r = await rig();
  try {
    t.like(await r.press(1100), { ok: false, code: 'no-open-case' });
    t.deepEqual(r.sessions.openCases(), []);
    t.is(await r.lamp.read(), 0);
  } finally {
    await r.cleanup();
  }
});

test.serial('the buzzer beeps once per reminder period while recording, and not otherwise', async (t) => {
  const r = await rig(1);
  try {
    await sleep(1300);
    t.deepEqual(r.buzzer.history, [], 'silent while not recording');
    await r.press(60);
    await sleep(2600);
    const beeps = r.buzzer.history.filter((h) => h.level === 1).length;
    t.true(beeps >= 1 && beeps <= 3, `${beeps} beeps in 2.6 s at a 1 s period`);
    t.is(await r.buzzer.read(), 0, 'each beep ends');
  } finally {
    await r.cleanup();
  }
});

test.serial('a press whose handling throws is logged; the button keeps working and the service lives', async (t) => {
  const s = await realSessions();
  const button = new SimInput();
  const { outcomes, hook } = throwsOnce<TriggerOutcome>();
  const counter = new CounterButton({
    input: async () => button,
    actions: new TriggerActions(s.sessions, s.log),
    log: s.log,
    debounceMs: 15,
    longPressMs: 800,
    onOutcome: hook,
  });
  const unhandled = watchUnhandled();
  try {
    await counter.start();
    for (let i = 0; i < 2; i++) {
      button.set(1);
      await sleep(70);
      button.set(0);
      await sleep(300);
    }
    t.true(await until(() => outcomes.length > 0, 2000), 'the second press was handled');
    t.is(outcomes[0]?.action, 'marker', 'the first press opened the case, the second marked it');
    t.deepEqual(unhandled.seen(), []);
  } finally {
    unhandled.stop();
    await counter.stop();
    await s.close();
  }
});
