import type { Command } from './args.js';
import { parse, required } from './args.js';
import { CasecamError } from '../core/errors.js';
import { checkCaseId } from '../core/case-id.js';
import { Store } from '../store/store.js';
import { caseSegments, exportBundle } from '../export/bundle-export.js';
import { loadOrCreateDeviceKey } from '../evidence/device-key.js';
import { dataOptions, openData, operatorName } from './data-dir.js';
import { caseReport } from './case-report.js';
import { bounded } from '../core/bounded.js';
import { checkCaseCoverage } from '../recording/case-coverage.js';
import { formatCase, formatCaseList, type CaseListRow } from './case-format.js';

export const caseCommand: Command = {
  name: 'case',
  summary: 'list cases, show one case file, or export one case\'s signed bundle',
  help: `usage: casecam case list --data DIR [--json] [--operator NAME]
       casecam case show ID --data DIR [--json] [--operator NAME]
       casecam case export ID --data DIR --out BUNDLE [--operator NAME]
       casecam case report ID --data DIR [--json] [--html FILE] [--operator NAME]

  list     every case in the store: ID, status, opened, length, segments, gaps, kind
  show     one case file: triggers, officers, window, segments per channel, gaps with
           their causes, markers, claims, and whether every second of the window is
           media or an explained gap
  --json           the same as JSON for machines (epoch-ms times in show)
  export   writes the signed case bundle to BUNDLE (manifest.json, manifest.sig,
           device.pub.pem, SHA256SUMS, SHA256SUMS.sig, media/), with one continuous
           file per channel remuxed from the segments, and the quality report
           (quality.json, report.html); check it with casecam verify
  report   the case's quality report (docs/quality.md): coverage per channel, gaps
           and causes, alarm intervals, pre/post-record, watermark, GPS, integrity
           (every sealed file hashed again), offload, score; --json prints
           quality.json, --html FILE writes report.html
  --data DIR       data directory (or --config FILE to take its paths)
  --operator NAME  who is looking (default: the OS user); every list, show and export
                   is journaled with it
No command deletes evidence: only retention does, and never case footage whose
offload is not confirmed.`,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { ...dataOptions, out: { type: 'string' }, json: { type: 'boolean' }, html: { type: 'string' }, operator: { type: 'string' } },
      { positionals: true },
    );
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const [sub, id] = positionals;
    if (sub !== 'list' && sub !== 'show' && sub !== 'export' && sub !== 'report') {
      throw new CasecamError('usage', 'expected "case list", "case show ID", "case export ID" or "case report ID"');
    }
    const caseId = sub === 'list' ? undefined : checkCaseId(required(id, 'case ID'));
    const outDir = sub === 'export' ? required(values.out, '--out BUNDLE') : undefined;
    const operator = operatorName(values.operator);
    const { paths, store, journal, categories } = await openData(values);
    try {
      if (caseId === undefined) {
        await journal.append('cases.listed', { operator, via: 'cli' });
        const rows: CaseListRow[] = [];
        for (const c of await store.cases.values()) {
          const segments = (await store.caseSegments.values(Store.caseSegmentRange(c.id))).length;
          const windowMs = c.windowEnd !== undefined ? c.windowEnd - c.windowStart : null;
          rows.push({ id: c.id, kind: c.kind, status: c.status, opened: c.openTrigger.at, closed: c.closedAt ?? null, windowMs, segments, gaps: c.gaps.length });
        }
        rows.sort((a, b) => a.opened - b.opened);
        if (values.json) {
          const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
          console.log(JSON.stringify(rows.map((r) => ({ id: r.id, kind: r.kind, status: r.status, opened: iso(r.opened), closed: iso(r.closed), segments: r.segments, gaps: r.gaps }))));
        } else console.log(formatCaseList(rows));
        return 0;
      }
      const c = await store.cases.get(caseId);
      if (!c) throw new CasecamError('case-not-found', `no case "${caseId}" in this store`);
      if (sub === 'report') {
        await caseReport({ store, journal, evidenceDir: paths.evidenceDir, c, operator, json: values.json, html: values.html });
        return 0;
      }
      if (outDir === undefined) {
        await journal.append('case.viewed', { operator, via: 'cli' }, { caseIds: [caseId] });
        const segs = await caseSegments(store, caseId);
        const segments = segs.map(({ id: segId, channel, start, end, bytes, sha256, partial, offloadedAt, evictedAt }) => ({
          id: segId,
          channel,
          start: new Date(start).toISOString(),
          end: new Date(end).toISOString(),
          bytes,
          sha256,
          partial,
          offloaded: offloadedAt !== undefined ? new Date(offloadedAt).toISOString() : undefined,
          evicted: evictedAt !== undefined ? new Date(evictedAt).toISOString() : undefined,
        }));
        // The store does not keep the channel list or frame rates: the case's own channels, and
        // a tolerance of one frame at 10 fps (the slowest a channel is configured with here).
        const channels = [...new Set([...segs.map((x) => x.channel), ...c.gaps.map((g) => g.channel)])].sort();
        const coverage = checkCaseCoverage(c, segs, channels, 100);
        if (values.json) console.log(JSON.stringify({ ...c, segments, coverage }, null, 2));
        else console.log(formatCase(c, segs, coverage, channels));
        return 0;
      }
      const key = await bounded(loadOrCreateDeviceKey(paths.keyDir), 'loading the device key');
      if (key.created) await journal.append('device.key.created', { fingerprint: key.fingerprint });
      const r = await exportBundle({ store, journal, key, evidenceDir: paths.evidenceDir, caseId, outDir, operator, via: 'cli', categories });
      for (const w of r.warnings) console.error(`casecam case export: warning: ${w}`);
      console.log(
        `exported case ${r.manifest.case.id}: ${r.manifest.segments.length} segments, ${r.manifest.continuous.length} continuous files to ${r.outDir}\n` +
          `signed by device key ${key.fingerprint}`,
      );
      return 0;
    } finally {
      await journal.idle();
      await store.close();
    }
  },
};
