/**
 * Chip-by-label GPIO resolution for the sysfs interface onoff uses.
 *
 * Linux 6.6 and later number sysfs GPIOs from each chip's dynamic base (512 and up on
 * a Raspberry Pi), so "GPIO17" is not sysfs number 17. A line is named as
 * (chip label, offset) and turned into a sysfs number here, from
 * <root>/gpiochipN/{label,base,ngpio}. Pure file reading: tests point `root` at a
 * fake tree in a tmp dir.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CasecamError } from '../core/errors.js';

export const SYSFS_GPIO_ROOT = '/sys/class/gpio';

export interface GpioChip {
  name: string;
  label: string;
  base: number;
  ngpio: number;
}

export async function listGpioChips(root = SYSFS_GPIO_ROOT): Promise<GpioChip[]> {
  let names: string[];
  try {
    names = (await readdir(root)).filter((n) => /^gpiochip\d+$/.test(n));
  } catch (err) {
    throw new CasecamError('bad-config', `no GPIO sysfs interface at ${root} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const chips: GpioChip[] = [];
  for (const name of names) {
    const read = async (f: string) => (await readFile(path.join(root, name, f), 'utf8')).trim();
    try {
      chips.push({ name, label: await read('label'), base: Number(await read('base')), ngpio: Number(await read('ngpio')) });
    } catch {
      // A chip we cannot read is skipped: it cannot be the one the profile names.
    }
  }
  return chips.sort((a, b) => a.base - b.base);
}

/** The sysfs GPIO number of line `offset` on the chip labelled `label`. */
export async function resolveGpioLine(label: string, offset: number, root = SYSFS_GPIO_ROOT): Promise<number> {
  const chips = await listGpioChips(root);
  const matches = chips.filter((c) => c.label === label);
  if (matches.length === 0) {
    const known = chips.map((c) => `"${c.label}"`).join(', ') || 'none';
    throw new CasecamError('bad-config', `no GPIO chip labelled "${label}" (found: ${known})`);
  }
  if (matches.length > 1) throw new CasecamError('bad-config', `${matches.length} GPIO chips are labelled "${label}"; cannot tell them apart`);
  const chip = matches[0]!;
  if (!Number.isInteger(offset) || offset < 0 || offset >= chip.ngpio) {
    throw new CasecamError('bad-config', `GPIO line ${offset} is outside chip "${label}" (${chip.ngpio} lines)`);
  }
  if (!Number.isInteger(chip.base) || chip.base < 0) throw new CasecamError('bad-config', `GPIO chip "${label}" has no usable base`);
  return chip.base + offset;
}
