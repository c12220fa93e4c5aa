/**
 * The `mediaHealth` config section: thresholds and hold times of the media alarms
 * (docs/quality.md). Luma figures are 0–255 on the probe's 32×24 grey thumbnail; audio
 * figures are dBFS. The defaults are chosen so that the test sources (smpte, ball,
 * checkers, a sine tone) raise nothing, and so that a real fault is named within seconds.
 */
import { z } from 'zod';

const hold = (seconds: number) => z.number().min(0).max(3600).default(seconds);

export const MediaHealthConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** A raised alarm clears after its good condition held this long (hysteresis in time). */
  clearSeconds: z.number().min(0).max(600).default(3),
  /** `camera.dark`: mean luma below this (the ball pattern, a white ball on black, averages about 29). */
  darkMaxMean: z.number().min(0).max(255).default(12),
  darkHoldSeconds: hold(5),
  /** `camera.blocked` (covered lens): luma standard deviation below this. */
  blockedMaxStdDev: z.number().min(0).max(128).default(5),
  blockedHoldSeconds: hold(5),
  /** `camera.frozen`: mean absolute change between thumbnails below this; a stuck frame gives 0. */
  frozenMaxChange: z.number().min(0).max(255).default(0.2),
  frozenHoldSeconds: hold(10),
  /** `audio.silent`: RMS below this. */
  silentMaxRmsDb: z.number().min(-200).max(0).default(-60),
  silentHoldSeconds: hold(10),
  /** `audio.clipping`: peak at or above this (full scale is 0 dBFS). */
  clippingMinPeakDb: z.number().min(-20).max(0).default(-0.1),
  clippingHoldSeconds: hold(3),
});
export type MediaHealthConfig = z.infer<typeof MediaHealthConfigSchema>;

/** The `selfcheck` config section: the start-of-duty self-check (docs/quality.md). */
export const SelfCheckConfigSchema = z.object({
  /** Run it each time the service starts. */
  atStart: z.boolean().default(true),
  /** How long it watches the channels deliver frames and sound. */
  windowSeconds: z.number().min(1).max(120).default(5),
  /** How long it waits for the channels to come up before watching. */
  startGraceSeconds: z.number().min(0).max(600).default(20),
  /** Fewer hours of recording left than this fails the storage item. */
  minHoursLeft: z.number().min(0).max(10_000).default(2),
});
export type SelfCheckConfig = z.infer<typeof SelfCheckConfigSchema>;

/** The `deviceHealth` config section: device alarms beyond the media (docs/quality.md). */
export const DeviceHealthConfigSchema = z.object({
  /** `device.temperature` above this (°C, the CPU/board sensor); cleared 5 °C below. */
  temperatureMaxC: z.number().min(30).max(150).default(85),
  temperatureCheckSeconds: z.number().min(1).max(3600).default(30),
  /** `encoder.behind`: a segment closed this long after the end of its media, twice running. */
  encoderMaxLagSeconds: z.number().min(1).max(120).default(8),
});
export type DeviceHealthConfig = z.infer<typeof DeviceHealthConfigSchema>;
