/**
 * The contract every GPIO implementation passes (the onoff adapter on a board, the
 * simulated twin everywhere). A harness gives an output and an input wired to the
 * same level: on a board, two header pins joined by a wire; for the twin, a SimInput
 * driven from the output's writes.
 */
import test from 'ava';
import type { DigitalInput, DigitalOutput, Level } from '../../src/hw/digital-io.js';
import { until } from './helpers/until.js';

export interface LoopbackHarness {
  open(): Promise<{ output: DigitalOutput; input: DigitalInput }>;
}

export function digitalIoContract(name: string, harness: LoopbackHarness | string): void {
  const run = typeof harness === 'string' ? test.skip : test.serial;
  const title = (s: string) => `${name}: ${s}${typeof harness === 'string' ? ` (skipped: ${harness})` : ''}`;
  const open = () => (harness as LoopbackHarness).open();

  run(title('an output starts dark and reads back what was written'), async (t) => {
    const { output, input } = await open();
    try {
      t.is(await output.read(), 0);
      await output.write(1);
      t.is(await output.read(), 1);
      await output.write(0);
      t.is(await output.read(), 0);
    } finally {
      await output.close();
      await input.close();
    }
  });

  run(title('an input sees the level and reports each change to its watchers'), async (t) => {
    const { output, input } = await open();
    const seen: Level[] = [];
    const unwatch = input.watch((l) => seen.push(l));
    try {
      await output.write(1);
      t.true(await until(async () => (await input.read()) === 1 && seen.includes(1), 2000));
      await output.write(0);
      t.true(await until(async () => (await input.read()) === 0 && seen.at(-1) === 0, 2000));
      unwatch();
      const before = seen.length;
      await output.write(1);
      await until(async () => (await input.read()) === 1, 2000);
      t.is(seen.length, before, 'an unsubscribed watcher hears nothing');
    } finally {
      await output.close();
      await input.close();
    }
  });

  run(title('closing an output leaves it dark'), async (t) => {
    const { output, input } = await open();
    await output.write(1);
    await output.close();
    t.true(await until(async () => (await input.read()) === 0, 2000));
    await input.close();
  });
}
