/** The registry's answer for a bundle: read its manifest's device, key and case time, then ask pinnedKeyFor. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { BUNDLE_FILES } from '../export/manifest.js';
import { errorMessage } from '../core/errors.js';
import { pinnedKeyFor, type PinDecision } from './pinned-key.js';
import type { RegistryStore } from './registry-store.js';

// Only the three fields needed to choose a key; verifyBundle checks the manifest whole.
const Head = z.object({ device: z.object({ id: z.string(), keyFingerprint: z.string() }), case: z.object({ openedAt: z.string() }) });

export async function pinForBundle(store: RegistryStore, bundleDir: string): Promise<PinDecision> {
  let head: z.infer<typeof Head>;
  try {
    head = Head.parse(JSON.parse(await readFile(path.join(bundleDir, BUNDLE_FILES.manifest), 'utf8')));
  } catch (err) {
    return { ok: false, reason: `cannot read the device and case time from ${BUNDLE_FILES.manifest}: ${errorMessage(err).split('\n')[0]}` };
  }
  return pinnedKeyFor(store, head.device.id, head.device.keyFingerprint, head.case.openedAt);
}
