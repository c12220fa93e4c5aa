/**
 * The machine-readable MQTT contract, generated from the same zod schemas the uplink
 * uses (payloads.ts): one JSON Schema per topic plus an index of topics. Checked in
 * under docs/contract/; test/uplink/contract.test.ts fails when it drifts from the code.
 */
import { z } from 'zod';
import { CONTRACT_VERSION, TOPICS } from './payloads.js';

export const CONTRACT_DIR = 'docs/contract';

function fileName(topic: string): string {
  return `${topic.replace(/\//g, '-')}.schema.json`;
}

/** File name (inside docs/contract/) → its exact text. */
export function contractFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const index: Record<string, unknown> = {};
  for (const [topic, spec] of Object.entries(TOPICS)) {
    const schema = z.toJSONSchema(spec.schema, { io: 'input', unrepresentable: 'any' });
    files[fileName(topic)] = JSON.stringify(
      {
        ...schema,
        $id: `casecam/contract/${CONTRACT_VERSION}/${fileName(topic)}`,
        title: `casecam/<deviceId>/${topic}`,
        'x-retained': spec.retained,
        'x-qos': spec.qos,
        'x-direction': spec.direction,
        'x-encoding': spec.json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
      },
      null,
      2,
    ) + '\n';
    index[topic] = { topic: `casecam/<deviceId>/${topic}`, retained: spec.retained, qos: spec.qos, direction: spec.direction, schema: fileName(topic) };
  }
  files['topics.json'] = JSON.stringify({ contractVersion: CONTRACT_VERSION, topicRoot: 'casecam/<deviceId>/', topics: index }, null, 2) + '\n';
  return files;
}
