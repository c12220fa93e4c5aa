/**
 * A twin of the kernel's sysfs for a directory on LVM on LUKS2 on an SD card's partition,
 * for hardware this machine lacks (no device-mapper here). `atRest(dir, twin.sys)` reads
 * it as it reads /sys: /sys/dev/block/MAJ:MIN of the directory's file system links to
 * dm-1 (LVM), whose slave is dm-0 (CRYPT-LUKS2), whose slave is mmcblk0p3.
 */
import { mkdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { majorMinor } from '../../src/evidence/at-rest.js';

export interface SysfsTwin {
  sys: string;
  /** Point the directory's device at the LVM-on-LUKS stack (the default), the bare partition, or nothing. */
  mount(to: 'lvm-on-luks' | 'partition' | 'none'): Promise<void>;
}

export async function luksSysfs(root: string, dir: string): Promise<SysfsTwin> {
  const mm = majorMinor((await stat(dir, { bigint: true })).dev);
  const sys = path.join(root, 'sys');
  const virt = path.join(sys, 'devices', 'virtual', 'block');
  const part = path.join(sys, 'devices', 'platform', 'mmc', 'block', 'mmcblk0', 'mmcblk0p3');
  await mkdir(part, { recursive: true });
  for (const [name, uuid] of [['dm-0', 'CRYPT-LUKS2-3f1c0e5c2b7d4a8e9f00112233445566-evidence_crypt'], ['dm-1', 'LVM-abcdef']] as const) {
    await mkdir(path.join(virt, name, 'dm'), { recursive: true });
    await mkdir(path.join(virt, name, 'slaves'), { recursive: true });
    await writeFile(path.join(virt, name, 'dm', 'uuid'), `${uuid}\n`);
  }
  await symlink(part, path.join(virt, 'dm-0', 'slaves', 'mmcblk0p3'));
  await symlink(path.join(virt, 'dm-0'), path.join(virt, 'dm-1', 'slaves', 'dm-0'));
  await mkdir(path.join(sys, 'dev', 'block'), { recursive: true });
  const link = path.join(sys, 'dev', 'block', mm);
  const twin: SysfsTwin = {
    sys,
    async mount(to) {
      await rm(link, { force: true });
      if (to === 'lvm-on-luks') await symlink(path.join(virt, 'dm-1'), link);
      if (to === 'partition') await symlink(part, link);
    },
  };
  await twin.mount('lvm-on-luks');
  return twin;
}
