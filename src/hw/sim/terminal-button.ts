/**
 * In `casecam run --simulate` on a terminal, the keyboard presses the simulated button
 * twin, so the same debounce and press rules run as on a board: Enter = short press
 * (open a case, or a marker), "s" + Enter = long press (documents served).
 */
import readline from 'node:readline';
import type { Lifecycle } from '../../core/lifecycle.js';
import type { SimInput } from './sim-gpio.js';

export function terminalButton(button: SimInput, longPressSeconds: number): Lifecycle {
  let rl: readline.Interface | undefined;
  return {
    name: 'terminal-button',
    phase: 'trigger',
    start: () => {
      rl = readline.createInterface({ input: process.stdin });
      process.stderr.write('simulated counter: Enter = button (open case / marker), "s" + Enter = long press (documents served)\n');
      rl.on('line', (line) => {
        button.set(1);
        setTimeout(() => button.set(0), line.trim() === 's' ? longPressSeconds * 1000 + 200 : 150);
      });
    },
    stop: () => rl?.close(),
  };
}
