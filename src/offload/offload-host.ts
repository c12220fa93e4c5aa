/** What the offload subsystem needs of the service: the evidence store, its key and paths, and the offload mark. */
import type { Store } from '../store/store.js';
import type { Journal } from '../evidence/journal.js';
import type { DeviceKey } from '../evidence/device-key.js';
import type { OffloadMark } from '../evidence/offload.js';

export interface OffloadHost {
  store: Store;
  journal: Journal;
  deviceKey: DeviceKey;
  paths: { dataDir: string; evidenceDir: string };
  markOffloaded(segmentIds: string[], mark: OffloadMark): Promise<{ marked: string[] }>;
}
