/** A fleet-side MQTT client for tests: collects what arrives and waits (bounded) for what a test expects. */
import mqtt, { type MqttClient, type IClientOptions } from 'mqtt';

export interface Received {
  topic: string;
  text: string;
  retain: boolean;
  properties?: Record<string, unknown>;
}

export class Watcher {
  readonly messages: Received[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, text: payload.toString(), retain: packet.retain, properties: packet.properties });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(url: string, topics: string[], opts: IClientOptions = {}): Promise<Watcher> {
    // Listen before the CONNACK: a resumed session's queued messages can arrive right behind it.
    const client = mqtt.connect(url, { reconnectPeriod: 200, ...opts });
    const w = new Watcher(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
    if (topics.length) await client.subscribeAsync(topics, { qos: 1 });
    return w;
  }

  json<T = Record<string, unknown>>(topic: string): T[] {
    return this.messages.filter((m) => m.topic === topic).map((m) => JSON.parse(m.text) as T);
  }

  /**
   * Waits for a device's retained `online`: the uplink publishes it only after it has
   * subscribed to its commands, so a command sent after this is not lost (its MQTT
   * connection alone does not say that). The watcher must subscribe to `<base>/status`.
   */
  async untilOnline(base: string): Promise<void> {
    await this.until(() => this.messages.some((m) => m.topic === `${base}/status` && m.text === 'online'), `${base} online (subscribed to its commands)`);
  }

  /**
   * Waits until `pred` holds over what arrived, up to max(`ms`, 30 s); throws with `what`
   * otherwise. Callers wait for what must arrive: a generous bound costs nothing when it
   * does, and a busy machine can take much longer than the figure a caller names.
   */
  async until<T>(pred: () => T | undefined | false, what: string, ms = 10_000): Promise<T> {
    const deadline = Date.now() + Math.max(ms, 30_000);
    for (;;) {
      const v = pred();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
