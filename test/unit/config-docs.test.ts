/** docs/configuration.md's key table is exactly what the config schema generates. */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { CONFIG_DOC, configTable, withGeneratedTable } from '../../src/config/config-docs.js';
import { keyPaths } from '../../src/config/closest-key.js';
import { ConfigSchema } from '../../src/config/schema.js';

test('docs/configuration.md matches the config schema (run `npm run config-docs` after changing it)', async (t) => {
  const doc = await readFile(CONFIG_DOC, 'utf8');
  t.is(doc, withGeneratedTable(doc));
});

test('the generated table names every key of the schema, with its default and a meaning', (t) => {
  const table = configTable();
  for (const p of keyPaths(ConfigSchema)) {
    const key = p.join('.').replace(/\.\[\]/g, '[]');
    const row = table.split('\n').find((l) => l.startsWith(`| \`${key}\``) || l.startsWith(`| \`${key}[]\``));
    t.truthy(row, `no row for ${key}`);
    t.notRegex(row ?? '', /\| {1,2}\|$/, `${key} has no meaning`);
  }
  t.regex(table, /\| `recording\.preRecordSeconds` \| integer, 0–120 \| `30` \|/);
  t.regex(table, /\| `gpio\.debounceMs` \| integer, 1–500 \| `30` \|/);
});
