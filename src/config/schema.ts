/**
 * The configuration file's one schema. Every key has one declared type and default,
 * applied when the file is loaded (sections too: `prefault({})` runs a missing section
 * through its schema, so `config.gpio.debounceMs` is always there); types elsewhere
 * come from z.infer. Objects are strict: an unknown key is refused, never dropped
 * (load.ts names the closest known key). The `mqtt`, `gpio` and `serial` sections are
 * in their own files (uplink-schema.ts, hw-schema.ts).
 */
import { z } from 'zod';
import { MqttConfigSchema } from './uplink-schema.js';
import { GpioConfigSchema, SerialConfigSchema } from './hw-schema.js';
import { OffloadConfigSchema } from './offload-schema.js';
import { DeviceHealthConfigSchema, MediaHealthConfigSchema, SelfCheckConfigSchema } from './quality-schema.js';
import { ChannelIdSchema } from './channel-id.js';
import { LiveSchema } from './live-schema.js';

export { ChannelIdSchema };

export const ChannelSchema = z.strictObject({
  id: ChannelIdSchema,
  template: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'a template name from pipelines/, e.g. "test-av"')
    .meta({ docType: 'name in `pipelines/`', description: 'pipeline template (without the `.pipeline` suffix)' }),
  params: z
    .record(z.string(), z.union([z.string(), z.number()]))
    .default({})
    .meta({ description: "values for the template's `${params}`; they override its defaults (checked by GStreamer at start)" }),
  fps: z.number().int().min(1).max(120).default(25).meta({ description: 'nominal frame rate, reported in state until measured otherwise' }),
});

export const RecordingSchema = z.strictObject({
  preRecordSeconds: z.number().int().min(0).max(120).default(30).meta({ description: 'pre-event buffer claimed by a new case' }),
  postRecordSeconds: z.number().int().min(0).max(600).default(5).meta({ description: 'recorded after the closing trigger' }),
  segmentSeconds: z.number().min(1).max(10).default(2).meta({ description: 'segment length' }),
  /**
   * splitmuxsink holds back one GOP to cut segments at keyframes, so a crash can lose
   * up to one GOP plus encoder latency: 0.5 s keeps that under the 1 s the agency allows.
   */
  gopSeconds: z.number().min(0.2).max(5).default(0.5).meta({ description: 'keyframe interval (bounds the media lost on a crash)' }),
});

/**
 * The ring path goes into the pipeline quoted (`location="…"`): white space is fine,
 * a quote, backslash or control character would end or escape the quoting.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const PipelinePathSchema = z.string().min(1).regex(/^[^"\\\u0000-\u001f\u007f]+$/, 'a path without quotes, backslashes or control characters').meta({ docType: 'path' });
const PathSchema = z.string().min(1).meta({ docType: 'path' });

export const PathsSchema = z.strictObject({
  dataDir: PipelinePathSchema.default('/var/lib/casecam').meta({ description: 'database (`db/`), default ring and evidence' }),
  ringDir: PipelinePathSchema.optional().meta({ docDefault: '`<dataDir>/ring`', description: 'ring of segments; tmpfs on a device' }),
  evidenceDir: PathSchema.optional().meta({ docDefault: '`<dataDir>/evidence`', description: 'sealed evidence' }),
  backgroundDir: PathSchema.optional().meta({ docDefault: '`<dataDir>/background`', description: 'background footage kept for claims after the fact (on disk)' }),
  keyDir: PathSchema.optional().meta({ docDefault: '`<dataDir>/keys`', description: "the device's Ed25519 key pair (`device.key` 0600, `device.pub.pem`); a `device.key` others can read stops the start" }),
});

/** Storage budget and retention (docs/evidence.md). */
export const StorageSchema = z.strictObject({
  budgetBytes: z.number().int().positive().optional().meta({ docType: 'bytes', docDefault: 'the file system', description: 'what evidence, ring and background may use together' }),
  lowFreePercent: z.number().min(0).max(90).default(20).meta({ description: 'below this free, retention evicts what it may; still below: `storage.low` alarm' }),
  reserveBytes: z.number().int().nonnegative().default(256 * 1024 * 1024).meta({ docType: 'bytes', description: 'below this free: `storage.full` alarm, the ring shrinks so recording goes on' }),
  backgroundBytes: z.number().int().nonnegative().default(0).meta({ docType: 'bytes', description: 'unclaimed footage kept on disk for `claim` (record-after-the-fact); 0 = off' }),
  checkSeconds: z.number().min(0.2).max(600).default(2).meta({ description: 'how often retention runs (ring ageing, budget, alarms)' }),
});

