/**
 * What the journal records when the service starts and stops: a damaged journal end,
 * store migrations, the device key made or changed, a configuration that differs from
 * the last start's, the start itself (clean or not), and what recovery found.
 *
 * Invariant: the journal never holds a secret. The config is journaled (and hashed)
 * with its secrets replaced by fingerprints keyed with the device key (config/secrets.ts).
 */

/** Ed25519 signatures are deterministic: a signature over a fixed label is a stable key only this device holds. */
const FINGERPRINT_LABEL = Buffer.from('casecam config secret fingerprint/1', 'utf8');
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { RecoveryReport } from '../recording/recovery.js';
import { redactConfig, secretFingerprinter } from '../config/secrets.js';
import { signBytes, type DeviceKey } from './device-key.js';
import type { NarrowedDir } from '../recording/data-dirs.js';
import type { Journal } from './journal.js';
import { canonicalJson, sha256Hex } from './journal-hash.js';

export async function journalStart(deps: { store: Store; journal: Journal; config: Config; key: DeviceKey; narrowed?: NarrowedDir[] }): Promise<void> {
  const { store, journal, config, key } = deps;
  const meta = await store.getMeta();
  if (journal.openProblems.length) await journal.append('journal.damaged', { problems: journal.openProblems });
  for (const m of store.migrations) await journal.append('store.migrated', { ...m });
  if (key.created) await journal.append('device.key.created', { fingerprint: key.fingerprint });
  else if (meta.keyFingerprint !== undefined && meta.keyFingerprint !== key.fingerprint) {
    await journal.append('device.key.changed', { previous: meta.keyFingerprint, fingerprint: key.fingerprint });
  }
  if (key.narrowedDirMode) await journal.append('device.key.mode.narrowed', { path: 'keyDir', was: key.narrowedDirMode, now: '0700' });
  for (const n of deps.narrowed ?? []) await journal.append('storage.mode.narrowed', { dir: n.dir, was: n.was, now: n.now });
  const recorded = redactConfig(config, secretFingerprinter(signBytes(key, FINGERPRINT_LABEL)));
  const configSha256 = sha256Hex(canonicalJson(recorded));
  if (meta.configSha256 !== configSha256) {
    await journal.append('config.changed', { sha256: configSha256, previous: meta.configSha256, config: { ...recorded } });
  }
  await journal.append('service.started', { deviceId: config.deviceId, cleanShutdown: meta.cleanShutdown, lastStopAt: meta.lastStopAt });
  await store.setMeta({ deviceId: config.deviceId, configSha256, keyFingerprint: key.fingerprint });
}

/** Journal what recovery changed, when it changed anything. */
export async function journalRecovery(journal: Journal, r: RecoveryReport): Promise<void> {
  const changed = r.orphansIndexed.length + r.evictionsFinished.length + r.partialSegments.length + r.ringRowsDropped + r.ringFilesAdopted;
  if (!changed) return;
  await journal.append('recovery', {
    orphansIndexed: r.orphansIndexed,
    evictionsFinished: r.evictionsFinished,
    partialSegments: r.partialSegments,
    ringRowsDropped: r.ringRowsDropped,
    ringFilesAdopted: r.ringFilesAdopted,
  });
}
