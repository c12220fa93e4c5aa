/**
 * Only src/store/ reaches LevelDB's sublevels: the rest of src/ goes through the tables'
 * get/put/values and the Store's named queries, so the layout can change in one place.
 */
import test from 'ava';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// `.sub` as a property (table.sub, store.journal.sub), not `.sublevel` or `.subscribe`.
const SUBLEVEL_READ = /\.sub\b(?!\s*[:=(])/;

test('no module outside src/store/ reads a table\'s sublevel', async (t) => {
  const offenders: string[] = [];
  for (const entry of await readdir(path.join(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (file.startsWith('src/store/')) continue;
    const lines = (await readFile(path.join(ROOT, file), 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (SUBLEVEL_READ.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  t.deepEqual(offenders, [], 'use (or add) a named query in src/store/');
});

test('the pattern catches a sublevel read and passes its look-alikes', (t) => {
  t.true(SUBLEVEL_READ.test('for await (const x of store.journal.sub.iterator())'));
  t.true(SUBLEVEL_READ.test('const sub = this.deps.table.sub;'));
  t.false(SUBLEVEL_READ.test("{ type: 'put', sublevel: s, key }"));
  t.false(SUBLEVEL_READ.test('client.subscribe(topic)'));
});
