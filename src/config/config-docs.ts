/**
 * The key table of docs/configuration.md, generated from the config schema (its
 * JSON Schema, with each key's `description` and the doc hints `docType` and
 * `docDefault` given by `.meta()`), so the docs cannot drift from what is accepted.
 * `npm run config-docs` rewrites the table between the markers; a test fails when the
 * checked-in file differs.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigSchema } from './schema.js';

export const CONFIG_DOC = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));
export const BEGIN = '<!-- generated from src/config/schema.ts by `npm run config-docs`: do not edit by hand -->';
export const END = '<!-- end of generated table -->';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  docType?: string;
  docDefault?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (v: unknown) => `\`${JSON.stringify(v)}\``;
const SAFE = Number.MAX_SAFE_INTEGER;

function range(s: JsonSchema): string {
  const lo = s.minimum !== undefined && Math.abs(s.minimum) < SAFE ? s.minimum : undefined;
  const hi = s.maximum !== undefined && Math.abs(s.maximum) < SAFE ? s.maximum : undefined;
  if (lo !== undefined && hi !== undefined) return `${lo}–${hi}`;
  if (lo !== undefined) return `≥ ${lo}`;
  if (hi !== undefined) return `≤ ${hi}`;
  return '';
}

function typeOf(s: JsonSchema): string {
  if (s.docType) return s.docType;
  if (s.enum) return s.enum.map(code).join(' | ');
  if (s.anyOf?.every((a) => a.const !== undefined)) return s.anyOf.map((a) => code(a.const)).join(' | ');
  const type = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  if (type === 'integer' || type === 'number') return [type, range(s)].filter(Boolean).join(', ');
  if (type === 'string') return s.maxLength !== undefined ? `string, ≤ ${s.maxLength}` : 'string';
  if (type === 'array') {
    const n = s.minItems !== undefined && s.maxItems !== undefined ? `${s.minItems}–${s.maxItems}` : s.maxItems !== undefined ? `≤ ${s.maxItems}` : '';
    return n ? `list, ${n}` : 'list';
  }
  return type;
}

function defaultOf(s: JsonSchema, required: boolean): string {
  if (s.docDefault) return s.docDefault;
  if (required) return 'required';
  if (s.default === undefined) return '';
  if (typeof s.default === 'object' && s.default !== null && Object.keys(s.default).length === 0 && s.properties) return '';
  return code(s.default);
}

function rows(s: JsonSchema, prefix: string, out: string[]): void {
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const name = `${prefix}${key}`;
    const required = s.required?.includes(key) ?? false;
    const section = prop.type === 'object' && prop.properties !== undefined;
    const list = prop.type === 'array' && prop.items?.properties !== undefined;
    out.push(`| \`${name}${list ? '[]' : ''}\` | ${cell(section ? 'section' : typeOf(prop))} | ${cell(defaultOf(prop, required))} | ${cell(prop.description ?? '')} |`);
    if (section) rows(prop, `${name}.`, out);
    if (list) rows(prop.items!, `${name}[].`, out);
  }
}

export function configTable(): string {
  const json = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const out = ['| key | type | default | meaning |', '|---|---|---|---|'];
  rows(json, '', out);
  return out.join('\n');
}

/** `doc` with the text between the markers replaced by the generated table. */
export function withGeneratedTable(doc: string): string {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`docs/configuration.md lacks the markers ${BEGIN} … ${END}`);
  return `${doc.slice(0, begin + BEGIN.length)}\n${configTable()}\n${doc.slice(end)}`;
}
