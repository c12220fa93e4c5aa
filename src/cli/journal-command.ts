import type { Command } from './args.js';
import { parse } from './args.js';
import { CasecamError } from '../core/errors.js';
import { checkCaseId } from '../core/case-id.js';
import { verifyJournal } from '../evidence/journal.js';
import { dataOptions, openData } from './data-dir.js';

export const journalCommand: Command = {
  name: 'journal',
  summary: 'check the hash-chained journal, or list its entries',
  help: `usage: casecam journal verify --data DIR [--json]
       casecam journal list --data DIR [--case ID] [--json]

  verify   walks the whole chain: exit 0 when no entry was changed, removed or
           reordered; otherwise 1 and each reason
  list     every entry (or those naming case ID), one JSON object per line
  --data DIR   data directory (or --config FILE to take its paths)`,
  async run(argv) {
    const { values, positionals } = parse(argv, { ...dataOptions, case: { type: 'string' }, json: { type: 'boolean' } }, { positionals: true });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const [sub] = positionals;
    if (sub !== 'verify' && sub !== 'list') throw new CasecamError('usage', 'expected "journal verify" or "journal list"');
    const { store, journal } = await openData(values);
    try {
      if (sub === 'list') {
        if (values.case !== undefined) for (const e of await journal.forCase(checkCaseId(values.case))) console.log(JSON.stringify(e));
        // The whole journal can be large: stream it, each entry as stored.
        else for await (const [, raw] of store.journalRows()) console.log(raw);
        return 0;
      }
      const r = await verifyJournal(store);
      if (values.json) console.log(JSON.stringify(r));
      if (!r.ok) {
        for (const p of r.problems) console.error(`casecam journal: ${p}`);
        console.error(`casecam journal: NOT intact (${r.entries} entries)`);
        return 1;
      }
      if (!values.json) console.log(`intact: ${r.entries} entries, head ${r.head ? `${r.head.seq} ${r.head.hash}` : '(empty)'}`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
