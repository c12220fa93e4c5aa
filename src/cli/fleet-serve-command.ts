/** `casecam fleet serve`: the static web board (the page itself talks MQTT over WebSockets). */
import type { Command } from './args.js';
import { parse, required } from './args.js';
import { createLogger } from '../core/logger.js';
import { FleetWebServer } from '../fleet/web-server.js';
import { seconds, waitForSignal } from './fleet-cli-util.js';

export const fleetServeCommand: Command = {
  name: 'serve',
  summary: 'web board (static page; the browser connects to the broker over WebSockets)',
  help: `usage: casecam fleet serve --broker-ws URL --port P [--host H] [--root R]

Serves a read-only board page on http://H:P/ (default host 127.0.0.1). The page connects
to the broker's WebSocket listener (e.g. ws://broker:9001; mosquitto: "listener 9001" with
"protocol websockets") and shows every device, alarms, and a device's detail (health
history, recent cases, GPS positions). Port 0 picks a free port (printed).`,
  async run(argv) {
    const { values } = parse(argv, { 'broker-ws': { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, root: { type: 'string' } });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const server = new FleetWebServer({
      brokerWs: required(values['broker-ws'], '--broker-ws'),
      port: seconds(required(values.port, '--port'), '--port', 0),
      host: values.host,
      root: values.root,
      log: createLogger({ level: 'warn' }),
    });
    await server.start();
    console.log(`fleet web board on http://${values.host ?? '127.0.0.1'}:${server.port}/`);
    await waitForSignal();
    await server.stop();
    return 0;
  },
};
