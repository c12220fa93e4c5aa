/**
 * What every MQTT topic carries, in one place: one zod schema per topic. The uplink
 * validates what it publishes and what it receives against these, and the published
 * contract (docs/contract/, `npm run contract`) is generated from them.
 * Changing a payload's shape is a contract change: bump CONTRACT_VERSION and say so in docs/mqtt.md.
 */
import { z } from 'zod';
import { checkCaseId } from '../core/case-id.js';
import { SelfCheckSchema } from '../core/selfcheck-schema.js';

export const CONTRACT_VERSION = '1.3.0';

const epochMs = z.number().int().describe('milliseconds since the Unix epoch');

/** Case IDs on the wire: the same rule as everywhere (1–64 chars, never a path, no control characters). */
export const CaseIdSchema = z
  .string()
  .min(1)
  .max(256)
  .superRefine((id, ctx) => {
    try {
      checkCaseId(id);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  })
  .describe('free-text case ID, 1–64 characters, never a path');

export const StatusSchema = z.enum(['online', 'offline']).describe('retained; `offline` is the last will');

export const StateSchema = z.object({
  recording: z.boolean(),
  caseId: z.string().nullable(),
  caseIds: z.array(z.string()),
  since: epochMs.nullable(),
  trigger: z.string().nullable(),
  officerId: z.string().nullable(),
  channels: z.array(z.object({ id: z.string(), ok: z.boolean(), fps: z.number() })),
  preRecordSeconds: z.number(),
  live: z
    .array(z.object({ channel: z.string(), url: z.string().describe('the receiver, without credentials'), since: epochMs, until: epochMs }))
    .describe('channels streaming live view now (since contract 1.1)'),
  ts: epochMs,
});

const GpsSchema = z.object({
  fix: z.boolean(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  speedKmh: z.number().nullable(),
  satellites: z.number().nullable(),
  utc: z.string().nullable(),
});

export const AlarmSchema = z.object({ kind: z.string(), subject: z.string(), message: z.string(), at: epochMs });

export const HealthSchema = z.object({
  ts: epochMs,
  uptimeSeconds: z.number(),
  cpu: z.object({ loadPercent: z.number().nullable(), temperatureC: z.number().nullable() }),
  memory: z.object({ totalBytes: z.number(), usedBytes: z.number(), availableBytes: z.number() }),
  disk: z
    .object({
      path: z.string(),
      totalBytes: z.number(),
      freeBytes: z.number(),
      encrypted: z.boolean().nullable().optional().describe('the evidence directory sits on a dm-crypt (LUKS) device; null = cannot tell (1.1.0)'),
    })
    .nullable(),
  recording: z.object({
    minutesLeft: z.number().nullable().describe('free evidence space / recent bytes per second; null until measured'),
    bytesPerSecond: z.number().nullable(),
  }),
  channels: z.array(z.object({ id: z.string(), ok: z.boolean(), fps: z.number() })),
  outbox: z.object({
    depth: z.number().int(),
    bytes: z.number().int(),
    dropped: z.object({ telemetry: z.number().int(), normal: z.number().int() }),
  }),
  gps: GpsSchema.nullable(),
  clockOffsetMs: z.number().nullable().describe('system clock minus GPS time, ms; null without a GPS time'),
  alarms: z.array(AlarmSchema),
  offload: z
    .object({
      cases: z.number().int().describe('cases waiting to upload or uploading'),
      bytes: z.number().int().describe('bytes of them still to upload'),
      incidents: z.number().int(),
      oldestQueuedAt: epochMs.nullable(),
      awaitingConfirmation: z.number().int().describe('uploaded, not yet confirmed by the centre'),
      bytesPerSecond: z.number().describe('upload rate over the last minute'),
    })
    .optional()
    .describe('the upload queue, when offload is configured (docs/offload.md)'),
  live: z.object({ streams: z.number().int(), bytesSent: z.number() }).describe('live view: streams running, bytes sent since start (since contract 1.1)'),
});

export const InventorySchema = z.object({
  deviceId: z.string(),
  kind: z.enum(['vehicle', 'counter', 'body-worn', 'collector', 'server']).describe('vehicle-mounted, fixed-site counter, body-worn, data collection device, server (1.2.0 added the last three)'),
  model: z.string(),
  serial: z.string().nullable(),
  software: z.object({ casecam: z.string(), node: z.string(), contract: z.string() }),
  os: z.object({ platform: z.string(), release: z.string(), arch: z.string() }),
  storage: z
    .object({
      path: z.string(),
      totalBytes: z.number(),
      encrypted: z.boolean().nullable().optional().describe('the evidence directory sits on a dm-crypt (LUKS) device; null = cannot tell (1.1.0)'),
    })
    .nullable(),
  cameras: z.array(z.object({ id: z.string(), template: z.string(), fps: z.number() })),
  unit: z.string().nullable(),
  site: z.string().nullable(),
  provisionedAt: z.string().nullable(),
  // 1.2.0: what the fleet's equipment archive needs; optional so older devices still parse.
  plate: z.string().nullable().optional().describe('vehicle plate of a vehicle-mounted device (1.2.0)'),
  firmware: z.string().nullable().optional().describe('board firmware / OS image version (1.2.0)'),
  maintenance: z
    .object({
      lastServicedAt: z.string().nullable().describe('ISO date of the last regular maintenance'),
      dueAt: z.string().nullable().describe('ISO date the next maintenance is due'),
      replaceBy: z.string().nullable().describe('ISO date the device is due for replacement'),
    })
    .nullable()
    .optional()
    .describe('maintenance schedule (1.2.0)'),
  /** The device's Ed25519 evidence key, for `casecam registry accept` (1.1.0; optional so 1.0.0 devices still parse). */
  evidenceKey: z
    .object({
      fingerprint: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the SPKI DER, as `casecam keys show` prints it'),
      publicKeyPem: z.string().describe('SPKI PEM'),
    })
    .nullable()
    .optional(),
  ts: epochMs,
});

export const EventSchema = z
  .object({
    id: z.string().describe('<deviceId>-<seq>: unique per device, for de-duplication'),
    seq: z.number().int().nonnegative().describe('outbox sequence; increases in publishing order'),
    ts: epochMs,
    type: z.string().describe('case.opened, case.marker, case.closed, case.claimed, recording.gap, alarm.raised, alarm.cleared, storage.evicted, offload.queued, offload.progress, offload.uploaded, offload.confirmed, offload.failed, operator.action, selfcheck.completed, outbox.dropped, live.started, live.stopped, live.failed'),
    caseId: z.string().optional(),
  })
  .catchall(z.unknown());

// ---- commands -------------------------------------------------------------

export const RequestIdSchema = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const shortText = (max: number) => z.string().trim().min(1).max(max);
const base = { requestId: RequestIdSchema };
const officer = { officerId: shortText(64).optional() };

export const CommandSchema = z.discriminatedUnion('action', [
  z.object({ ...base, action: z.literal('application.accepted'), caseId: CaseIdSchema.optional(), ...officer }).strict(),
  z.object({ ...base, action: z.literal('investigation.started'), caseId: CaseIdSchema.optional(), ...officer }).strict(),
  z
    .object({
      ...base,
      action: z.literal('documents.served'),
      caseId: CaseIdSchema.optional(),
      documents: z.array(shortText(128)).max(64).optional(),
      by: shortText(64).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      action: z.literal('marker'),
      caseId: CaseIdSchema.optional(),
      type: z.string().regex(/^[a-z][a-z0-9._-]{0,31}$/, 'a marker type such as "inquiry"'),
      note: shortText(1024).optional(),
      by: shortText(64).optional(),
    })
    .strict(),
  z
    .object({ ...base, action: z.literal('record.stop'), caseId: CaseIdSchema.optional(), reason: shortText(1024), by: shortText(64).optional() })
    .strict(),
  z
    .object({
      ...base,
      action: z.literal('alarm'),
      kind: z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/, 'an alarm kind such as "violent-resistance"'),
      message: shortText(1024).optional(),
      clear: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      action: z.literal('claim'),
      caseId: CaseIdSchema,
      from: epochMs,
      to: epochMs,
      reason: shortText(1024).optional(),
    })
    .strict(),
  z.object({ ...base, action: z.literal('state.get') }).strict(),
  z.object({ ...base, action: z.literal('selfcheck') }).strict(),
  z
    .object({
      ...base,
      action: z.literal('incident'),
      kind: z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/, 'an incident kind such as "violent-resistance" or "emergency"'),
      caseId: CaseIdSchema.optional(),
      note: shortText(1024).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      action: z.literal('footage.upload'),
      channel: z.string().min(1).max(32).optional().describe('a channel ID to report on; the case files every channel of the interval'),
      from: epochMs,
      to: epochMs,
      reason: shortText(1024),
    })
    .strict(),
  z
    .object({
      ...base,
      action: z.literal('offload.confirm'),
      caseId: CaseIdSchema,
      receipt: z.string().min(1).max(1024).optional().describe('key of receipt.json in the bucket'),
      files: z
        .array(z.object({ file: z.string().min(1).max(256), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256, 64 lower-case hex digits') }).strict())
        .min(1)
        .max(100)
        .describe('verified files (bundle paths) and their SHA-256; a large case is confirmed in several commands'),
    })
    .strict(),
  z
    .object({
      ...base,
      action: z.literal('offload.reject'),
      caseId: CaseIdSchema,
      problems: z.array(z.object({ file: z.string().min(1).max(256).optional(), reason: shortText(1024) }).strict()).min(1).max(50),
    })
    .strict(),
  z
    .object({
      ...base,
      action: z.literal('live.start'),
      channel: z.string().max(64).optional().describe('one channel; default: live.channels (or all)'),
      url: z.string().max(2048).optional().describe('srt://host:port or rtmp://host[:port]/app/stream; default: live.url'),
      durationSeconds: z.number().int().min(1).max(86_400).optional().describe('default live.defaultDurationSeconds, at most live.maxDurationSeconds'),
    })
    .strict(),
  z.object({ ...base, action: z.literal('live.stop'), channel: z.string().max(64).optional() }).strict(),
]);
export type Command = z.infer<typeof CommandSchema>;
export type CommandAction = Command['action'];
export const COMMAND_ACTIONS = CommandSchema.options.map((o) => o.shape.action.value);

export const ReplyErrorCodeSchema = z.enum([
  'bad-json',
  'bad-utf8',
  'too-large',
  'unknown-action',
  'invalid-field',
  'bad-case-id',
  'no-open-case',
  'case-not-found',
  'reason-required',
  'bad-request',
  'not-available',
  'internal',
]);
export type ReplyErrorCode = z.infer<typeof ReplyErrorCodeSchema>;

export const ReplySchema = z.object({
  requestId: z.string().nullable().describe('null when the command was too broken to carry one'),
  ok: z.boolean(),
  action: z.string().nullable(),
  result: z.unknown().optional(),
  error: z.object({ code: ReplyErrorCodeSchema, message: z.string() }).optional(),
  repeated: z.boolean().optional().describe('true when this requestId was seen before: the first reply again, nothing re-executed'),
  ts: epochMs,
});
export type Reply = z.infer<typeof ReplySchema>;

/** Topic (below casecam/<deviceId>/) → its payload schema, retain flag and QoS. */
export const TOPICS = {
  status: { schema: StatusSchema, retained: true, qos: 1, direction: 'device→fleet', json: false },
  state: { schema: StateSchema, retained: true, qos: 1, direction: 'device→fleet', json: true },
  health: { schema: HealthSchema, retained: false, qos: 1, direction: 'device→fleet', json: true },
  inventory: { schema: InventorySchema, retained: true, qos: 1, direction: 'device→fleet', json: true },
  events: { schema: EventSchema, retained: false, qos: 1, direction: 'device→fleet', json: true },
  cmd: { schema: CommandSchema, retained: false, qos: 1, direction: 'fleet→device', json: true },
  'cmd/reply': { schema: ReplySchema, retained: false, qos: 1, direction: 'device→fleet', json: true },
  selfcheck: { schema: SelfCheckSchema, retained: true, qos: 1, direction: 'device→fleet', json: true },
} as const;
export type TopicName = keyof typeof TOPICS;
