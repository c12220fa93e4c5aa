/**
 * The published S3 layout: `<prefix>/<category>/<unit>/<deviceId>/<caseId>/<file>`,
 * where `<file>` is the bundle path (`manifest.json`, `media/cam1/…mkv`, …) and
 * `receipt.json` / `receipt.sig` are written beside them by `casecam archive`.
 * Case IDs are free text but never a path (checked where they enter), so they are
 * used as one key segment as they are (UTF-8).
 */
export const NO_UNIT = 'no-unit';

export interface CaseLocation {
  prefix: string;
  category: string;
  unit?: string;
  deviceId: string;
  caseId: string;
}

export function caseKeyBase(loc: CaseLocation): string {
  return [loc.prefix, loc.category, loc.unit ? safeSegment(loc.unit) : NO_UNIT, loc.deviceId, loc.caseId].join('/');
}

/** A unit name is free text from the config; a "/" in it must not add a level. */
function safeSegment(s: string): string {
  return s.replace(/[/\\]/g, '_');
}

export const RECEIPT_FILE = 'receipt.json';
export const RECEIPT_SIG_FILE = 'receipt.sig';

/**
 * The centre's index of receipts, one small object per verified case, so cases are
 * found without listing media objects: `<prefix>/_receipts/<category>/<unit>/<deviceId>/<caseId>.json`.
 */
export function receiptIndexKey(keyBase: string): string {
  const parts = keyBase.split('/');
  const tail = parts.slice(-4);
  return [...parts.slice(0, -4), '_receipts', ...tail].join('/') + '.json';
}

export function receiptIndexPrefix(prefix: string, filter: { category?: string; unit?: string; deviceId?: string } = {}): string {
  const parts = [prefix, '_receipts'];
  for (const p of [filter.category, filter.unit, filter.deviceId]) {
    if (p === undefined) break;
    parts.push(p);
  }
  return parts.join('/') + '/';
}

/** Object metadata: the whole file's SHA-256 (hex), the device, the category and its retention class. */
export function objectMetadata(o: { sha256: string; deviceId: string; category: string; incident: boolean; retentionDays?: number }): Record<string, string> {
  return {
    sha256: o.sha256,
    'device-id': o.deviceId,
    category: o.category,
    ...(o.retentionDays !== undefined ? { 'retention-days': String(o.retentionDays) } : {}),
    ...(o.incident ? { 'legal-hold': 'incident' } : {}),
  };
}
