/**
 * The table of journal entry types in docs/evidence.md, generated from the map in
 * journal-entries.ts (`npm run journal-doc` writes it; a test fails when it drifts).
 */
import { z } from 'zod';
import { JOURNAL_ENTRIES } from './journal-entries.js';

export const JOURNAL_DOC = 'docs/evidence.md';
const BEGIN = '<!-- journal-entries: generated from src/evidence/journal-entries.ts by `npm run journal-doc` -->';
const END = '<!-- /journal-entries -->';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
}

/** `a, b?, c[{d, e}]`: each field, `?` when it may be absent, the shape of nested objects. */
function fields(schema: JsonSchema): string {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .map(([name, s]) => `${name}${required.has(name) ? '' : '?'}${shape(s)}`)
    .join(', ');
}

function shape(s: JsonSchema): string {
  if (s.type === 'object') return s.properties ? `{${fields(s)}}` : '{…}';
  if (s.type === 'array' && s.items?.type === 'object') return `[${shape(s.items)}]`;
  return '';
}

export function journalEntriesTable(): string {
  const rows = Object.entries(JOURNAL_ENTRIES).map(([type, spec]) => {
    const data = z.toJSONSchema(spec.data, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    return `| \`${type}\` | ${spec.written} | ${spec.when} | \`${fields(data)}\` |`;
  });
  return ['| type | written | when | data |', '|---|---|---|---|', ...rows].join('\n');
}

/** The doc with its generated table replaced by the current one. */
export function withJournalTable(doc: string): string {
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${JOURNAL_DOC} lacks the generated-table markers (${BEGIN} … ${END})`);
  return `${doc.slice(0, from)}${BEGIN}\n${journalEntriesTable()}\n${doc.slice(to)}`;
}
