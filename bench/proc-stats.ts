/** CPU and memory of processes, read from /proc (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by a process; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident set size and its peak, in MB. */
export function memoryMb(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 102.4) / 10, peakRssMb: Math.round(kb('VmHWM') / 102.4) / 10 };
}

/** A process and all its live descendants (children, grandchildren…), from /proc. */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree.filter((p) => parent.has(p));
}

/** CPU seconds of a process including its children that have exited and been reaped. */
export function cpuSecondsWithReaped(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Live CPU seconds of every process in the trees of `roots`. */
export function treeCpuSeconds(roots: number[]): number {
  return roots.flatMap(processTree).reduce((s, p) => s + cpuSeconds(p), 0);
}

/** Proportional set size in MB: pages shared with other processes (libraries, the node binary) counted in shares. */
export function pssMb(pid: number): number {
  try {
    const kb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 102.4) / 10;
  } catch {
    return 0;
  }
}

/**
 * Total RSS of every live process in the trees of `roots` (shared pages counted once per
 * process), total PSS (shared pages counted once), and the largest peak RSS of one.
 */
export function treeMemory(roots: number[]): { processes: number; totalRssMb: number; totalPssMb: number; maxPeakRssMb: number; rssMb: number[] } {
  const pids = roots.flatMap(processTree);
  const pss = pids.reduce((s, p) => s + pssMb(p), 0);
  const mem = pids.map((p) => {
    try {
      return memoryMb(p);
    } catch {
      return { rssMb: 0, peakRssMb: 0 };
    }
  });
  return {
    processes: pids.length,
    totalRssMb: Math.round(mem.reduce((s, m) => s + m.rssMb, 0) * 10) / 10,
    totalPssMb: Math.round(pss * 10) / 10,
    maxPeakRssMb: Math.max(0, ...mem.map((m) => m.peakRssMb)),
    rssMb: mem.map((m) => m.rssMb),
  };
}
