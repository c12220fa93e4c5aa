/**
 * Offload figures against s3rver 3.7.1 on loopback (in a child process, so the device's
 * CPU is measured alone):
 * - uploadMBps, cpuSecondsPer100MB: 96 MiB in 8 MiB multipart parts through the
 *   uploader (part SHA-256, request signing, LevelDB-free state saves);
 * - resume after kill -9: a child uploads 32 MiB in 5 MiB parts (throttled), is killed
 *   after two acknowledged parts; the restart's parts sent, and the acknowledged bytes
 *   sent again (target 0);
 * - incident: a real recorder (1 s segments), an incident case recording 20 s: each
 *   segment from `segment.sealed` to its object listed in the bucket (polled every
 *   100 ms): median and p95 seconds (target ≤ 10 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/mosquitto.js';
import { countUploadParts, killAfterTwoParts } from '../test/helpers/multipart-kill.js';
import { testConfig, sleep } from '../test/helpers/test-config.js';
import { silentLogger } from '../src/core/logger.js';
import { buildService } from '../src/service/build-service.js';
import { OffloadService } from '../src/offload/offload-service.js';
import { OffloadConfigSchema, type OffloadConfig } from '../src/config/offload-schema.js';
import { makeS3Client } from '../src/offload/s3-client.js';
import { uploadFile } from '../src/offload/upload-file.js';
import { sha256File } from '../src/core/durable-files.js';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';

const MiB = 1024 * 1024;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function startS3rver(dir: string): Promise<{ proc: ChildProcess; port: number }> {
  const port = await freePort();
  const script = `import S3rver from 's3rver'; await new S3rver({ address: '127.0.0.1', port: ${port}, silent: true, directory: ${JSON.stringify(dir)}, configureBuckets: [{ name: 'evidence' }], vhostBuckets: false }).run(); console.log('ready');`;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => readline.createInterface({ input: proc.stdout }).once('line', () => resolve()));
  return { proc, port };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? null;
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s.at(-1) ?? null };
};

export default async function bench(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-offload-'));
  const server = await startS3rver(path.join(dir, 's3'));
  const creds = path.join(dir, 'creds.json');
  await writeFile(creds, JSON.stringify({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }));
  const cfg = (extra: Partial<OffloadConfig> = {}) => OffloadConfigSchema.parse({ endpoint: `http://127.0.0.1:${server.port}`, bucket: 'evidence', credentialsFile: creds, retryInitialMs: 100, retryMaxMs: 1000, ...extra });
  try {
    // 1. Rate and CPU.
    const big = path.join(dir, 'big.bin');
    await writeFile(big, randomBytes(96 * MiB));
    const s3 = await makeS3Client(cfg());
    const { sha256, bytes } = await sha256File(big);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await uploadFile({ s3, bucket: 'evidence', key: 'bench/big.bin', object: { source: big, sha256, bytes, done: false, parts: [] }, partBytes: 8 * MiB, metadata: { sha256 }, save: async () => undefined });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const upload = { bytes, seconds: +seconds.toFixed(2), uploadMBps: +(bytes / 1e6 / seconds).toFixed(1), cpuSecondsPer100MB: +((cpuSeconds * 1e8) / bytes).toFixed(2) };

    // 2. Resume after kill -9.
    const file = path.join(dir, 'resume.bin');
    await writeFile(file, randomBytes(32 * MiB));
    const dbDir = path.join(dir, 'db');
    const rcfg = cfg({ partBytes: 5 * MiB, maxBytesPerSecond: 10 * MiB });
    const { saved } = await killAfterTwoParts({ dbDir, file, config: rcfg, key: 'bench/resume.bin' });
    const s3b = await makeS3Client(rcfg);
    const seen = countUploadParts(s3b);
    await uploadFile({ s3: s3b, bucket: 'evidence', key: 'bench/resume.bin', object: saved, partBytes: rcfg.partBytes, metadata: { sha256: saved.sha256 }, save: async () => undefined });
    const acked = new Set(saved.parts.map((p) => p.n));
    const resume = {
      fileBytes: saved.bytes,
      partsAcknowledgedBeforeKill: saved.parts.length,
      partsSentAfterRestart: seen.parts.length,
      acknowledgedBytesSentAgain: seen.parts.filter((n) => acked.has(n)).length * rcfg.partBytes,
      bytesSentAfterRestart: seen.bytes,
    };
    s3b.destroy();

    // 3. Incident: sealed → in bucket.
    const data = path.join(dir, 'data');
    const config = testConfig(data, { deviceId: 'BENCH-1', segmentSeconds: 1, preRecordSeconds: 1, postRecordSeconds: 0 });
    const r = await buildService(config, { log: silentLogger() });
    await r.start();
    const offload = new OffloadService({ config: cfg(), deviceId: 'BENCH-1', recorder: r, bus: r.bus, clock: r.clock, log: silentLogger() });
    await offload.start();
    const sealedAt = new Map<string, number>();
    r.bus.on('segment.sealed', (e) => void (e.caseIds.includes('INC-B') && sealedAt.set(e.segmentId, Date.now())));
    await r.sessions.open({ caseId: 'INC-B', trigger: 'incident', source: 'bench' });
    await offload.enqueue('INC-B', true);
    const inBucket = new Map<string, number>();
    const until = Date.now() + 20_000;
    while (Date.now() < until + 5000) {
      const l = await s3.send(new ListObjectsV2Command({ Bucket: 'evidence', Prefix: 'casecam/incident/' }));
      for (const o of l.Contents ?? []) {
        const id = path.basename(o.Key!, '.mkv');
        if (!inBucket.has(id)) inBucket.set(id, Date.now());
      }
      if (Date.now() > until && [...sealedAt.keys()].every((id) => inBucket.has(id))) break;
      await sleep(100);
    }
    await offload.stop();
    await r.stop();
    s3.destroy();
    const delays = [...sealedAt].filter(([id]) => inBucket.has(id)).map(([id, at]) => (inBucket.get(id)! - at) / 1000);
    const incident = { segments: sealedAt.size, inBucket: delays.length, sealedToBucketSeconds: stats(delays) };
    return { upload, resumeAfterKill: resume, incident, loadAverage: os.loadavg().map((x) => +x.toFixed(2)) };
  } finally {
    server.proc.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}
