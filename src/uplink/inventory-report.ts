/** The `inventory` payload: the equipment archive entry for this device, sent retained on every connect. */
import os from 'node:os';
import { readFile } from 'node:fs/promises';
import si from 'systeminformation';
import type { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import { diskFigures } from './recording-rate.js';
import { atRest } from '../evidence/at-rest.js';
import { CONTRACT_VERSION, type InventorySchema } from './payloads.js';

export type Inventory = z.infer<typeof InventorySchema>;

async function softwareVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function inventoryReport(
  config: Config,
  evidenceDir: string,
  clock: Clock,
  provisionedAt?: string,
  evidenceKey?: { fingerprint: string; publicPem: string },
): Promise<Inventory> {
  const [version, system, disk, rest] = await Promise.all([
    softwareVersion(),
    si.system().catch(() => undefined),
    diskFigures(evidenceDir),
    atRest(evidenceDir),
  ]);
  const serial = system?.serial && system.serial !== '-' ? system.serial : null;
  return {
    deviceId: config.deviceId,
    kind: config.kind,
    model: config.model,
    serial,
    software: { casecam: version, node: process.version, contract: CONTRACT_VERSION },
    os: { platform: os.platform(), release: os.release(), arch: os.arch() },
    storage: disk ? { path: disk.path, totalBytes: disk.totalBytes, encrypted: rest.encrypted } : null,
    cameras: config.channels.map((c) => ({ id: c.id, template: c.template, fps: c.fps })),
    unit: config.unit ?? null,
    site: config.site ?? null,
    provisionedAt: provisionedAt ?? null,
    evidenceKey: evidenceKey ? { fingerprint: evidenceKey.fingerprint, publicKeyPem: evidenceKey.publicPem } : null,
    ts: clock.now(),
  };
}
