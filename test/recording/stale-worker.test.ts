/**
 * After a kill -9 of the main process, its media worker lives on for a while (it ends
 * its segment when it notices). A new start must stop it before recovery and before
 * its own worker starts: with a real camera the device would still be busy. The old
 * worker is also SIGSTOPped here, so it cannot leave on its own: only the new start's
 * pidfile check can end it.
 */
import test from 'ava';
import { buildService } from '../../src/service/build-service.js';
import { silentLogger } from '../../src/core/logger.js';
import { processStart } from '../../src/media/worker-pidfile.js';
import { HostClient } from '../helpers/host-client.js';
import { tempDir, testConfig, waitFor } from '../helpers/test-config.js';

test('kill -9 of the service: the old media worker is gone before the new start has its worker', async (t) => {
  const dir = await tempDir();
  const config = testConfig(dir, { channels: 1, preRecordSeconds: 2, postRecordSeconds: 1 });
  const host = await HostClient.start(config, dir);
  await waitFor(async () => (await host.call<{ channels: Array<{ ok: boolean }> }>('state')).channels.every((c) => c.ok) || undefined, 60_000, 'media flowing in the host');
  const { workers } = await host.kill9Main((pids) => pids.forEach((pid) => process.kill(pid, 'SIGSTOP')));
  const old = workers[0]!;
  t.truthy(processStart(old), 'the old worker outlived the main process');
  t.teardown(() => {
    try {
      process.kill(old, 'SIGKILL');
    } catch {
      /* gone, as it should be */
    }
  });

  const app = await buildService(config, { log: silentLogger() });
  await app.start();
  t.teardown(() => app.stop());
  const sup = app.supervisors[0]!;
  t.truthy(sup.pid, 'the new worker runs');
  t.not(sup.pid, old);
  t.is(processStart(old), undefined, 'the old worker was stopped before the new one started');
  await waitFor(() => (sup.ok ? true : undefined), 60_000, 'media from the new worker');
});
