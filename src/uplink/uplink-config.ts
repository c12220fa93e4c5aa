/**
 * The `mqtt` section of the configuration file: where the broker is, how to
 * authenticate, and the uplink's own limits. Secrets and certificates are file paths,
 * read at connect time, so the config file itself can stay world-readable.
 */
import { z } from 'zod';

export const MqttConfigSchema = z.strictObject({
  /** mqtt://host:port or mqtts://host:port. Absent: the embedded broker on loopback. */
  url: z.string().regex(/^mqtts?:\/\/[^\s]+$/, 'an mqtt:// or mqtts:// URL').optional(),
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
  topicRoot: z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'topic levels without wildcards').default('casecam'),
  username: z.string().max(256).optional(),
  password: z.string().max(256).optional(),
  /** PEM files for TLS (mqtts://): the CA that signed the broker, the device's certificate and key. */
  caFile: z.string().min(1).optional(),
  certFile: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  keepaliveSeconds: z.number().int().min(1).max(3600).default(30),
  reconnectInitialMs: z.number().int().min(10).max(60_000).default(500),
  reconnectMaxMs: z.number().int().min(100).max(600_000).default(30_000),
  healthSeconds: z.number().int().min(1).max(86_400).default(60),
  /** Loopback port of the embedded broker; 0 = any free port. */
  embeddedPort: z.number().int().min(0).max(65_535).default(1883),
  outbox: z
    .strictObject({
      maxBytes: z.number().int().min(1024).default(64 * 1024 * 1024),
      /** Telemetry and replies older than this are dropped; case and alarm events never are. */
      maxAgeSeconds: z.number().int().min(60).default(7 * 24 * 3600),
      /** Messages published and not yet acknowledged at once. */
      window: z.number().int().min(1).max(1000).default(100),
    })
    .prefault({}),
});
export type MqttConfig = z.infer<typeof MqttConfigSchema>;

export function mqttConfig(value: unknown): MqttConfig {
  return MqttConfigSchema.parse(value ?? {});
}
