/** A device with the uplink and the uploader, and the centre's archive, for the offload tests. */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { buildService, type Service } from '../../src/service/build-service.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import type { OffloadService } from '../../src/offload/offload-service.js';
import type { OffloadConfig } from '../../src/config/offload-schema.js';
import { loadOrCreateDeviceKey } from '../../src/evidence/device-key.js';
import { ArchiveService } from '../../src/archive/archive-service.js';
import { keysDirPin, type KeyPin } from '../../src/archive/key-pin.js';
import { testConfig } from '../helpers/test-config.js';
import type { S3Server } from '../helpers/s3-server.js';
import type { StorageConfig } from '../../src/config/schema.js';

export interface Device {
  app: Service;
  offload: OffloadService;
}

export async function startDevice(o: { dataDir: string; brokerUrl: string; deviceId: string; offload: OffloadConfig; storage?: Partial<StorageConfig> }): Promise<Device> {
  const small = testConfig(o.dataDir, { deviceId: o.deviceId, segmentSeconds: 1, preRecordSeconds: 1, postRecordSeconds: 0, storage: o.storage });
  const config = parseConfig({ ...small, unit: 'Patrol 3', offload: o.offload, mqtt: { reconnectInitialMs: 100, reconnectMaxMs: 1000, keepaliveSeconds: 5, healthSeconds: 60 } });
  const app = await buildService(config, { log: silentLogger(), uplink: { brokerUrl: o.brokerUrl } });
  await app.start();
  return { app, offload: app.offload! };
}

/** Copies the device's key into a --keys directory (or takes the pin given, e.g. a registry's) and starts an archive. */
export async function startArchive(o: { root: string; device: Device; s3: S3Server; brokerUrl: string; group?: string; clientId?: string; pin?: KeyPin }): Promise<ArchiveService> {
  const keysDir = path.join(o.root, 'keys');
  await mkdir(keysDir, { recursive: true });
  const { app } = o.device;
  await copyFile(path.join(app.paths.keyDir, 'device.pub.pem'), path.join(keysDir, `${app.config.deviceId}.pub.pem`));
  const archive = new ArchiveService({
    brokerUrl: o.brokerUrl,
    topicRoot: 'casecam',
    group: o.group ?? 'archive',
    clientId: o.clientId,
    s3: await o.s3.client(),
    bucket: o.s3.bucket,
    pin: o.pin ?? keysDirPin(keysDir),
    key: await loadOrCreateDeviceKey(path.join(o.root, 'archive-key')),
    log: silentLogger(),
  });
  await archive.start();
  return archive;
}