export const SupervisorSchema = z.strictObject({
  restartInitialMs: z.number().int().min(10).max(60_000).default(200).meta({ description: 'first restart delay of a failed media worker' }),
  restartMaxMs: z.number().int().min(100).max(300_000).default(10_000).meta({ description: 'restart delay cap' }),
  stallSeconds: z.number().min(2).max(600).default(10).meta({ description: 'a worker with no segment for this long is restarted' }),
  channelsPerWorker: z
    .number()
    .int()
    .min(1)
    .max(8)
    .default(1)
    .meta({
      description:
        'channels whose pipelines share one media worker process: 1 isolates every channel; more: each channel after the first adds about 30 MB RSS instead of a 130 MB process, but a crash of that process stops all its channels until it restarts ([architecture.md](architecture.md))',
    }),
});

export const ConfigSchema = z.strictObject({
  deviceId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_", "-", at most 64')
    .meta({ docType: 'letters, digits, `._-`, ≤ 64', description: "the device's ID (MQTT topic root, OSD)" }),
  kind: z.enum(['vehicle', 'counter']).meta({ description: 'patrol vehicle or permit/service counter' }),
  model: z.string().default('casecam-generic').meta({ description: 'inventory: the device model' }),
  site: z.string().max(128).optional().meta({ description: 'inventory and case file: where the device is' }),
  unit: z.string().max(128).optional().meta({ description: 'inventory and case file: the unit it belongs to' }),
  officerId: z.string().max(64).optional().meta({ description: 'officer signed in on this device; cases record it unless a trigger names another' }),
  channels: z.array(ChannelSchema).min(1).max(8).meta({ description: 'camera channels' }),
  recording: RecordingSchema.prefault({}).meta({ description: 'what a case claims around its triggers, and how segments are cut' }),
  paths: PathsSchema.prefault({}).meta({ description: 'where data lives; relative paths are relative to the config file' }),
  supervisor: SupervisorSchema.prefault({}).meta({ description: 'media worker restarts' }),
  storage: StorageSchema.prefault({}).meta({ description: 'storage budget and retention ([evidence.md](evidence.md))' }),
  mediaHealth: MediaHealthConfigSchema.prefault({}).meta({ description: 'media alarms: covered, dark or frozen camera, silent or clipping microphone ([quality.md](quality.md))' }),
  selfcheck: SelfCheckConfigSchema.prefault({}).meta({ description: 'the start-of-duty self-check ([quality.md](quality.md))' }),
  deviceHealth: DeviceHealthConfigSchema.prefault({}).meta({ description: 'device alarms: temperature, encoder behind real time ([quality.md](quality.md))' }),
  mqtt: MqttConfigSchema.prefault({}).meta({ description: 'the uplink ([mqtt.md](mqtt.md))' }),
  gpio: GpioConfigSchema.prefault({}).meta({ description: 'counter button, recording lamp, buzzer ([hardware.md](hardware.md))' }),
  serial: SerialConfigSchema.prefault({}).meta({ description: 'serial GPS and barcode scanner ([hardware.md](hardware.md))' }),
  offload: OffloadConfigSchema.optional().meta({ description: 'upload of closed cases to an S3-compatible bucket ([offload.md](offload.md)); absent: no upload' }),
  live: LiveSchema.prefault({}).meta({ description: 'remote live view on incidents ([live.md](live.md))' }),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ChannelConfig = z.infer<typeof ChannelSchema>;
export type StorageConfig = z.infer<typeof StorageSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export interface ResolvedPaths {
  dataDir: string;
  ringDir: string;
  evidenceDir: string;
  backgroundDir: string;
  keyDir: string;
  dbDir: string;
}
