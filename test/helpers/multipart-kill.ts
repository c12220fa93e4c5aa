/**
 * kill -9 in the middle of a multipart upload, shared by the resume tests and the offload
 * bench: the child (test/offload/fixtures/multipart-child.ts) uploads one file multipart,
 * throttled, saving the upload state to a real LevelDB after every acknowledged part; it
 * is killed once it has printed `parts 2`, and the state it saved is read back, as the
 * uploader would find it after the restart.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Level } from 'level';
import type { S3Client } from '@aws-sdk/client-s3';
import type { OffloadConfig } from '../../src/config/offload-schema.js';
import { OffloadObjectSchema, type OffloadObject } from '../../src/offload/offload-record.js';
import { waitFor } from './test-config.js';

const CHILD = fileURLToPath(new URL('../offload/fixtures/multipart-child.js', import.meta.url));

export interface KilledUpload {
  /** The object as the child last saved it: upload ID and the acknowledged parts. */
  saved: OffloadObject;
  /** What the child printed before it was killed (`parts N` lines; `done` if it finished). */
  output: string;
}

export async function killAfterTwoParts(o: { dbDir: string; file: string; config: OffloadConfig; key: string }): Promise<KilledUpload> {
  const child = spawn(process.execPath, [CHILD, o.dbDir, o.file, JSON.stringify(o.config), o.key], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor(() => /parts 2\n/.test(output), 60_000, 'two parts acknowledged');
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  const db = new Level<string, string>(o.dbDir, { valueEncoding: 'utf8' });
  await db.open();
  try {
    return { saved: OffloadObjectSchema.parse(JSON.parse(await db.get('object'))), output };
  } finally {
    await db.close();
  }
}

/** Records every UploadPart a client sends (part number and bytes), from now on. */
export function countUploadParts(s3: S3Client): { parts: number[]; bytes: number } {
  const seen = { parts: [] as number[], bytes: 0 };
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'UploadPartCommand') {
        const input = args.input as { PartNumber: number; Body: Buffer };
        seen.parts.push(input.PartNumber);
        seen.bytes += input.Body.length;
      }
      return next(args);
    },
    { step: 'initialize' },
  );
  return seen;
}
