/**
 * The embedded default: a simulated counter box with two test-source channels
 * (the window camera with its microphone, and a document camera).
 */
import type { Config } from './schema.js';
import { parseConfig } from './load.js';

export function simulatedCounterConfig(overrides: { dataDir: string; deviceId?: string }): Config {
  return parseConfig(
    {
      deviceId: overrides.deviceId ?? 'SIM-COUNTER-01',
      kind: 'counter',
      model: 'casecam-simulated-counter',
      site: 'Permit window 3 (simulated)',
      unit: 'Simulated transport bureau',
      officerId: 'SIM-0001',
      channels: [
        { id: 'cam1', template: 'test-av', params: { pattern: 'smpte' } },
        { id: 'cam2', template: 'test-av', params: { pattern: 'ball', freq: 660 } },
      ],
      paths: { dataDir: overrides.dataDir },
    },
    'simulated config',
  );
}
