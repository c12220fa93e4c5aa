/**
 * The centre's check of one uploaded case: read every object back, compare each with
 * its SHA-256 metadata, and check the whole as a bundle (signatures with the device's
 * registered key, SHA256SUMS, every file's hash, nothing added or missing). Also that
 * the bundle is the case and device the event named, and the manifest the event named.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { verifyBundle } from '../export/bundle-verify.js';
import { ManifestSchema, type Manifest } from '../export/manifest.js';
import { readCase } from './bucket-case.js';
import type { KeyPin } from './key-pin.js';

export interface UploadedCase {
  deviceId: string;
  caseId: string;
  keyBase: string;
  manifestSha256: string;
}

export interface Verdict {
  ok: boolean;
  problems: Array<{ file?: string; reason: string }>;
  files: Array<{ file: string; sha256: string; bytes: number }>;
  manifest?: Manifest;
  deviceKeyFingerprint?: string;
  /** What the pin said beside its key (e.g. a key revoked after the case opened). */
  notes: string[];
}

export async function verifyUploadedCase(s3: S3Client, bucket: string, pin: KeyPin, c: UploadedCase): Promise<Verdict> {
  const problems: Verdict['problems'] = [];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'casecam-archive-'));
  try {
    const read = await readCase(s3, bucket, c.keyBase, dir);
    // The pin may read the manifest (the registry's does), so it is asked once the case is here.
    const key = await pin(dir, c.deviceId);
    if (!key.ok) return { ok: false, problems: [{ reason: key.reason }], files: read.files, notes: [] };
    problems.push(...read.problems);
    const v = await verifyBundle(dir, { trustedKeyPem: key.publicKeyPem });
    const files = new Set(read.files.map((f) => f.file));
    for (const p of v.problems) {
      const m = /^([^:]+): (.*)$/s.exec(p);
      const file = m && files.has(m[1]!) ? m[1]! : undefined;
      if (file && problems.some((q) => q.file === file)) continue; // already named by its metadata check
      problems.push(file ? { file, reason: m![2]! } : { reason: p });
    }
    const manifestFile = read.files.find((f) => f.file === 'manifest.json');
    let manifest: Manifest | undefined;
    if (manifestFile) {
      const parsed = ManifestSchema.safeParse(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8').catch(() => 'null')));
      manifest = parsed.success ? parsed.data : undefined;
      if (manifestFile.sha256 !== c.manifestSha256) problems.push({ file: 'manifest.json', reason: `not the manifest the device announced (${c.manifestSha256.slice(0, 12)}…)` });
    } else problems.push({ file: 'manifest.json', reason: 'missing' });
    if (manifest && (manifest.case.id !== c.caseId || manifest.device.id !== c.deviceId)) {
      problems.push({ file: 'manifest.json', reason: `names case "${manifest.case.id}" of ${manifest.device.id}, not "${c.caseId}" of ${c.deviceId}` });
    }
    // The key's category sets the retention at the centre: it must be the one the device signed (older bundles name none).
    const keyCategory = c.keyBase.split('/').at(-4);
    if (manifest?.case.category !== undefined && manifest.case.category !== keyCategory) {
      problems.push({ file: 'manifest.json', reason: `names category "${manifest.case.category}", but the case was uploaded under "${keyCategory}"` });
    }
    return { ok: problems.length === 0 && v.ok, problems, files: read.files, manifest, deviceKeyFingerprint: v.fingerprint, notes: key.notes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
