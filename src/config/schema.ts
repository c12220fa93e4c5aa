/**
 * The configuration file's one schema. Every key has one declared type and default;
 * types elsewhere come from z.infer. Sections owned by later subsystems (mqtt, gpio,
 * serial) are declared loosely here and tightened by their owners.
 */
import { z } from 'zod';
import { MqttConfigSchema } from '../uplink/uplink-config.js';
import { GpioConfigSchema, SerialConfigSchema } from '../hw/hw-config.js';
import { DeviceHealthConfigSchema, MediaHealthConfigSchema, SelfCheckConfigSchema } from '../quality/media-health-config.js';

export const ChannelIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and "-", at most 32, e.g. "cam1"');

export const ChannelSchema = z.object({
  id: ChannelIdSchema,
  /** Name of a template in pipelines/ (without the .pipeline suffix). */
  template: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a template name from pipelines/, e.g. "test-av"'),
  /** Values for the template's ${placeholders}; they override its defaults. */
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  /** Nominal frame rate, reported in state until measured otherwise. */
  fps: z.number().int().min(1).max(120).default(25),
});

export const RecordingSchema = z.object({
  preRecordSeconds: z.number().int().min(0).max(120).default(30),
  postRecordSeconds: z.number().int().min(0).max(600).default(5),
  segmentSeconds: z.number().min(1).max(10).default(2),
  /**
   * splitmuxsink holds back one GOP to cut segments at keyframes, so a crash can lose
   * up to one GOP plus encoder latency: 0.5 s keeps that under the 1 s the agency allows.
   */
  gopSeconds: z.number().min(0.2).max(5).default(0.5),
});

export const PathsSchema = z.object({
  dataDir: z.string().min(1).default('/var/lib/casecam'),
  /** Ring of continuous segments; tmpfs on a device. Default: <dataDir>/ring. */
  ringDir: z.string().min(1).optional(),
  /** Sealed evidence. Default: <dataDir>/evidence. */
  evidenceDir: z.string().min(1).optional(),
  /** Background footage kept for record-after-the-fact claims (on disk). Default: <dataDir>/background. */
  backgroundDir: z.string().min(1).optional(),
  /** The device's Ed25519 key pair (device.key, device.pub.pem). Default: <dataDir>/keys. */
  keyDir: z.string().min(1).optional(),
});

/** Storage budget and retention (docs/evidence.md). */
export const StorageSchema = z.object({
  /** Bytes casecam may use for evidence, background and ring; default: the whole file system. */
  budgetBytes: z.number().int().positive().optional(),
  /** `storage.low` is raised below this much free space, after evicting what may be evicted. */
  lowFreePercent: z.number().min(0).max(90).default(20),
  /** `storage.full` below this many free bytes: the ring shrinks so recording goes on. */
  reserveBytes: z.number().int().nonnegative().default(256 * 1024 * 1024),
  /** Unclaimed footage kept beyond the pre-record window, for claims after the fact. 0 = off. */
  backgroundBytes: z.number().int().nonnegative().default(0),
  /** How often retention runs (ring ageing, budget, alarms). */
  checkSeconds: z.number().min(0.2).max(600).default(2),
});

export const SupervisorSchema = z.object({
  restartInitialMs: z.number().int().min(10).max(60_000).default(200),
  restartMaxMs: z.number().int().min(100).max(300_000).default(10_000),
  /** A worker that produced no segment event for this long is considered stalled. */
  stallSeconds: z.number().min(2).max(600).default(10),
});

export const ConfigSchema = z.object({
  deviceId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_", "-", at most 64'),
  kind: z.enum(['vehicle', 'counter']),
  model: z.string().default('casecam-generic'),
  site: z.string().max(128).optional(),
  unit: z.string().max(128).optional(),
  /** Officer signed in on this device; cases record it unless a trigger names another. */
  officerId: z.string().max(64).optional(),
  channels: z.array(ChannelSchema).min(1).max(8),
  recording: RecordingSchema.default(RecordingSchema.parse({})),
  paths: PathsSchema.default(PathsSchema.parse({})),
  supervisor: SupervisorSchema.default(SupervisorSchema.parse({})),
  storage: StorageSchema.default(StorageSchema.parse({})),
  /** Media alarms: covered, frozen or dark camera, silent or clipping microphone (docs/quality.md). */
  mediaHealth: MediaHealthConfigSchema.default(MediaHealthConfigSchema.parse({})),
  /** Start-of-duty self-check (docs/quality.md). */
  selfcheck: SelfCheckConfigSchema.default(SelfCheckConfigSchema.parse({})),
  /** Device alarms: temperature, encoder behind real time (docs/quality.md). */
  deviceHealth: DeviceHealthConfigSchema.default(DeviceHealthConfigSchema.parse({})),
  mqtt: MqttConfigSchema.optional(),
  /** Counter button, recording lamp, buzzer (docs/hardware.md). */
  gpio: GpioConfigSchema.optional(),
  /** Serial GPS and barcode scanner (docs/hardware.md). */
  serial: SerialConfigSchema.optional(),
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
