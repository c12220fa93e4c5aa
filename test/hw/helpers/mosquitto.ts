/** A real mosquitto on a free loopback port for the simulator tests: the shared harness, started plain. */
import { Mosquitto } from '../../helpers/mosquitto.js';

export async function startMosquitto(): Promise<{ url: string; stop: () => Promise<void> }> {
  const m = await Mosquitto.start();
  return { url: m.url, stop: () => m.dispose() };
}
