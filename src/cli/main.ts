#!/usr/bin/env node
/**
 * `casecam` command line. Every command has --help; an error is one line on stderr
 * and a non-zero exit.
 */
import { exitStatus, errorMessage } from '../core/errors.js';
import { wedgedSteps } from '../core/bounded.js';
import type { Command } from './args.js';
import { runCommand } from './run-command.js';

/**
 * A command whose module is loaded only when it runs: the centre's and the fleet's tools
 * bring the S3 client, exceljs and the like, which `casecam run` on a device never needs;
 * the others (export, registry, the fleet simulator's MQTT client…) are loaded on use too,
 * so the service's start loads only `run`'s own import graph (bench/README.md, startup).
 * The summary here is the one the command's module declares (test/cli checks they match).
 */
function lazy(name: string, summary: string, load: () => Promise<Command>): Command {
  return { name, summary, help: summary, run: async (argv) => (await load()).run(argv) };
}

const demoCommand = lazy('demo', 'run a simulated counter case end to end and export its bundle', async () => (await import('./demo-command.js')).demoCommand);
const caseCommand = lazy('case', "list cases, show one case file, or export one case's signed bundle", async () => (await import('./case-command.js')).caseCommand);
const verifyCommand = lazy('verify', 'check a case bundle; exit 0 when intact', async () => (await import('./verify-command.js')).verifyCommand);
const journalCommand = lazy('journal', 'check the hash-chained journal, or list its entries', async () => (await import('./journal-command.js')).journalCommand);
const simulateCommand = lazy('simulate', 'drive a running service through a counter day or a patrol; simulate a fleet', async () => (await import('./simulate-command.js')).simulateCommand);
const registryCommand = lazy('registry', 'the fleet registry: CA, devices, accept, revoke, renew, roles, broker files', async () => (await import('./registry-command.js')).registryCommand);
const provisionCommand = lazy('provision', 'register a device and write its package (config, certificate, key)', async () => (await import('./provision-command.js')).provisionCommand);
const keysCommand = lazy('keys', 'show the device evidence key (public half and fingerprint)', async () => (await import('./keys-command.js')).keysCommand);
const brokerCommand = lazy('broker', "show the embedded MQTT broker's login (made at the service's first start)", async () => (await import('./broker-command.js')).brokerCommand);
const selfcheckCommand = lazy('selfcheck', 'start-of-duty self-check: channels, storage, clock, GPS, broker, outbox, key', async () => (await import('./selfcheck-command.js')).selfcheckCommand);
const archiveCommand = lazy('archive', 'the centre: verify uploaded cases and confirm them to devices; find and fetch cases', async () => (await import('./archive-command.js')).archiveCommand);
const offloadCommand = lazy('offload', 'show the upload queue of this device (cases, progress, confirmation)', async () => (await import('./offload-command.js')).offloadCommand);
const fleetCommand = lazy('fleet', 'fleet board, alarms, cases, equipment archive export, web board', async () => (await import('./fleet-command.js')).fleetCommand);

const commands: Command[] = [
  runCommand,
  demoCommand,
  caseCommand,
  verifyCommand,
  journalCommand,
  simulateCommand,
  registryCommand,
  provisionCommand,
  keysCommand,
  archiveCommand,
  offloadCommand,
  fleetCommand,
  brokerCommand,
  selfcheckCommand,
];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: casecam <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'casecam <command> --help shows a command\'s options.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  // Evidence, ring, database, keys and bundles are not for other local users: whatever
  // casecam (and its media workers, which inherit this) creates is private to its user.
  process.umask(0o077);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    console.error(`casecam: unknown command "${name}" (try casecam --help)`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    const code = exitStatus(err);
    console.error(`casecam ${name}: ${errorMessage(err)}`);
    return code;
  }
}

/**
 * A step that timed out and still hangs (core/bounded.ts) holds a thread that Node
 * waits for on any exit: only SIGKILL ends the process then. Said on stderr first.
 */
function endIfWedged(): void {
  const steps = wedgedSteps();
  if (!steps.length) return;
  process.stderr.write(`casecam: still hung in ${steps.join(', ')}: ending the process with SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    if (code !== 0) endIfWedged();
    // A one-shot command is done: do not let a straggling handle keep the process up.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    console.error(`casecam: ${errorMessage(err)}`);
    process.exitCode = 1;
  },
);
