import { SimInput, SimOutput } from '../../src/hw/sim/sim-gpio.js';
import type { DigitalOutput, Level } from '../../src/hw/digital-io.js';
import { digitalIoContract } from './digital-io-contract.js';

// The twin's loopback: what the output writes, the input sees (as a wire between two pins would).
digitalIoContract('simulated twin', {
  async open() {
    const input = new SimInput();
    const out = new SimOutput();
    const output: DigitalOutput = {
      write: async (l: Level) => {
        await out.write(l);
        input.set(l);
      },
      read: () => out.read(),
      close: async () => {
        await out.close();
        input.set(await out.read()); // the wire carries whatever level close() left
      },
    };
    return { output, input };
  },
});
