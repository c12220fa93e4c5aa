import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from './args.js';
import { parse, required } from './args.js';
import { createLogger, silentLogger } from '../core/logger.js';
import { simulatedCounterConfig } from '../config/simulated.js';
import { buildService } from '../service/build-service.js';
import { exportBundle } from '../export/bundle-export.js';
import { verifyBundle } from '../export/bundle-verify.js';
import { CasecamError } from '../core/errors.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run a simulated counter case end to end and export its bundle',
  help: `usage: casecam demo --data DIR --out BUNDLE [--json]

Starts a simulated counter box (two test-source channels), accepts an application,
adds an inquiry marker, serves the documents, exports the signed case bundle to
BUNDLE and verifies it against the device's own key (pinned). Exit 0 when intact.
  --data DIR     data directory (default: a new temporary directory)
  --out BUNDLE   where to write the bundle (must not exist or be empty)
  --json         print the result as JSON on stdout`,
  async run(argv) {
    const { values } = parse(argv, { data: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const out = path.resolve(required(values.out, '--out BUNDLE'));
    const dataDir = values.data ?? (await mkdtemp(path.join(os.tmpdir(), 'casecam-demo-')));
    const base = simulatedCounterConfig({ dataDir });
    const config = { ...base, recording: { ...base.recording, preRecordSeconds: 4, postRecordSeconds: 2 } };
    const log = values.json ? silentLogger() : createLogger({ name: 'casecam-demo', level: process.env.CASECAM_LOG_LEVEL ?? 'warn' });
    const say = (s: string): void => {
      if (!values.json) process.stderr.write(`demo: ${s}\n`);
    };
    const service = await buildService(config, { log, simulate: true, uplink: { embedded: true } });
    await service.start();
    try {
      say(`recording continuously into the ring (pre-record ${config.recording.preRecordSeconds} s)`);
      await sleep((config.recording.preRecordSeconds + 2) * 1000);
      const caseId = `演示〔${new Date().getFullYear()}〕${String(Date.now() % 100000)}号`;
      const closed = new Promise<void>((resolve) => service.bus.on('case.closed', (e) => {
        if (e.caseId === caseId) resolve();
      }));
      await service.sessions.open({ caseId, trigger: 'application.accepted', source: 'demo' });
      say(`application accepted: case ${caseId} opened`);
      await sleep(3000);
      await service.sessions.marker({ caseId, type: 'inquiry', note: 'applicant questioned', source: 'demo' });
      say('marker: inquiry');
      await sleep(3000);
      await service.sessions.close({ caseId, trigger: 'documents.served', documents: ['DEMO-DOC-1'], source: 'demo' });
      say('documents served: waiting for post-record and sealing');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CasecamError('pipeline', 'case did not close within 30 s')), 30_000);
      });
      await Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
      await service.sessions.idle();
      const { manifest, warnings } = await exportBundle({
        store: service.store,
        journal: service.journal,
        key: service.deviceKey,
        evidenceDir: service.paths.evidenceDir,
        caseId,
        outDir: out,
        operator: config.officerId ?? 'demo',
        via: 'demo',
        clock: service.clock,
      });
      const check = await verifyBundle(out, { trustedKeyPem: service.deviceKey.publicPem });
      const result = {
        ok: check.ok && warnings.length === 0,
        caseId,
        bundle: out,
        dataDir,
        segments: manifest.segments.length,
        continuous: manifest.continuous.length,
        channels: [...new Set(manifest.segments.map((s) => s.channel))],
        firstMediaBeforeTriggerSeconds:
          (new Date(manifest.case.openedAt).getTime() - Math.min(...manifest.segments.map((s) => new Date(s.start).getTime()))) / 1000,
        gaps: manifest.gaps.length,
        keyFingerprint: service.deviceKey.fingerprint,
        pinned: check.pinned,
        problems: [...check.problems, ...warnings],
      };
      if (values.json) console.log(JSON.stringify(result));
      else {
        say(`bundle ${out}: ${result.segments} segments and ${result.continuous} continuous files on ${result.channels.join(', ')}`);
        say(result.ok ? `verified: signed by device key ${result.keyFingerprint} (pinned)` : `NOT intact: ${result.problems.join('; ')}`);
        say(`check it yourself: casecam verify ${out} --key ${service.paths.keyDir}/device.pub.pem`);
      }
      return result.ok ? 0 : 1;
    } finally {
      await service.stop();
    }
  },
};
