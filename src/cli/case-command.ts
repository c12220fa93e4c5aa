import path from 'node:path';
import type { Command } from './args.js';
import { parse, required } from './args.js';
import { silentLogger } from '../core/logger.js';
import { CasecamError } from '../core/errors.js';
import { Store } from '../store/store.js';
import { exportBundle } from '../export/bundle-export.js';

export const caseCommand: Command = {
  name: 'case',
  summary: 'list cases, or export one case\'s bundle',
  help: `usage: casecam case list --data DIR [--json]
       casecam case export ID --data DIR --out BUNDLE

  list     every case in the store: ID, status, opened, closed, segments, gaps
  export   writes the case bundle (manifest.json, media/) to BUNDLE`,
  async run(argv) {
    const { values, positionals } = parse(argv, { data: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } }, { positionals: true });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const [sub, id] = positionals;
    const dataDir = path.resolve(required(values.data, '--data DIR'));
    if (sub !== 'list' && sub !== 'export') throw new CasecamError('usage', 'expected "case list" or "case export ID"');
    const store = await Store.open(path.join(dataDir, 'db'), silentLogger());
    try {
      if (sub === 'list') {
        const rows = [];
        for (const c of await store.cases.values()) {
          const segments = (await store.caseSegments.values(Store.caseSegmentRange(c.id))).length;
          rows.push({
            id: c.id,
            status: c.status,
            opened: new Date(c.openTrigger.at).toISOString(),
            closed: c.closedAt ? new Date(c.closedAt).toISOString() : null,
            segments,
            gaps: c.gaps.length,
          });
        }
        if (values.json) console.log(JSON.stringify(rows));
        else for (const r of rows) console.log(`${r.id}\t${r.status}\t${r.opened}\t${r.closed ?? '-'}\t${r.segments} segments\t${r.gaps} gaps`);
        return 0;
      }
      const manifest = await exportBundle({
        store,
        evidenceDir: path.join(dataDir, 'evidence'),
        caseId: required(id, 'case ID'),
        outDir: path.resolve(required(values.out, '--out BUNDLE')),
      });
      console.log(`exported ${manifest.segments.length} segments of case ${manifest.case.id} to ${values.out}`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
