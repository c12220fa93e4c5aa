/**
 * `casecam fleet live DEVICE`: the command centre asks a device for live view over the
 * published contract (a `live.start` command on its `cmd` topic, the reply on
 * `cmd/reply`) and prints what a player opens. `--stop` sends `live.stop`.
 */
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import type { Command } from './args.js';
import { parse, required } from './args.js';
import { CasecamError } from '../core/errors.js';
import { deviceTopics } from '../uplink/topics.js';
import { ReplySchema } from '../uplink/payloads.js';

const REPLY_SECONDS = 15;

export const fleetLiveCommand: Command = {
  name: 'live',
  summary: 'start (or --stop) a device\'s live view and print what a player opens',
  help: `usage: casecam fleet live DEVICE --broker URL [--channel C] [--url URL] [--duration S] [--player TEMPLATE] [--stop]

Sends live.start to DEVICE (live.stop with --stop) and prints each stream.
  --broker URL        the fleet's MQTT broker (mqtt://, mqtts://, ws://)
  --channel C         one channel (default: the device's live.channels, or all)
  --url URL           receiver: srt://host:port or rtmp://host[:port]/app/stream (default: the device's live.url)
  --duration S        seconds (default and maximum: the device's config)
  --player TEMPLATE   the URL a player opens, with {device} and {channel} filled in,
                      e.g. 'srt://centre:8890?streamid=read:casecam/{device}/{channel}' (MediaMTX);
                      default: the receiver URL for RTMP, nothing for SRT
  --topic-root ROOT   topic root (default casecam)`,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        broker: { type: 'string' },
        channel: { type: 'string' },
        url: { type: 'string' },
        duration: { type: 'string' },
        player: { type: 'string' },
        stop: { type: 'boolean' },
        'topic-root': { type: 'string' },
      },
      { positionals: true },
    );
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const device = required(positionals[0], 'DEVICE');
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(device)) throw new CasecamError('usage', `not a device ID: "${device.slice(0, 64)}"`);
    const duration = values.duration === undefined ? undefined : Number(values.duration);
    if (duration !== undefined && !(Number.isInteger(duration) && duration > 0)) throw new CasecamError('usage', '--duration must be a whole number of seconds above 0');
    const topics = deviceTopics(values['topic-root'] ?? 'casecam', device);
    const requestId = `fleet-live-${randomUUID()}`;
    const command = values.stop
      ? { requestId, action: 'live.stop', channel: values.channel }
      : { requestId, action: 'live.start', channel: values.channel, url: values.url, durationSeconds: duration };
    const reply = await ask(required(values.broker, '--broker URL'), topics, requestId, command);
    if (!reply.ok) throw new CasecamError('bad-request', `${device} refused: ${reply.error?.code}: ${reply.error?.message}`);
    const result = reply.result as { streams?: Stream[]; stopped?: Stream[] };
    for (const s of result.streams ?? []) {
      const player = values.player ? values.player.replaceAll('{device}', device).replaceAll('{channel}', s.channel) : s.url.startsWith('rtmp') ? s.url : undefined;
      console.log(`${s.channel}  ${s.url}  until ${new Date(s.until).toLocaleString()}${player ? `\n  play: ${player}` : ''}`);
    }
    for (const s of result.stopped ?? []) console.log(`${s.channel}  stopped`);
    if (!result.streams?.length && !result.stopped?.length) console.log('nothing was live');
    return 0;
  },
};

interface Stream {
  channel: string;
  url: string;
  since: number;
  until: number;
}

async function ask(broker: string, topics: ReturnType<typeof deviceTopics>, requestId: string, command: Record<string, unknown>) {
  const client = await mqtt.connectAsync(broker, { reconnectPeriod: 0, connectTimeout: REPLY_SECONDS * 1000 });
  try {
    const replied = new Promise<ReturnType<typeof ReplySchema.parse>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new CasecamError('bad-request', `no reply from the device within ${REPLY_SECONDS} s (is it online?)`)), REPLY_SECONDS * 1000);
      client.on('message', (_topic, payload) => {
        let json: unknown;
        try {
          json = JSON.parse(payload.toString());
        } catch {
          return; // not a reply of ours
        }
        const r = ReplySchema.safeParse(json);
        if (r.success && r.data.requestId === requestId) {
          clearTimeout(timer);
          resolve(r.data);
        }
      });
    });
    await client.subscribeAsync(topics.reply, { qos: 1 });
    await client.publishAsync(topics.cmd, JSON.stringify(command), { qos: 1 });
    return await replied;
  } finally {
    await client.endAsync();
  }
}
