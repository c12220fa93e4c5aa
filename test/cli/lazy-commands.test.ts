/**
 * main.ts loads every command but `run` on use (so the service's start loads only its own
 * import graph) and therefore repeats each command's summary: they must stay the same.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from '../../src/cli/args.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

const modules: Array<[string, () => Promise<Command>]> = [
  ['demo', async () => (await import('../../src/cli/demo-command.js')).demoCommand],
  ['case', async () => (await import('../../src/cli/case-command.js')).caseCommand],
  ['verify', async () => (await import('../../src/cli/verify-command.js')).verifyCommand],
  ['journal', async () => (await import('../../src/cli/journal-command.js')).journalCommand],
  ['simulate', async () => (await import('../../src/cli/simulate-command.js')).simulateCommand],
  ['registry', async () => (await import('../../src/cli/registry-command.js')).registryCommand],
  ['provision', async () => (await import('../../src/cli/provision-command.js')).provisionCommand],
  ['keys', async () => (await import('../../src/cli/keys-command.js')).keysCommand],
  ['broker', async () => (await import('../../src/cli/broker-command.js')).brokerCommand],
  ['selfcheck', async () => (await import('../../src/cli/selfcheck-command.js')).selfcheckCommand],
];

test('casecam --help lists each lazily loaded command with the summary its module declares', async (t) => {
  const usage = await new Promise<string>((resolve, reject) => execFile('node', [CLI, '--help'], { timeout: 60_000 }, (err, stdout) => (err ? reject(new Error(err.message)) : resolve(stdout))));
  for (const [name, load] of modules) {
    const cmd = await load();
    t.is(cmd.name, name);
    const line = usage.split('\n').find((l) => l.trim().startsWith(`${name} `));
    t.is(line?.trim().replace(/^\S+\s+/, ''), cmd.summary, `summary of ${name}`);
  }
});
