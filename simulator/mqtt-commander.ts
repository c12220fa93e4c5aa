/**
 * Sends `cmd` requests to a running casecam over MQTT and waits for each reply, as
 * the fleet platform or the counter system would (contract: topic
 * `casecam/<deviceId>/cmd`, JSON `{requestId, action, …}`; reply on `…/cmd/reply`
 * as `{requestId, ok, error?, result?}`). MQTT 3.1.1, so the embedded broker works.
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';

export const CmdReplySchema = z.object({
  requestId: z.string(),
  ok: z.boolean(),
  error: z.unknown().optional(),
  result: z.unknown().optional(),
});
export type CmdReply = z.infer<typeof CmdReplySchema>;

export class MqttCommander {
  private client: MqttClient | undefined;
  private readonly waiting = new Map<string, (reply: CmdReply) => void>();

  constructor(
    private readonly opts: { broker: string; deviceId: string; timeoutMs?: number; clientId?: string },
  ) {}

  private get root(): string {
    return `casecam/${this.opts.deviceId}`;
  }

  async connect(): Promise<void> {
    const client = await mqtt.connectAsync(this.opts.broker, {
      protocolVersion: 4,
      clientId: this.opts.clientId ?? `casecam-simulate-${randomUUID().slice(0, 8)}`,
      connectTimeout: this.opts.timeoutMs ?? 10_000,
      reconnectPeriod: 1000,
    });
    this.client = client;
    client.on('message', (_topic, payload) => {
      let parsed: CmdReply;
      try {
        parsed = CmdReplySchema.parse(JSON.parse(payload.toString('utf8')));
      } catch {
        return; // someone else's malformed reply: not ours to answer
      }
      const resolve = this.waiting.get(parsed.requestId);
      if (resolve) {
        this.waiting.delete(parsed.requestId);
        resolve(parsed);
      }
    });
    await client.subscribeAsync(`${this.root}/cmd/reply`, { qos: 1 });
  }

  /** Send one command; resolves with its reply, or a synthetic `ok: false` reply on timeout. */
  async send(action: string, fields: Record<string, unknown> = {}): Promise<CmdReply> {
    if (!this.client) throw new Error('not connected');
    const requestId = randomUUID();
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    const reply = new Promise<CmdReply>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        resolve({ requestId, ok: false, error: `no reply within ${timeoutMs} ms` });
      }, timeoutMs);
      this.waiting.set(requestId, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    const body = Object.fromEntries(Object.entries({ requestId, action, ...fields }).filter(([, v]) => v !== undefined));
    await this.client.publishAsync(`${this.root}/cmd`, JSON.stringify(body), { qos: 1 });
    return reply;
  }

  async close(): Promise<void> {
    await this.client?.endAsync();
  }
}
