/** A real recorder (one 160×120 test-source channel, temp data dir) with the MQTT uplink wired to `brokerUrl`. */
import { rm } from 'node:fs/promises';
import { buildService, type Service } from '../../src/service/build-service.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/logger.js';
import { tempDir, testConfig } from './test-config.js';
import type { Uplink } from '../../src/uplink/uplink.js';
import type { MqttConfig } from '../../src/uplink/uplink-config.js';

export interface TestDevice {
  app: Service;
  uplink: Uplink;
  dataDir: string;
  dispose(): Promise<void>;
}

export async function startDevice(opts: {
  brokerUrl: string;
  deviceId?: string;
  mqtt?: Partial<MqttConfig>;
  dataDir?: string;
}): Promise<TestDevice> {
  const dataDir = opts.dataDir ?? (await tempDir('uplink-'));
  const small = testConfig(dataDir, { deviceId: opts.deviceId ?? 'TEST-01', preRecordSeconds: 2, postRecordSeconds: 0 });
  const config = parseConfig({
    ...small,
    recording: { ...small.recording, segmentSeconds: 1 },
    mqtt: { reconnectInitialMs: 100, reconnectMaxMs: 1000, keepaliveSeconds: 5, healthSeconds: 60, ...opts.mqtt },
  });
  const app = await buildService(config, { log: silentLogger(), uplink: { brokerUrl: opts.brokerUrl } });
  const uplink = app.uplink!;
  await app.start();
  return {
    app,
    uplink,
    dataDir,
    async dispose() {
      await app.stop();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
