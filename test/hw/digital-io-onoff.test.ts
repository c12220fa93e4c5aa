/**
 * The onoff adapter against the same contract, on a board with two header pins
 * joined by a wire: CASECAM_GPIO_LOOP="chipLabel:outLine:inLine" (e.g.
 * "pinctrl-bcm2711:27:17"). This machine has no GPIO, so it is skipped here, the one
 * allowed skip.
 */
import { existsSync } from 'node:fs';
import { openOnoffInput, openOnoffOutput } from '../../src/hw/onoff-io.js';
import { digitalIoContract } from './digital-io-contract.js';

const loop = process.env.CASECAM_GPIO_LOOP;
const why = !existsSync('/sys/class/gpio')
  ? 'no /sys/class/gpio on this machine'
  : !loop
    ? 'set CASECAM_GPIO_LOOP=chip:outLine:inLine with the two pins wired together'
    : undefined;

digitalIoContract(
  'onoff adapter',
  why ?? {
    async open() {
      const [chip, out, inp] = loop!.split(':');
      const output = await openOnoffOutput({ chip: chip!, line: Number(out) });
      const input = await openOnoffInput({ chip: chip!, line: Number(inp) });
      return { output, input };
    },
  },
);
