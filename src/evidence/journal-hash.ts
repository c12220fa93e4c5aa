/**
 * How a journal entry is hashed, so a third party can recompute it:
 * SHA-256 (hex) of the UTF-8 bytes of the entry without its `hash` field, serialized
 * as JSON with no white space and the keys of every object sorted (by UTF-16 code
 * units, as Array.prototype.sort does). `undefined` members are left out, as
 * JSON.stringify leaves them out.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The hash an entry must carry: over every member but `hash` itself. */
export function entryHash(entry: Record<string, unknown>): string {
  const { hash: _omit, ...body } = entry;
  return sha256Hex(canonicalJson(body));
}
