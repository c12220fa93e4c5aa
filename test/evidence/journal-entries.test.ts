/** The journal entry table in docs/evidence.md is exactly what src/evidence/journal-entries.ts generates. */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { journalEntriesTable, withJournalTable } from '../../src/evidence/journal-doc.js';
import { JOURNAL_ENTRIES } from '../../src/evidence/journal-entries.js';

const doc = fileURLToPath(new URL('../../../docs/evidence.md', import.meta.url));

test('docs/evidence.md lists the journal entry types of the code (run `npm run journal-doc` after changing them)', async (t) => {
  const text = await readFile(doc, 'utf8');
  t.is(withJournalTable(text), text, 'the journal entry table in docs/evidence.md drifted from src/evidence/journal-entries.ts');
});

test('the check sees a changed table, and a doc without the markers is refused', async (t) => {
  const text = await readFile(doc, 'utf8');
  const edited = text.replace('| `service.stopped` |', '| `service.halted` |');
  t.not(edited, text);
  t.not(withJournalTable(edited), edited);
  t.throws(() => withJournalTable('# no table here\n'), { message: /markers/ });
});

test('each entry type is a row, with its optional fields marked', (t) => {
  const table = journalEntriesTable();
  for (const type of Object.keys(JOURNAL_ENTRIES)) t.true(table.includes(`| \`${type}\` |`), type);
  t.true(table.includes('`trigger, source, officerId?, kind, note?, windowStart, site?, unit?`'));
  t.true(table.includes('segments[{id, sha256, bytes}]'));
});
