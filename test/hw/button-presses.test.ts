import test from 'ava';
import { SimInput } from '../../src/hw/sim/sim-gpio.js';
import { ButtonPresses, type Press } from '../../src/hw/button-presses.js';
import { sleep } from '../../simulator/pty-pair.js';
import { until } from './helpers/until.js';

// Wide margins between a short and a long press: the machine running tests may be loaded.
async function rig(opts = { debounceMs: 20, longPressMs: 700 }) {
  const input = new SimInput();
  const presses: Array<{ press: Press; heldMs: number }> = [];
  const b = new ButtonPresses(input, opts, (press, heldMs) => presses.push({ press, heldMs }));
  await b.start();
  return { input, presses, b };
}

test('a short press gives one "short" on release', async (t) => {
  const { input, presses, b } = await rig();
  input.set(1);
  await sleep(100);
  t.is(presses.length, 0, 'nothing while held');
  input.set(0);
  t.true(await until(() => presses.length === 1, 1000));
  t.is(presses[0]!.press, 'short');
  t.true(presses[0]!.heldMs >= 80 && presses[0]!.heldMs < 700, `held ${presses[0]!.heldMs} ms`);
  await sleep(60);
  t.is(presses.length, 1);
  b.stop();
});

// Bounce is driven without pauses: a real contact bounces in microseconds, and timed
// pauses would make these tests depend on how loaded the machine is.
test('contact bounce shorter than the debounce time is no press at all', async (t) => {
  const { input, presses, b } = await rig();
  for (let i = 0; i < 5; i++) {
    input.set(1);
    input.set(0);
  }
  await sleep(100);
  t.deepEqual(presses, []);
  b.stop();
});

test('a bouncing press and release still count once', async (t) => {
  const { input, presses, b } = await rig();
  for (const l of [1, 0, 1, 0, 1] as const) input.set(l);
  await sleep(80);
  for (const l of [0, 1, 0] as const) input.set(l);
  t.true(await until(() => presses.length === 1, 1000));
  await sleep(80);
  t.deepEqual(presses.map((p) => p.press), ['short']);
  b.stop();
});

test('holding past the long-press time gives "long" while held, and nothing on release', async (t) => {
  const { input, presses, b } = await rig();
  input.set(1);
  t.true(await until(() => presses.length === 1, 3000));
  t.is(presses[0]!.press, 'long');
  t.true(presses[0]!.heldMs >= 680, `fired after ${presses[0]!.heldMs} ms`);
  t.is(await input.read(), 1, 'fired while still held');
  input.set(0);
  await sleep(80);
  t.is(presses.length, 1);
  b.stop();
});

test('a button already held when watching starts gives nothing on release (stuck or held at boot)', async (t) => {
  const input = new SimInput();
  input.set(1);
  const presses: Press[] = [];
  const b = new ButtonPresses(input, { debounceMs: 20, longPressMs: 300 }, (p) => presses.push(p));
  await b.start();
  await sleep(400); // past the long-press time: a held button seen at start must not fire either
  input.set(0);
  await sleep(80);
  t.deepEqual(presses, []);
  input.set(1);
  await sleep(80);
  input.set(0);
  t.true(await until(() => presses.length === 1, 1000), 'the next real press counts');
  b.stop();
});
