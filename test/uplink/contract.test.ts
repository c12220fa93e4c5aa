/** The checked-in MQTT contract (docs/contract/) is exactly what the payload schemas generate. */
import test from 'ava';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { contractFiles } from '../../src/uplink/contract.js';

const dir = fileURLToPath(new URL('../../../docs/contract/', import.meta.url));

test('docs/contract matches the schemas in src/uplink/payloads.ts (run `npm run contract` after changing them)', async (t) => {
  const expected = contractFiles();
  const present = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  t.deepEqual(present, Object.keys(expected).sort());
  for (const [name, text] of Object.entries(expected)) {
    t.is(await readFile(dir + name, 'utf8'), text, `${name} drifted from the code`);
  }
});

test('every topic of the design has a schema, and commands list every action', (t) => {
  const files = contractFiles();
  for (const topic of ['status', 'state', 'health', 'inventory', 'events', 'cmd', 'cmd-reply', 'selfcheck']) t.truthy(files[`${topic}.schema.json`], topic);
  const cmd = JSON.parse(files['cmd.schema.json']!) as { oneOf?: Array<{ properties: { action: { const: string } } }>; anyOf?: unknown[] };
  const actions = (cmd.oneOf ?? (cmd.anyOf as typeof cmd.oneOf) ?? []).map((o) => o.properties.action.const).sort();
  t.deepEqual(actions, ['alarm', 'application.accepted', 'claim', 'documents.served', 'footage.upload', 'incident', 'investigation.started', 'live.start', 'live.stop', 'marker', 'offload.confirm', 'offload.reject', 'record.stop', 'selfcheck', 'state.get']);
});
