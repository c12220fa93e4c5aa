/**
 * Checking a case bundle (layout in manifest.ts). Every problem found is reported with
 * its reason; the checks do not stop at the first.
 *
 * - Signatures: manifest.sig over manifest.json and SHA256SUMS.sig over SHA256SUMS,
 *   with the pinned key when one is given (a bundle signed by any other key is
 *   rejected), else with the bundle's own key (then the result says it is not pinned).
 * - SHA256SUMS is exactly what the manifest implies, so `sha256sum -c` checks the same.
 * - Every listed file is there with its size and SHA-256; a file holding another
 *   listed file's bytes is named as swapped or reordered; any file not listed is added.
 * - The manifest is well formed; within each channel the segments are numbered from 0
 *   in time order; the journal entries carried recompute, and every segment's hash is
 *   the one journaled when it was sealed.
 * - A bundle is regular files only (bundle-files.ts): a symlink, FIFO or device is
 *   named and refused, never followed; every read is bounded by the manifest's byte
 *   counts (or a fixed cap for the fixed files).
 */
import type { KeyObject } from 'node:crypto';
import { entryHash, sha256Hex } from '../evidence/journal-hash.js';
import { keyFingerprint, parsePublicKeyPem, verifyBytes } from '../evidence/device-key.js';
import { errorMessage } from '../core/errors.js';
import { formatIssues } from '../config/load.js';
import { BUNDLE_FILES, ManifestSchema, sumsText, type Manifest } from './manifest.js';
import { isRefused, hashBounded, listBundle, openRegular, readBounded } from './bundle-files.js';

export interface VerifyOptions {
  /** The device's public key as registered at provisioning (PEM). */
  trustedKeyPem?: string | Buffer;
}

export interface VerifyResult {
  ok: boolean;
  problems: string[];
  /** True when the signatures were checked against the trusted key. */
  pinned: boolean;
  /** Fingerprint of the key in the bundle (SHA-256 of its SPKI DER). */
  fingerprint?: string;
  caseId?: string;
  /** The case's storage category as the signed manifest names it; absent in older bundles. */
  category?: string;
  deviceId?: string;
  segments: number;
  continuous: number;
  channels: string[];
}

/** Caps on the fixed files: far above any real bundle's, so a hostile one cannot fill memory. */
const MAX_BYTES: Record<string, number> = {
  [BUNDLE_FILES.manifest]: 256 * 1024 * 1024,
  [BUNDLE_FILES.signature]: 1024,
  [BUNDLE_FILES.publicKey]: 16 * 1024,
  [BUNDLE_FILES.sums]: 64 * 1024 * 1024,
  [BUNDLE_FILES.sumsSignature]: 1024,
};

export async function verifyBundle(bundleDir: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const problems: string[] = [];
  const result: VerifyResult = { ok: false, problems, pinned: false, segments: 0, continuous: 0, channels: [] };
  const fixedNames = [BUNDLE_FILES.manifest, BUNDLE_FILES.signature, BUNDLE_FILES.publicKey, BUNDLE_FILES.sums, BUNDLE_FILES.sumsSignature];
  const [manifestBytes, sig, pubPem, sums, sumsSig] = await Promise.all(
    fixedNames.map((f) =>
      readBounded(bundleDir, f, MAX_BYTES[f]!).then(
        (bytes) => {
          if (!bytes) problems.push(`${f}: missing`);
          return bytes;
        },
        (err: unknown) => {
          problems.push(isRefused(err) ? err.message : `${f}: cannot be read (${errorMessage(err)})`);
          return undefined;
        },
      ),
    ),
  );

  // Keys: the bundle's own, and the pinned one that must be the same.
  let bundleKey: KeyObject | undefined;
  if (pubPem) {
    try {
      bundleKey = parsePublicKeyPem(pubPem, BUNDLE_FILES.publicKey);
      result.fingerprint = keyFingerprint(bundleKey);
    } catch (err) {
      problems.push(errorMessage(err));
    }
  }
  let checkKey = bundleKey;
  if (opts.trustedKeyPem !== undefined) {
    const trusted = parsePublicKeyPem(opts.trustedKeyPem, 'the pinned key');
    const trustedFp = keyFingerprint(trusted);
    checkKey = trusted;
    result.pinned = true;
    if (result.fingerprint !== undefined && result.fingerprint !== trustedFp) {
      problems.push(`signed with key ${result.fingerprint}, not the pinned device key ${trustedFp} (re-signed, or another device)`);
    }
  }
  if (checkKey) {
    const whose = result.pinned ? 'the pinned key' : 'the key in the bundle';
    if (manifestBytes && sig && !verifyBytes(checkKey, manifestBytes, sig)) {
      problems.push(`${BUNDLE_FILES.manifest}: the signature in ${BUNDLE_FILES.signature} does not verify with ${whose} (manifest edited or signature replaced)`);
    }
    if (sums && sumsSig && !verifyBytes(checkKey, sums, sumsSig)) {
      problems.push(`${BUNDLE_FILES.sums}: the signature in ${BUNDLE_FILES.sumsSignature} does not verify with ${whose} (checksums edited or signature replaced)`);
    }
  }

  let manifest: Manifest | undefined;
  if (manifestBytes) {
    try {
      const parsed = ManifestSchema.safeParse(JSON.parse(manifestBytes.toString('utf8')));
      if (parsed.success) manifest = parsed.data;
      else problems.push(formatIssues(parsed.error, `${BUNDLE_FILES.manifest} is not a casecam-bundle/2 manifest`));
    } catch (err) {
      problems.push(`${BUNDLE_FILES.manifest}: not JSON (${errorMessage(err)})`);
    }
  }
  if (!manifest) {
    result.ok = problems.length === 0;
    return result;
  }
  result.caseId = manifest.case.id;
  result.category = manifest.case.category;
  result.deviceId = manifest.device.id;
  result.segments = manifest.segments.length;
  result.continuous = manifest.continuous.length;
  result.channels = [...new Set(manifest.segments.map((s) => s.channel))];
  if (result.fingerprint !== undefined && manifest.device.keyFingerprint !== result.fingerprint) {
    problems.push(`the manifest names key ${manifest.device.keyFingerprint} but ${BUNDLE_FILES.publicKey} is ${result.fingerprint}`);
  }

  if (sums && manifestBytes && pubPem) {
    const expected = sumsText(sha256Hex(manifestBytes), sha256Hex(pubPem), manifest);
    if (sums.toString('utf8') !== expected) problems.push(`${BUNDLE_FILES.sums} does not list exactly the files and hashes of the manifest`);
  }

  await checkFiles(bundleDir, manifest, problems);
  checkOrder(manifest, problems);
  checkJournal(manifest, problems);
  result.ok = problems.length === 0;
  return result;
}

