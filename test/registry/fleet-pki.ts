/** A registry made through the library (as the CLI does), with devices provisioned into packages, for tests. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { initRegistry } from '../../src/registry/registry-init.js';
import { provisionDevice } from '../../src/registry/provision.js';
import { issueRole, type Role } from '../../src/registry/roles.js';
import { writeBrokerFiles } from '../../src/registry/broker-files.js';
import type { RegistryStore } from '../../src/registry/registry-store.js';
import { tempDir } from '../helpers/test-config.js';

export interface Tls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export interface Fleet {
  root: string;
  store: RegistryStore;
  /** Provision a device; its package directory. */
  provision(deviceId: string): Promise<string>;
  /** TLS options of a provisioned device's package. */
  deviceTls(deviceId: string): Promise<Tls>;
  roleTls(role: Role): Promise<Tls>;
  /** Broker files; the lines of casecam.conf without its listener line. */
  brokerLines(): Promise<string[]>;
}

export async function makeFleet(): Promise<Fleet> {
  const root = await tempDir('casecam-fleet-');
  const now = () => new Date();
  const store = await initRegistry(path.join(root, 'registry'), { name: '测试执法车队 CA', by: 'test depot', now: now(), days: 2 });
  const pkg = (id: string) => path.join(root, 'packages', id);
  return {
    root,
    store,
    async provision(deviceId) {
      await provisionDevice(store, { deviceId, kind: 'counter', unit: 'Test unit', site: 'Window 1', brokerUrl: 'mqtts://127.0.0.1:8883', outDir: pkg(deviceId), installDir: pkg(deviceId), days: 2, force: false, by: 'test depot', now: now() });
      return pkg(deviceId);
    },
    async deviceTls(deviceId) {
      const [ca, cert, key] = await Promise.all(['ca.pem', 'device.crt', 'device.key'].map((f) => readFile(path.join(pkg(deviceId), f))));
      return { ca: ca!, cert: cert!, key: key! };
    },
    async roleTls(role) {
      const { issued } = await issueRole(store, { role, holder: `test ${role}`, by: 'test depot', now: now(), days: 2 });
      return { ca: await readFile(store.caCert), cert: Buffer.from(issued.certPem), key: Buffer.from(issued.keyPem) };
    },
    async brokerLines() {
      const conf = await writeBrokerFiles(store, { hosts: ['127.0.0.1'], outDir: path.join(root, 'broker'), port: 8883, days: 2, now: now() });
      return (await readFile(conf, 'utf8')).split('\n').filter((l) => l.trim() && !l.startsWith('#') && !l.startsWith('listener '));
    },
  };
}
