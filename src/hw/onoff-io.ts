/**
 * The real GPIO adapter: onoff over sysfs, lines resolved by chip label (gpio-chip.ts).
 * onoff is imported on first use, so a machine without GPIO never loads its native
 * epoll binding.
 */
import type { Gpio as OnoffGpio } from 'onoff';
import { CasecamError, errorMessage } from '../core/errors.js';
import { resolveGpioLine, SYSFS_GPIO_ROOT } from './gpio-chip.js';
import type { DigitalInput, DigitalOutput, GpioLineRef, Level } from './digital-io.js';

async function gpio(ref: GpioLineRef, direction: 'in' | 'low', root: string): Promise<OnoffGpio> {
  const number = await resolveGpioLine(ref.chip, ref.line, root);
  const { Gpio } = await import('onoff');
  if (!Gpio.accessible) throw new CasecamError('bad-config', `GPIO is not accessible on this machine (line ${ref.chip}:${ref.line})`);
  try {
    return new Gpio(number, direction, direction === 'in' ? 'both' : 'none', { activeLow: ref.activeLow ?? false });
  } catch (err) {
    throw new CasecamError('bad-config', `cannot open GPIO ${number} (${ref.chip}:${ref.line}): ${errorMessage(err)}`);
  }
}

export async function openOnoffInput(ref: GpioLineRef, root = SYSFS_GPIO_ROOT): Promise<DigitalInput> {
  const g = await gpio(ref, 'in', root);
  const listeners = new Set<(level: Level) => void>();
  g.watch((err, value) => {
    if (err) return; // An edge we could not read is followed by another; the debouncer tolerates loss.
    for (const l of [...listeners]) l(value);
  });
  return {
    read: async () => g.read(),
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      listeners.clear();
      g.unwatchAll();
      g.unexport();
    },
  };
}

export async function openOnoffOutput(ref: GpioLineRef, root = SYSFS_GPIO_ROOT): Promise<DigitalOutput> {
  const g = await gpio(ref, 'low', root);
  return {
    write: (level) => g.write(level),
    read: async () => g.read(),
    close: async () => {
      // Leave the lamp dark: a lit lamp after stop would claim a recording that is not happening.
      await g.write(0).catch(() => undefined);
      g.unexport();
    },
  };
}
