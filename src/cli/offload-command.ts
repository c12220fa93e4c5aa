/** `casecam offload status`: the device's upload queue, with progress bars (docs/offload.md). */
import type { Command } from './args.js';
import { parse } from './args.js';
import { CasecamError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { dataOptions, openData } from './data-dir.js';
import { bytesOf, offloadTable, summarize } from '../offload/offload-queue.js';

const bar = (done: number, total: number, width = 20) => {
  const f = total > 0 ? Math.round((done / total) * width) : width;
  return `[${'#'.repeat(f)}${'.'.repeat(width - f)}]`;
};
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

export const offloadCommand: Command = {
  name: 'offload',
  summary: 'show the upload queue of this device (cases, progress, confirmation)',
  help: `usage: casecam offload status --data DIR [--json]

Prints every case the uploader knows: its state (queued, uploading, uploaded = waiting
for the centre's confirmation, confirmed), incident priority, progress, the last error
and when it is retried. Read-only; the service must not be running on DIR (LevelDB
allows one process).
  --data DIR   data directory (or --config FILE to take its paths)
  --json       print the rows and the summary as JSON`,
  async run(argv) {
    const { values, positionals } = parse(argv, { ...dataOptions, json: { type: 'boolean' } }, { positionals: true });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    if (positionals[0] !== 'status' || positionals.length !== 1) throw new CasecamError('usage', 'expected "offload status"');
    const { store } = await openData(values);
    try {
      const rows = await offloadTable(store, silentLogger()).values();
      const summary = summarize(rows);
      if (values.json) {
        console.log(JSON.stringify({ summary, cases: rows.map((r) => ({ caseId: r.caseId, status: r.status, incident: r.incident, category: r.category, key: r.keyBase, ...bytesOf(r), lastError: r.lastError, nextAttemptAt: r.nextAttemptAt })) }));
        return 0;
      }
      const oldest = summary.oldestQueuedAt !== null ? `, oldest waiting since ${new Date(summary.oldestQueuedAt).toISOString()}` : '';
      console.log(`${summary.cases} case(s) to upload (${summary.incidents} incident), ${mb(summary.bytes)} left${oldest}`);
      for (const r of rows.sort((a, b) => Number(b.incident) - Number(a.incident) || a.queuedAt - b.queuedAt)) {
        const b = bytesOf(r);
        const retry = r.nextAttemptAt !== undefined && r.status !== 'confirmed' ? ` retry at ${new Date(r.nextAttemptAt).toISOString()}` : '';
        console.log(`${r.incident ? '!' : ' '} ${r.caseId}  ${r.status.padEnd(9)} ${bar(b.done, b.total)} ${b.filesDone}/${b.files} files ${mb(b.done)}/${mb(b.total)}${retry}${r.lastError ? `  last error: ${r.lastError}` : ''}`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
