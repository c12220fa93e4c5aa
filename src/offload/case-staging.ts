/**
 * Staging a closed case for upload: its bundle (exportBundle: segments copied and
 * checked against their sealed hashes, manifest signed, SHA256SUMS) is built under
 * `<dataDir>/offload/<sha256(caseId)>`, and every file in it becomes one object.
 * The staged bundle stays until the centre confirms, so a rejected file can be sent
 * again with the same manifest.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../evidence/journal-hash.js';
import { exportBundle } from '../export/bundle-export.js';
import type { Journal } from '../evidence/journal.js';
import type { DeviceKey } from '../evidence/device-key.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../core/clock.js';
import { sha256File } from '../core/durable-files.js';
import type { OffloadObject } from './offload-record.js';

export interface StagingDeps {
  store: Store;
  journal: Journal;
  key: DeviceKey;
  evidenceDir: string;
  stagingDir: string;
  clock: Clock;
}

export function stagedDirFor(stagingDir: string, caseId: string): string {
  return path.join(stagingDir, sha256Hex(Buffer.from(caseId, 'utf8')).slice(0, 32));
}

/** Build the case's bundle (its manifest naming `category`) and describe its files; `previous` keeps files already uploaded with the same bytes. */
export async function stageCase(
  deps: StagingDeps,
  caseId: string,
  category: string,
  previous: Record<string, OffloadObject>,
): Promise<{ stagedDir: string; manifestSha256: string; objects: Record<string, OffloadObject> }> {
  const dir = stagedDirFor(deps.stagingDir, caseId);
  // A bundle left by a run that died before saving its row was never uploaded from: make it again.
  await rm(dir, { recursive: true, force: true });
  // The manifest names the category the object key has (what the centre files it under).
  const r = await exportBundle({ ...deps, caseId, category, outDir: dir, operator: 'offload', via: 'offload' });
  const objects: Record<string, OffloadObject> = {};
  for (const file of await listFiles(dir)) {
    const source = path.join(dir, file);
    const { sha256, bytes } = await sha256File(source);
    const before = previous[file];
    objects[file] = before && before.sha256 === sha256 ? { ...before, source } : { source, sha256, bytes, done: false, parts: [] };
  }
  return { stagedDir: dir, manifestSha256: r.manifestSha256, objects };
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...(await listFiles(p, base)));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}
