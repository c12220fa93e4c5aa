/**
 * Case IDs are free text as agencies write them (e.g. 淮交罚〔2018〕86号), 1–64
 * characters. They are never used as a path, but they are refused when they could
 * be mistaken for one or carry control characters, so no later consumer (bundle
 * names, MQTT topics, logs) can be tricked by them.
 */
import { CasecamError } from './errors.js';

const MAX_CHARS = 64;
// Control characters (C0, DEL, C1), line/paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// Format characters: invisible, or reorder what is shown (bidi overrides, U+200B, U+2060, U+061C, U+FEFF…).
const FORMAT = /\p{Cf}/u;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function checkCaseId(id: unknown): string {
  if (typeof id !== 'string') throw new CasecamError('bad-case-id', 'case ID must be a string');
  const chars = [...id];
  if (chars.length < 1 || chars.length > MAX_CHARS) {
    throw new CasecamError('bad-case-id', `case ID must be 1–${MAX_CHARS} characters, got ${chars.length}`);
  }
  if (FORBIDDEN.test(id)) throw new CasecamError('bad-case-id', 'case ID contains a control character');
  const format = FORMAT.exec(id);
  if (format) {
    const code = format[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new CasecamError('bad-case-id', `case ID contains an invisible formatting character (U+${code})`);
  }
  if (id !== id.trim()) throw new CasecamError('bad-case-id', 'case ID must not start or end with white space');
  if (/[\\/]/.test(id)) throw new CasecamError('bad-case-id', 'case ID must not contain "/" or "\\"');
  if (id === '.' || id === '..' || id.startsWith('.')) {
    throw new CasecamError('bad-case-id', 'case ID must not start with "."');
  }
  if (LONE_SURROGATE.test(id)) throw new CasecamError('bad-case-id', 'case ID is not valid Unicode');
  const nfc = id.normalize('NFC');
  if ([...nfc].length > MAX_CHARS) throw new CasecamError('bad-case-id', `case ID must be 1–${MAX_CHARS} characters, got ${[...nfc].length}`);
  return nfc;
}

export function isValidCaseId(id: unknown): id is string {
  try {
    checkCaseId(id);
    return true;
  } catch {
    return false;
  }
}
