/**
 * Where casecam may keep data. /proc, /sys and /dev are kernel file systems: Node's
 * recursive mkdir loops for ever under /proc, and nothing written there is stored.
 * A path is checked as written and as it resolves through symlinks (its nearest
 * existing ancestor), so a link into /proc is refused too.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { CasecamError } from '../core/errors.js';

const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

function underSystemRoot(p: string): string | undefined {
  return SYSTEM_ROOTS.find((root) => p === root || p.startsWith(`${root}/`));
}

/** The path with its nearest existing ancestor's symlinks resolved. */
function resolvedThroughLinks(p: string): string {
  let existing = p;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return p;
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}

/** Refuse a data path under /proc, /sys or /dev, naming `what` (a config field or a flag). */
export function refuseSystemPath(p: string, what: string): string {
  const abs = path.resolve(p);
  const root = underSystemRoot(abs) ?? underSystemRoot(resolvedThroughLinks(abs));
  if (root) throw new CasecamError('bad-config', `${what}: "${p}" is under ${root}, a kernel file system: choose a directory on storage`);
  return abs;
}
