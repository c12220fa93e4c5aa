/**
 * One MQTT message as the fleet side sees it, parsed with the published contract's zod
 * schemas (src/uplink/payloads.ts). Pure: no MQTT client, no Node APIs, so the web board
 * runs this same file in the browser.
 *
 * A message that fails its schema is returned as `{ ok: false }` with a one-line reason:
 * one broken device must never stop the board.
 */
import type { z } from 'zod';
import { EventSchema, HealthSchema, InventorySchema, StateSchema, StatusSchema } from '../uplink/payloads.js';

export type State = z.infer<typeof SCHEMAS.state>;
export type Health = z.infer<typeof SCHEMAS.health>;
export type Inventory = z.infer<typeof InventorySchema>;
export type DeviceEvent = z.infer<typeof EventSchema>;

/** The topics the fleet side subscribes to, below `<root>/`. */
export const FLEET_TOPICS = ['status', 'state', 'inventory', 'health', 'events'] as const;
export type FleetTopic = (typeof FLEET_TOPICS)[number];

export function fleetSubscriptions(root = 'casecam'): string[] {
  return FLEET_TOPICS.map((t) => `${root}/+/${t}`);
}

export type FleetMessage =
  | { deviceId: string; topic: 'status'; value: z.infer<typeof StatusSchema> }
  | { deviceId: string; topic: 'state'; value: State }
  | { deviceId: string; topic: 'inventory'; value: Inventory }
  | { deviceId: string; topic: 'health'; value: Health }
  | { deviceId: string; topic: 'events'; value: DeviceEvent };

export type Parsed = { ok: true; message: FleetMessage } | { ok: false; deviceId?: string; reason: string } | { ok: 'ignored' };

/**
 * A fleet has devices of several contract versions at once. The fleet side reads every
 * version since 1.0.0: a field added since (1.1.0: `state.live`, `health.live`) is optional
 * here, so an older device is shown, not refused. New fields must stay optional in this map.
 */
const SCHEMAS = {
  state: StateSchema.extend({ live: StateSchema.shape.live.optional() }),
  inventory: InventorySchema,
  health: HealthSchema.extend({ live: HealthSchema.shape.live.optional() }),
  events: EventSchema,
} as const;

/** Parses `<root>/<deviceId>/<topic>` and its payload (UTF-8 text). Topics the board does not use are ignored. */
export function parseFleetMessage(topic: string, text: string, root = 'casecam'): Parsed {
  const parts = topic.split('/');
  if (parts.length !== 3 || parts[0] !== root) return { ok: 'ignored' };
  const deviceId = parts[1]!;
  const sub = parts[2] as FleetTopic;
  if (!(FLEET_TOPICS as readonly string[]).includes(sub)) return { ok: 'ignored' };
  if (sub === 'status') {
    const s = StatusSchema.safeParse(text.trim());
    return s.success ? { ok: true, message: { deviceId, topic: 'status', value: s.data } } : { ok: false, deviceId, reason: `status "${text.slice(0, 20)}" is neither online nor offline` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, deviceId, reason: `${sub} is not JSON` };
  }
  const r = SCHEMAS[sub].safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, deviceId, reason: `${sub} fails the contract at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, message: { deviceId, topic: sub, value: r.data } as FleetMessage };
}
