/**
 * The index never names a file that is not durable, also when sealing resumes after a
 * crash that came between the move into evidence and the fsync: the file found already
 * in place is fsynced (file and directory) before its row is written. Observed with
 * strace, in a child process, on the real Sealer, Store and Journal.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/test-config.js';

const dist = (p: string) => fileURLToPath(new URL(`../../src/${p}`, import.meta.url));

/** Seal segment `id` (its file at <root>/ring/<id>.mkv) in a child process under strace; stderr has the fsync calls. */
async function sealUnderStrace(root: string, evidenceDir: string, id: string, start: number): Promise<{ stdout: string; stderr: string }> {
  const script = `
    import { Store } from ${JSON.stringify(dist('store/store.js'))};
    import { Journal } from ${JSON.stringify(dist('evidence/journal.js'))};
    import { Sealer } from ${JSON.stringify(dist('recording/sealer.js'))};
    import { silentLogger } from ${JSON.stringify(dist('core/logger.js'))};
    const log = silentLogger();
    const clock = { now: () => Date.now() };
    const store = await Store.open(${JSON.stringify(path.join(root, 'db'))}, log);
    const journal = await Journal.open(store, clock, log);
    const sealer = new Sealer(store, ${JSON.stringify(evidenceDir)}, clock, journal);
    const seg = { id: ${JSON.stringify(id)}, channel: 'cam1', runId: '${start}', index: 0, file: ${JSON.stringify(path.join(root, 'ring', `${id}.mkv`))},
      start: ${start}, end: ${start + 1000}, runningStartNs: '0', partial: true };
    const r = await sealer.seal(seg, { recovered: true });
    process.stdout.write(JSON.stringify({ fresh: r.fresh, file: r.record.file }));
    await store.close();
  `;
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile('strace', ['-f', '-y', '-e', 'trace=fsync,fdatasync', process.execPath, '--input-type=module', '-e', script], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const failure: Error | null = err && Object.assign(err, { stderr });
      if (failure) reject(failure);
      else resolve({ stdout, stderr });
    });
  });
}

function fsynced(straceOut: string): string[] {
  return [...straceOut.matchAll(/f(?:data)?sync\(\d+<([^>]*)>\)\s*=\s*0/g)].map((m) => m[1]!);
}

test('a segment found already moved into evidence is fsynced before it is indexed', async (t) => {
  const root = await tempDir('casecam-seal-durable-');
  const start = Date.UTC(2026, 0, 2, 3, 4, 5);
  const id = `cam1_${start}_00000`;
  const evidenceDir = path.join(root, 'evidence');
  const dayDir = path.join(evidenceDir, '2026-01-02');
  const dest = path.join(dayDir, `${id}.mkv`);
  await mkdir(dayDir, { recursive: true });
  await writeFile(dest, Buffer.alloc(4096, 7)); // moved before the crash, maybe not yet on disk
  const out = await sealUnderStrace(root, evidenceDir, id, start);
  t.deepEqual(JSON.parse(out.stdout), { fresh: true, file: path.join('2026-01-02', `${id}.mkv`) });
  const synced = fsynced(out.stderr);
  t.true(synced.includes(dest), `the evidence file is fsynced; fsynced: ${JSON.stringify(synced)}`);
  t.true(synced.includes(dayDir), `its directory is fsynced; fsynced: ${JSON.stringify(synced)}`);
});

test('a day directory left by an earlier run is made durable in its parent before the first segment in it is indexed', async (t) => {
  const root = await tempDir('casecam-seal-daydir-');
  const start = Date.UTC(2026, 0, 2, 3, 4, 5);
  const id = `cam1_${start}_00000`;
  const evidenceDir = path.join(root, 'evidence');
  // Made by a run that died before it fsynced the evidence directory.
  await mkdir(path.join(evidenceDir, '2026-01-02'), { recursive: true });
  await mkdir(path.join(root, 'ring'));
  await writeFile(path.join(root, 'ring', `${id}.mkv`), Buffer.alloc(4096, 7));
  const out = await sealUnderStrace(root, evidenceDir, id, start);
  t.deepEqual(JSON.parse(out.stdout), { fresh: true, file: path.join('2026-01-02', `${id}.mkv`) });
  const synced = fsynced(out.stderr);
  t.true(synced.includes(evidenceDir), `the evidence directory is fsynced; fsynced: ${JSON.stringify(synced)}`);
});
