/**
 * The self-check's probes of the box itself: the evidence directory written to (with
 * fsync) and timed, whether it sits on an encrypted device, the device key read, the
 * clock's synchronisation as systemd sees it.
 * Each returns a checked item; none throws.
 */
import { execFile } from 'node:child_process';
import { open, readFile, statfs, unlink } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../core/errors.js';
import type { SelfCheckItem } from '../core/selfcheck-schema.js';
import { atRest, type AtRest } from '../evidence/at-rest.js';

const PROBE_BYTES = 4 * 1024 * 1024;

export async function storageProbe(evidenceDir: string, bytesPerSecond: number | null, minHours: number): Promise<SelfCheckItem> {
  const file = path.join(evidenceDir, `.selfcheck-${process.pid}-${Date.now()}`);
  let writeMBps: number;
  try {
    const t0 = process.hrtime.bigint();
    const fh = await open(file, 'w');
    try {
      const block = Buffer.alloc(1024 * 1024, 0x5a);
      for (let i = 0; i < PROBE_BYTES / block.length; i++) await fh.write(block);
      await fh.sync();
    } finally {
      await fh.close();
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    writeMBps = Math.round((PROBE_BYTES / 1e6 / Math.max(s, 1e-6)) * 10) / 10;
  } catch (err) {
    await unlink(file).catch(() => undefined);
    return {
      name: 'storage',
      status: 'fail',
      detail: `cannot write to the evidence directory ${evidenceDir}: ${errorMessage(err)}`,
      action: 'check the evidence disk is mounted read-write (a read-only remount means file-system errors: run fsck) and has free space; recording cannot be sealed until it is',
    };
  }
  await unlink(file).catch(() => undefined);
  let freeBytes: number | null = null;
  try {
    const st = await statfs(evidenceDir);
    freeBytes = st.bavail * st.bsize;
  } catch {
    /* left unknown */
  }
  const hoursLeft = freeBytes !== null && bytesPerSecond ? Math.round((freeBytes / bytesPerSecond / 3600) * 10) / 10 : null;
  const figures = { writeMBps, freeBytes, hoursLeft };
  if (hoursLeft !== null && hoursLeft < minHours) {
    return { name: 'storage', status: 'fail', detail: `only ${hoursLeft} h of recording left`, action: `free space on the evidence disk (offload and confirm old cases) so that at least ${minHours} h of recording fit`, figures };
  }
  return { name: 'storage', status: 'ok', detail: `writable at ${writeMBps} MB/s${hoursLeft !== null ? `, ${hoursLeft} h of recording left` : ''}`, figures };
}

const LUKS_ACTION = 'put the data directory on a LUKS2 partition unlocked at boot by the TPM or a key file kept apart from the box (docs/provisioning.md, "Encryption at rest"); a stolen box would give up its footage';

/** Whether the evidence directory sits on an encrypted block device (dm-crypt): a warning when not, or when it cannot be told. */
export async function atRestProbe(evidenceDir: string, sysfs?: string): Promise<SelfCheckItem> {
  return atRestItem(evidenceDir, await atRest(evidenceDir, sysfs));
}

export function atRestItem(evidenceDir: string, r: AtRest): SelfCheckItem {
  const figures = { encrypted: r.encrypted, device: r.device, ...(r.via ? { via: r.via } : {}) };
  if (r.encrypted === true) return { name: 'at-rest', status: 'ok', detail: `the evidence directory is on an encrypted device (${r.device ?? '?'} on ${r.via ?? 'dm-crypt'})`, figures };
  if (r.encrypted === false) {
    return { name: 'at-rest', status: 'warn', detail: `the evidence directory ${evidenceDir} is on ${r.device ?? 'a block device'}, which is not encrypted`, action: LUKS_ACTION, figures };
  }
  return {
    name: 'at-rest',
    status: 'warn',
    detail: `cannot tell whether the evidence directory ${evidenceDir} is encrypted (not on a block device: tmpfs, overlay or a network file system)`,
    action: LUKS_ACTION,
    figures,
  };
}

export async function keyProbe(keyDir: string): Promise<SelfCheckItem> {
  try {
    const pem = await readFile(path.join(keyDir, 'device.key'), 'utf8');
    if (!pem.includes('PRIVATE KEY')) throw new Error('not a PEM private key');
    return { name: 'evidence-key', status: 'ok', detail: 'device signing key readable' };
  } catch (err) {
    return {
      name: 'evidence-key',
      status: 'fail',
      detail: `device signing key ${path.join(keyDir, 'device.key')} unreadable: ${errorMessage(err)}`,
      action: 'restore device.key from the provisioning backup; do not let a new key be made (bundles would not match the registered key)',
    };
  }
}

/** The system clock's NTP synchronisation as systemd-timesyncd reports it; unknown without systemd. */
export function ntpSynchronized(): Promise<boolean | null> {
  return new Promise((resolve) => {
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 3000 }, (err, stdout) => {
      if (err) return resolve(null);
      const v = stdout.trim();
      resolve(v === 'yes' ? true : v === 'no' ? false : null);
    });
  });
}
