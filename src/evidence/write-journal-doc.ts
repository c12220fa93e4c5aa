/** `npm run journal-doc`: writes the journal entry table into docs/evidence.md (run from the repository root). */
import { readFile, writeFile } from 'node:fs/promises';
import { JOURNAL_DOC, withJournalTable } from './journal-doc.js';

await writeFile(JOURNAL_DOC, withJournalTable(await readFile(JOURNAL_DOC, 'utf8')));
console.log(`wrote the journal entry table in ${JOURNAL_DOC}`);
