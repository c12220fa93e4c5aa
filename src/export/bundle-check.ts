/**
 * Integrity check of a bundle's media against its manifest: every listed file
 * exists with its size and SHA-256, and no unlisted file sits under media/.
 * (Signature and key pinning are checked by `casecam verify`.)
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../recording/durable-files.js';

export interface CheckResult {
  ok: boolean;
  problems: string[];
  segments: number;
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...(await listFiles(p, base)));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out;
}

export async function checkBundleMedia(bundleDir: string): Promise<CheckResult> {
  const problems: string[] = [];
  let manifest: { segments?: Array<{ file: string; bytes: number; sha256: string }> };
  try {
    manifest = JSON.parse(await readFile(path.join(bundleDir, 'manifest.json'), 'utf8'));
  } catch (err) {
    return { ok: false, problems: [`manifest.json unreadable: ${String(err)}`], segments: 0 };
  }
  const segments = manifest.segments ?? [];
  const listed = new Set<string>();
  for (const s of segments) {
    listed.add(s.file);
    if (s.file.includes('..') || path.isAbsolute(s.file)) {
      problems.push(`${s.file}: path escapes the bundle`);
      continue;
    }
    try {
      const { sha256, bytes } = await sha256File(path.join(bundleDir, s.file));
      if (bytes !== s.bytes) problems.push(`${s.file}: ${bytes} bytes, manifest says ${s.bytes}`);
      if (sha256 !== s.sha256) problems.push(`${s.file}: SHA-256 differs from the manifest`);
    } catch {
      problems.push(`${s.file}: missing`);
    }
  }
  for (const f of await listFiles(path.join(bundleDir, 'media'), bundleDir)) {
    if (!listed.has(f)) problems.push(`${f}: not listed in the manifest`);
  }
  return { ok: problems.length === 0, problems, segments: segments.length };
}
