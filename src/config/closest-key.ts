/**
 * Hints for unknown configuration keys: the known keys at the same place in a zod
 * schema, and the closest one by edit distance (`recordng` → `recording`). A key that
 * is close to nothing beside it is looked up by name anywhere in the schema, so a
 * key put in the wrong section (`preRecordSeconds` at the top) names its real place.
 */
import type { z } from 'zod';

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType; shape?: Record<string, z.ZodType>; in?: z.ZodType; options?: z.ZodType[] };
const defOf = (s: z.ZodType): Def => (s as unknown as { def: Def }).def;

/** Unwrap optional, default, prefault, nullable and pipes down to the schema that holds a shape. */
function unwrap(s: z.ZodType): z.ZodType {
  for (let d = defOf(s); ; d = defOf(s)) {
    if (d.innerType && ['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch'].includes(d.type)) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
}

function shapeOf(s: z.ZodType): Record<string, z.ZodType> | undefined {
  const d = defOf(unwrap(s));
  return d.type === 'object' ? d.shape : undefined;
}

/** The schema found at a value's path (array indices and record keys step into their element). */
function schemaAt(root: z.ZodType, at: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = root;
  for (const p of at) {
    if (!s) return undefined;
    const d = defOf(unwrap(s));
    if (d.type === 'object') s = d.shape?.[String(p)];
    else if (d.type === 'array') s = d.element;
    else if (d.type === 'record') s = d.valueType;
    else return undefined;
  }
  return s;
}

/** Every key path of the schema, e.g. ["recording", "preRecordSeconds"]. */
export function keyPaths(root: z.ZodType, prefix: string[] = []): string[][] {
  const shape = shapeOf(root);
  if (!shape) {
    const d = defOf(unwrap(root));
    return d.type === 'array' && d.element ? keyPaths(d.element, [...prefix, '[]']) : [];
  }
  return Object.entries(shape).flatMap(([k, v]) => [[...prefix, k], ...keyPaths(v, [...prefix, k])]);
}

export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length]!;
}

/** The candidate closest to `key`, when it is close enough to be a likely slip. */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(key, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

const dotted = (p: readonly PropertyKey[]) => p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '').replace(/\.\[\]/g, '[]');

/** "did you mean …" for an unknown `key` found in the object at `at`, or '' when nothing is close. */
export function unknownKeyHint(root: z.ZodType, at: readonly PropertyKey[], key: string): string {
  const here = schemaAt(root, at);
  const siblings = here ? Object.keys(shapeOf(here) ?? {}) : [];
  const near = closestKey(key, siblings);
  if (near !== undefined) return `did you mean "${dotted([...at, near])}"?`;
  // The same name elsewhere: a key put in the wrong section.
  const elsewhere = keyPaths(root).filter((p) => p[p.length - 1]!.toLowerCase() === key.toLowerCase() || editDistance(p[p.length - 1]!, key) <= 1);
  if (elsewhere.length) return `did you mean "${dotted(elsewhere[0]!)}"?`;
  return siblings.length ? `known keys here: ${siblings.join(', ')}` : '';
}
