/**
 * What the fleet's own LevelDB keeps (one zod schema per stored value): the last known
 * picture of each device, its status changes, sampled health, alarms, cases and gaps.
 */
import { z } from 'zod';
import { InventorySchema } from '../uplink/payloads.js';

export const FLEET_SCHEMA_VERSION = 1;

export const FleetMetaSchema = z.object({ schemaVersion: z.number().int() });

export const DeviceRecordSchema = z.object({
  deviceId: z.string(),
  inventory: InventorySchema.nullable(),
  firstSeen: z.number(),
  lastSeen: z.number(),
  status: z.enum(['online', 'offline', 'unknown']),
  statusSince: z.number().nullable(),
  lastOnline: z.number().nullable(),
  officerId: z.string().nullable().default(null).describe('officer signed in, from the last state'),
  lastOffloadAt: z.number().nullable(),
  lastHealth: z
    .object({ ts: z.number(), diskFreeBytes: z.number().nullable(), minutesLeft: z.number().nullable(), outboxDepth: z.number() })
    .nullable(),
});
export type DeviceRecord = z.infer<typeof DeviceRecordSchema>;

export const StatusChangeSchema = z.object({ status: z.enum(['online', 'offline']), at: z.number(), retained: z.boolean() });

export const HealthRowSchema = z.object({
  ts: z.number(),
  cpu: z.number().nullable(),
  diskFreeBytes: z.number().nullable(),
  minutesLeft: z.number().nullable(),
  outboxDepth: z.number(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
});

export const AlarmRowSchema = z.object({
  deviceId: z.string(),
  kind: z.string(),
  subject: z.string(),
  message: z.string(),
  raisedAt: z.number(),
  clearedAt: z.number().nullable(),
});
export type AlarmRow = z.infer<typeof AlarmRowSchema>;

export const CaseRowSchema = z.object({
  deviceId: z.string(),
  caseId: z.string(),
  openedAt: z.number(),
  closedAt: z.number().nullable(),
  trigger: z.string().nullable(),
  closeTrigger: z.string().nullable(),
  gaps: z.number().int(),
  gapSeconds: z.number(),
  officerId: z.string().nullable(),
  offloadedAt: z.number().nullable(),
});
export type CaseRow = z.infer<typeof CaseRowSchema>;

export const GapRowSchema = z.object({ deviceId: z.string(), caseId: z.string().nullable(), at: z.number(), seconds: z.number() });
