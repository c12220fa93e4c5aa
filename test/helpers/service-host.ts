/**
 * Runs the real service (buildService) in a child process so tests and benchmarks can kill it
 * with SIGKILL. Started with fork(); argv[2] is a JSON config file, argv[3] (optional) JSON
 * service options that survive JSON (`uplink`: report over MQTT, e.g. `{}` for the embedded
 * broker the config names). Commands arrive as
 * IPC messages {id, op, args} and are answered {id, ok, result|error}.
 */
import { readFile } from 'node:fs/promises';
import { buildService, type ServiceOptions } from '../../src/service/build-service.js';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/core/logger.js';
import { errorMessage } from '../../src/core/errors.js';
import { caseSegments } from '../../src/store/case-segments.js';

const config = parseConfig(JSON.parse(await readFile(process.argv[2]!, 'utf8')));
const log = createLogger({ level: process.env.CASECAM_LOG_LEVEL ?? 'warn', pretty: false });
const extra = JSON.parse(process.argv[3] ?? '{}') as Pick<ServiceOptions, 'uplink'>;
const service = await buildService(config, { log, uplink: extra.uplink });

type Op = (args: Record<string, unknown>) => Promise<unknown> | unknown;
const ops: Record<string, Op> = {
  open: (a) => service.sessions.open({ caseId: a.caseId as string, trigger: (a.trigger as string) ?? 'application.accepted', source: 'test' }),
  marker: (a) => service.sessions.marker({ caseId: a.caseId as string, type: (a.type as string) ?? 'inquiry', source: 'test' }),
  close: (a) => service.sessions.close({ caseId: a.caseId as string, trigger: (a.trigger as string) ?? 'documents.served', reason: a.reason as string, source: 'test' }),
  state: () => service.state(),
  caseSegments: async (a) => (await caseSegments(service.store, a.caseId as string)).length,
  pids: () => ({ main: process.pid, workers: service.supervisors.map((s) => s.pid) }),
  // V8's view of the main process (soak bench): heap growth is a leak, RSS growth alone is the allocator.
  memory: () => process.memoryUsage(),
  stop: async () => {
    await service.stop();
    setTimeout(() => process.exit(0), 50);
    return true;
  },
};

process.on('message', (raw) => {
  const { id, op, args } = raw as { id: number; op: string; args: Record<string, unknown> };
  Promise.resolve()
    .then(() => {
      const fn = ops[op];
      if (!fn) throw new Error(`unknown op ${op}`);
      return fn(args ?? {});
    })
    .then(
      (result) => process.send?.({ id, ok: true, result }),
      (err: unknown) => process.send?.({ id, ok: false, error: errorMessage(err) }),
    );
});

await service.start();
process.send?.({ id: 0, ok: true, result: 'started' });
