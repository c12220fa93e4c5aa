import test from 'ava';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listGpioChips, resolveGpioLine } from '../../src/hw/gpio-chip.js';

/** A fake /sys/class/gpio as Linux 6.6+ lays it out on a Raspberry Pi 4. */
async function fakeSysfs(chips: Array<{ name: string; label: string; base: number; ngpio: number }>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'casecam-sysfs-'));
  await writeFile(path.join(root, 'export'), '');
  for (const c of chips) {
    await mkdir(path.join(root, c.name));
    await writeFile(path.join(root, c.name, 'label'), `${c.label}\n`);
    await writeFile(path.join(root, c.name, 'base'), `${c.base}\n`);
    await writeFile(path.join(root, c.name, 'ngpio'), `${c.ngpio}\n`);
  }
  return root;
}

const pi4 = [
  { name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
  { name: 'gpiochip570', label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
];

test('a line is its chip base plus the offset, found by the chip label (Pi 4, Linux 6.6+)', async (t) => {
  const root = await fakeSysfs(pi4);
  t.is(await resolveGpioLine('pinctrl-bcm2711', 17, root), 529);
  t.is(await resolveGpioLine('raspberrypi-exp-gpio', 2, root), 572);
  t.deepEqual((await listGpioChips(root)).map((c) => c.label), ['pinctrl-bcm2711', 'raspberrypi-exp-gpio']);
});

test('the old numbering (base 0) resolves the same way', async (t) => {
  const root = await fakeSysfs([{ name: 'gpiochip0', label: 'pinctrl-bcm2711', base: 0, ngpio: 58 }]);
  t.is(await resolveGpioLine('pinctrl-bcm2711', 17, root), 17);
});

test('an unknown label, an offset past the chip and a missing sysfs are clear errors', async (t) => {
  const root = await fakeSysfs(pi4);
  await t.throwsAsync(resolveGpioLine('pinctrl-rp1', 17, root), { message: /no GPIO chip labelled "pinctrl-rp1" \(found: "pinctrl-bcm2711", "raspberrypi-exp-gpio"\)/ });
  await t.throwsAsync(resolveGpioLine('pinctrl-bcm2711', 58, root), { message: /outside chip "pinctrl-bcm2711" \(58 lines\)/ });
  await t.throwsAsync(resolveGpioLine('pinctrl-bcm2711', 1, path.join(root, 'nope')), { message: /no GPIO sysfs interface/ });
});

test('two chips with one label are refused rather than guessed', async (t) => {
  const root = await fakeSysfs([
    { name: 'gpiochip0', label: 'gpio3', base: 0, ngpio: 32 },
    { name: 'gpiochip32', label: 'gpio3', base: 32, ngpio: 32 },
  ]);
  await t.throwsAsync(resolveGpioLine('gpio3', 1, root), { message: /2 GPIO chips are labelled "gpio3"/ });
});
