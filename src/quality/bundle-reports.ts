/**
 * The quality report's files in a case bundle: `quality.json` (the report, schema in
 * quality-schema.ts) and `report.html` (for people). Both are listed in the manifest's
 * `reports` with their SHA-256, so SHA256SUMS and the signatures cover them.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../evidence/journal-hash.js';
import type { QualityReport } from './quality-schema.js';
import { renderQualityHtml } from './quality-html.js';

export const QUALITY_FILES = { json: 'quality.json', html: 'report.html' } as const;

export interface ReportFile {
  file: 'quality.json' | 'report.html';
  sha256: string;
  bytes: number;
}

export async function writeQualityFiles(dir: string, report: QualityReport): Promise<ReportFile[]> {
  const files: Array<[ReportFile['file'], Buffer]> = [
    [QUALITY_FILES.json, Buffer.from(JSON.stringify(report, null, 2) + '\n', 'utf8')],
    [QUALITY_FILES.html, Buffer.from(renderQualityHtml(report), 'utf8')],
  ];
  const out: ReportFile[] = [];
  for (const [file, bytes] of files) {
    await writeFile(path.join(dir, file), bytes);
    out.push({ file, sha256: sha256Hex(bytes), bytes: bytes.length });
  }
  return out;
}
