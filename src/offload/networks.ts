/** Which networks routine uploads may use (JT/T 1078's upload conditions): interface name patterns. */
import os from 'node:os';

/** True when no patterns are set, or an interface (not loopback) whose name matches one (`*` wildcard) is up. */
export function routineNetworkUp(patterns: string[], interfaces?: () => string[]): boolean {
  if (patterns.length === 0) return true;
  const names = interfaces?.() ?? Object.entries(os.networkInterfaces()).filter(([, a]) => a?.some((x) => !x.internal)).map(([n]) => n);
  return names.some((n) => patterns.some((p) => new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(n)));
}
