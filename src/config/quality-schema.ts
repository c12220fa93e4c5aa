/**
 * The `mediaHealth`, `selfcheck` and `deviceHealth` config sections (docs/quality.md).
 * Luma figures are 0–255 on the probe's 32×24 grey thumbnail; audio figures are dBFS.
 * The media defaults raise nothing on the test sources (smpte, the ball on black, a sine
 * tone) and name a real fault within seconds.
 */
import { z } from 'zod';

const hold = (seconds: number, alarm: string) => z.number().min(0).max(3600).default(seconds).meta({ description: `seconds the condition must hold before \`${alarm}\` is raised` });

export const MediaHealthConfigSchema = z.strictObject({
  enabled: z.boolean().default(true).meta({ description: 'judge the workers’ health samples and raise media alarms' }),
  clearSeconds: z.number().min(0).max(600).default(3).meta({ description: 'a raised media alarm clears after its good condition held this long' }),
  darkMaxMean: z.number().min(0).max(255).default(12).meta({ description: '`camera.dark`: mean luma (0–255) below this (the ball pattern, a white ball on black, averages about 29)' }),
  darkHoldSeconds: hold(5, 'camera.dark'),
  blockedMaxStdDev: z.number().min(0).max(128).default(5).meta({ description: '`camera.blocked` (lens covered): luma standard deviation below this' }),
  blockedHoldSeconds: hold(5, 'camera.blocked'),
  frozenMaxChange: z.number().min(0).max(255).default(0.2).meta({ description: '`camera.frozen`: mean absolute change between thumbnails below this (a stuck frame gives 0)' }),
  frozenHoldSeconds: hold(10, 'camera.frozen'),
  silentMaxRmsDb: z.number().min(-200).max(0).default(-60).meta({ description: '`audio.silent`: RMS (dBFS) below this' }),
  silentHoldSeconds: hold(10, 'audio.silent'),
  clippingMinPeakDb: z.number().min(-20).max(0).default(-0.1).meta({ description: '`audio.clipping`: peak (dBFS) at or above this' }),
  clippingHoldSeconds: hold(3, 'audio.clipping'),
});
export type MediaHealthConfig = z.infer<typeof MediaHealthConfigSchema>;

export const SelfCheckConfigSchema = z.strictObject({
  atStart: z.boolean().default(true).meta({ description: 'run the self-check each time the service starts' }),
  windowSeconds: z.number().min(1).max(120).default(5).meta({ description: 'how long it watches the channels deliver frames and sound' }),
  startGraceSeconds: z.number().min(0).max(600).default(20).meta({ description: 'how long it waits for the channels to come up before watching' }),
  minHoursLeft: z.number().min(0).max(10_000).default(2).meta({ description: 'fewer hours of recording left than this fails the storage item' }),
});
export type SelfCheckConfig = z.infer<typeof SelfCheckConfigSchema>;

export const DeviceHealthConfigSchema = z.strictObject({
  temperatureMaxC: z.number().min(30).max(150).default(85).meta({ description: '`device.temperature` above this (°C, CPU/board sensor); cleared 5 °C below' }),
  temperatureCheckSeconds: z.number().min(1).max(3600).default(30).meta({ description: 'how often the temperature is read' }),
  encoderMaxLagSeconds: z.number().min(1).max(120).default(8).meta({ description: '`encoder.behind`: a segment closed this long after its media ends, twice running' }),
});
export type DeviceHealthConfig = z.infer<typeof DeviceHealthConfigSchema>;
