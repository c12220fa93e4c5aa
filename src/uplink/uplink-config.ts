/**
 * The `mqtt` section of the configuration file: where the broker is, how to
 * authenticate, and the uplink's own limits. Secrets and certificates are file paths,
 * read at connect time, so the config file itself can stay world-readable.
 */
import { z } from 'zod';

export const MqttConfigSchema = z.strictObject({
  url: z
    .string()
    .regex(/^mqtts?:\/\/[^\s]+$/, 'an mqtt:// or mqtts:// URL')
    .optional()
    .meta({
      docType: '`mqtt://…` | `mqtts://…`',
      description: 'the broker; `--broker` overrides it; absent: embedded broker on 127.0.0.1. A password in it (`user:pass@`) is never logged or journaled',
    }),
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5).meta({ description: 'MQTT 3.1.1 (4) or 5' }),
  topicRoot: z
    .string()
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'topic levels without wildcards')
    .default('casecam')
    .meta({ docType: 'topic levels', description: 'topics are `<topicRoot>/<deviceId>/…`' }),
  username: z.string().max(256).optional().meta({ description: 'broker user name' }),
  password: z.string().max(256).optional().meta({ description: 'broker password (journaled only as a keyed fingerprint, never logged)' }),
  caFile: z.string().min(1).optional().meta({ docType: 'path', description: "PEM: the CA that signed the broker (mqtts://); the broker's certificate is checked against it (`casecam provision` writes it, docs/provisioning.md)" }),
  certFile: z.string().min(1).optional().meta({ docType: 'path', description: "PEM: the device's certificate" }),
  keyFile: z.string().min(1).optional().meta({ docType: 'path', description: "PEM: the device's TLS key; one that others can read stops the start" }),
  keepaliveSeconds: z.number().int().min(1).max(3600).default(30).meta({ description: 'keepalive (the last will fires after 1.5×)' }),
  reconnectInitialMs: z.number().int().min(10).max(60_000).default(500).meta({ description: 'first reconnect delay (doubling, jittered, capped)' }),
  reconnectMaxMs: z.number().int().min(100).max(600_000).default(30_000).meta({ description: 'reconnect delay cap' }),
  healthSeconds: z.number().int().min(1).max(86_400).default(60).meta({ description: 'health report period' }),
  embeddedPort: z.number().int().min(0).max(65_535).default(1883).meta({ description: 'embedded broker port (taken: any free port, logged); 0 = any' }),
  outbox: z
    .strictObject({
      maxBytes: z.number().int().min(1024).default(64 * 1024 * 1024).meta({ docType: 'bytes', description: 'outbox bound (case and alarm events may exceed it, never dropped)' }),
      maxAgeSeconds: z.number().int().min(60).default(7 * 24 * 3600).meta({ description: 'telemetry and replies older than this are dropped; case and alarm events never are' }),
      window: z.number().int().min(1).max(1000).default(100).meta({ description: 'messages in flight awaiting PUBACK' }),
    })
    .prefault({})
    .meta({ description: 'the durable outbox every report goes through ([mqtt.md](mqtt.md))' }),
});
export type MqttConfig = z.infer<typeof MqttConfigSchema>;

export function mqttConfig(value: unknown): MqttConfig {
  return MqttConfigSchema.parse(value ?? {});
}
