/**
 * Real case sessions (real LevelDB, ring and sealer) without camera pipelines: the
 * trigger tests need the case rules, not media. Post-record 0 s so a close settles
 * at the deadline without segments.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Bus } from '../../../src/core/bus.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Store } from '../../../src/store/store.js';
import { Ring } from '../../../src/media/ring.js';
import { Sealer } from '../../../src/recording/sealer.js';
import { CaseSessions } from '../../../src/recording/case-sessions.js';
import { Journal } from '../../../src/evidence/journal.js';

export async function realSessions() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'casecam-sessions-'));
  const log = silentLogger();
  const store = await Store.open(path.join(dir, 'db'), log);
  const bus = new Bus(log);
  const ring = new Ring(store, log);
  const journal = await Journal.open(store, systemClock, log);
  const sessions = new CaseSessions({
    store,
    ring,
    sealer: new Sealer(store, path.join(dir, 'evidence'), systemClock, journal),
    journal,
    bus,
    clock: systemClock,
    log,
    deviceId: 'TEST-01',
    kind: 'counter',
    channels: ['cam1'],
    preRecordSeconds: 0,
    postRecordSeconds: 0,
    segmentSeconds: 1,
  });
  await sessions.start();
  return {
    store,
    bus,
    sessions,
    log,
    close: async () => {
      await sessions.stop();
      await store.close();
    },
  };
}
