/**
 * Opens the evidence side of the service, in the order its invariants need: directories,
 * the store (LevelDB), the journal, the device key, the start entries, then the recovery
 * scan that reconciles disk and index before any worker writes a segment. Everything
 * returned is open; `close()` journals the stop, marks it clean and closes the store.
 *
 * If any step fails, the store is closed again before the error is thrown, so a failed
 * start never leaves the database locked.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Config, ResolvedPaths } from '../config/schema.js';
import { Store } from '../store/store.js';
import { Ring } from '../media/ring.js';
import { Sealer } from '../recording/sealer.js';
import { recover, type RecoveryReport } from '../recording/recovery.js';
import { prepareDataDirs } from '../recording/data-dirs.js';
import { bounded } from '../core/bounded.js';
import { Journal } from '../evidence/journal.js';
import { JournalWriter } from '../evidence/journal-writer.js';
import { loadOrCreateDeviceKey, type DeviceKey } from '../evidence/device-key.js';
import { journalRecovery, journalStart } from '../evidence/startup-entries.js';
import type { Lifecycle } from '../core/lifecycle.js';

export interface EvidenceCore {
  store: Store;
  journal: Journal;
  deviceKey: DeviceKey;
  sealer: Sealer;
  ring: Ring;
  recovery: RecoveryReport;
  /** The store phase of the service: the journal writer, then the store itself (stopped last). */
  lifecycles: Lifecycle[];
}

export async function openEvidence(deps: { config: Config; paths: ResolvedPaths; bus: Bus; clock: Clock; log: Logger }): Promise<EvidenceCore> {
  const { config, paths, bus, clock, log } = deps;
  const narrowed = await prepareDataDirs(paths, { background: config.storage.backgroundBytes > 0 });
  const store = await bounded(Store.open(paths.dbDir, log), 'opening the database');
  try {
    const journal = await Journal.open(store, clock, log);
    const deviceKey = await bounded(loadOrCreateDeviceKey(paths.keyDir), 'loading the device key');
    await journalStart({ store, journal, config, key: deviceKey, narrowed });
    const sealer = new Sealer(store, paths.evidenceDir, clock, journal);
    const ring = new Ring(store, log);
    const recovery = await recover({
      store,
      sealer,
      ringDir: paths.ringDir,
      backgroundDir: paths.backgroundDir,
      evidenceDir: paths.evidenceDir,
      segmentSeconds: config.recording.segmentSeconds,
      channels: config.channels.map((c) => c.id),
      log,
    });
    await journalRecovery(journal, recovery);
    await ring.load();

    const writer = new JournalWriter({ bus, journal, log });
    const storeLifecycle: Lifecycle = {
      name: 'evidence-store',
      phase: 'store',
      opened: true,
      start: () => undefined,
      stop: async () => {
        await journal.append('service.stopped', { deviceId: config.deviceId });
        await store.setMeta({ cleanShutdown: true, lastStopAt: clock.now() });
        await store.close();
        log.info('evidence store closed');
      },
    };
    const writerLifecycle: Lifecycle = {
      name: 'journal-writer',
      phase: 'store',
      start: () => {
        writer.start();
        // Raised once the writer listens, so the alarm is journaled like any other.
        if (journal.openProblems.length) {
          bus.emit('alarm.raised', { kind: 'journal.damaged', subject: 'journal', message: journal.openProblems.join('; '), at: clock.now() });
        }
      },
      stop: () => writer.stop(),
    };
    return { store, journal, deviceKey, sealer, ring, recovery, lifecycles: [storeLifecycle, writerLifecycle] };
  } catch (err) {
    await store.close().catch((closeErr: unknown) => log.error({ err: closeErr }, 'cannot close the store after a failed start'));
    throw err;
  }
}