async function checkFiles(dir: string, manifest: Manifest, problems: string[]): Promise<void> {
  const listed = [...manifest.segments, ...manifest.continuous, ...(manifest.reports ?? [])];
  const byHash = new Map(listed.map((f) => [f.sha256, f.file]));
  const seen = new Set<string>();
  const maxListed = Math.max(0, ...listed.map((f) => f.bytes));
  for (const f of listed) {
    if (seen.has(f.file)) problems.push(`${f.file}: listed twice`);
    seen.add(f.file);
    let opened;
    try {
      opened = await openRegular(dir, f.file);
    } catch (err) {
      problems.push(isRefused(err) ? err.message : `${f.file}: missing`);
      continue;
    }
    let actual: { sha256: string; bytes: number };
    try {
      // Reads bounded by the manifest: a file larger than any listed one is not read at all.
      if (opened.size !== f.bytes && opened.size > maxListed) {
        problems.push(`${f.file}: content changed (${opened.size} bytes, the manifest says ${f.bytes})`);
        continue;
      }
      actual = await hashBounded(opened.fh, Math.max(f.bytes, opened.size));
    } finally {
      await opened.fh.close();
    }
    if (actual.sha256 === f.sha256 && actual.bytes === f.bytes) continue;
    const other = byHash.get(actual.sha256);
    if (other !== undefined && other !== f.file) problems.push(`${f.file}: holds the bytes of ${other} (segments swapped or reordered)`);
    else problems.push(`${f.file}: content changed (${actual.bytes} bytes, SHA-256 differs from the manifest)`);
  }
  const fixed = new Set<string>(Object.values(BUNDLE_FILES));
  const { files, refused } = await listBundle(dir);
  for (const f of files) {
    if (!seen.has(f) && !fixed.has(f)) problems.push(`${f}: not listed in the manifest (added)`);
  }
  // A listed name that is not a regular file was named above already.
  for (const r of refused) if (!problems.includes(r)) problems.push(r);
}

function checkOrder(manifest: Manifest, problems: string[]): void {
  const byChannel = new Map<string, Manifest['segments']>();
  for (const s of manifest.segments) byChannel.set(s.channel, [...(byChannel.get(s.channel) ?? []), s]);
  for (const [channel, segs] of byChannel) {
    segs.forEach((s, i) => {
      if (s.seq !== i) problems.push(`${channel}: segment ${s.file} is listed at position ${i} but numbered ${s.seq} (segments removed or reordered)`);
      const prev = segs[i - 1];
      if (prev && Date.parse(s.start) < Date.parse(prev.start)) problems.push(`${channel}: ${s.file} starts before ${prev.file} (segments reordered)`);
    });
    const cont = manifest.continuous.find((c) => c.channel === channel);
    if (cont && cont.segments !== segs.length) problems.push(`${cont.file}: made from ${cont.segments} segments, the manifest lists ${segs.length}`);
  }
}

function checkJournal(manifest: Manifest, problems: string[]): void {
  const sealed = new Map<string, string>();
  for (const e of manifest.journal.entries) {
    if (entryHash(e) !== e.hash) problems.push(`journal entry ${e.seq} (${e.type}) does not recompute to its hash`);
    if ((e.type === 'segment.sealed' || e.type === 'segment.linked') && typeof e.data.segmentId === 'string' && typeof e.data.sha256 === 'string') sealed.set(e.data.segmentId, e.data.sha256);
  }
  for (const s of manifest.segments) {
    const h = sealed.get(s.id);
    if (h !== undefined && h !== s.sha256) problems.push(`${s.file}: its hash differs from the one journaled when it was sealed`);
  }
}
