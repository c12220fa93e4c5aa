/**
 * A power loss can drop LevelDB's last batch (it is not written with sync) after the
 * segment's file was made durable: the index row, the case link and the ring row's
 * removal are gone together. The recovery scan indexes the file again, and the open
 * case it belonged to must link it again, or the case silently lacks that footage.
 */
import test from 'ava';
import path from 'node:path';
import { buildService } from '../../src/service/build-service.js';
import { silentLogger } from '../../src/core/logger.js';
import { Store } from '../../src/store/store.js';
import { sleep, tempDir, testConfig } from '../helpers/test-config.js';
import { caseFiles } from '../helpers/case-media.js';

test('a sealed segment whose index batch was lost is indexed and linked to its open case again', async (t) => {
  const dir = await tempDir();
  const config = testConfig(dir, { channels: 1, preRecordSeconds: 2 });
  const first = await buildService(config, { log: silentLogger() });
  await first.start();
  await sleep(2500);
  await first.sessions.open({ caseId: 'PWR-1', trigger: 'application.accepted', source: 'test' });
  await sleep(5000);
  await first.sessions.idle();
  const before = (await caseFiles(first, 'PWR-1')).get('cam1')!;
  t.true(before.length >= 2);
  await first.stop();

  // Undo the last sealing batch by hand, as a power loss would: the file stays in evidence.
  const lost = before[before.length - 1]!;
  const store = await Store.open(path.join(dir, 'db'), silentLogger());
  await store.segments.del(lost.id);
  await store.caseSegments.del(Store.caseSegmentKey('PWR-1', lost.id));
  const [channel, runId, index] = lost.id.split('_') as [string, string, string];
  await store.ring.put(lost.id, {
    id: lost.id,
    channel,
    runId,
    index: Number(index),
    file: path.join(dir, 'ring', `${lost.id}.mkv`),
    start: lost.start,
    end: lost.end,
    runningStartNs: lost.runningStartNs,
  });
  await store.close();

  const second = await buildService(config, { log: silentLogger() });
  await second.start();
  t.teardown(() => second.stop());
  await second.sessions.idle();
  t.deepEqual(second.recovery!.orphansIndexed, [lost.id]);
  const after = (await caseFiles(second, 'PWR-1')).get('cam1')!;
  const again = after.find((s) => s.id === lost.id);
  t.truthy(again, 'the recovered segment is in the case again');
  t.is(again!.sha256, lost.sha256, 'with the same hash');
});
