/**
 * The layers of docs/architecture.md, held: no import cycle in src/, no module importing
 * from a layer above its own (the map is test/architecture/layers.ts), no loop between
 * directories, nothing in src/ importing from simulator/ or test/. Each failure names the offending import.
 */
import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYERS, OUTSIDE_SRC_ALLOWED } from './layers.js';
import { directoryCycles, importCycles, importGraph, layerOf, layerViolations, type ImportGraph } from './import-graph.js';

// dist/test/architecture/ → the repository root, where the sources are.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test('src/ has no import cycle', async (t) => {
  const cycles = importCycles(await importGraph(ROOT));
  t.deepEqual(cycles.map((c) => c.join(' → ')), [], `${cycles.length} import cycle(s) in src/`);
});

test('no two directories of a layer import each other, directly or round a loop', async (t) => {
  const cycles = directoryCycles(await importGraph(ROOT), LAYERS);
  t.deepEqual(cycles, [], `${cycles.length} cycle(s) between directories of src/`);
});

test('no module in src/ imports from a higher layer or from outside src/', async (t) => {
  const violations = layerViolations(await importGraph(ROOT), LAYERS, OUTSIDE_SRC_ALLOWED);
  t.deepEqual(violations, [], `${violations.length} import(s) against test/architecture/layers.ts`);
});

// The checks themselves, on a made-up graph, so a check that cannot fail is caught.
const made = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

test('the cycle check finds a cycle, a self-import and names the path', (t) => {
  const g = made({
    'src/a.ts': ['src/b.ts'],
    'src/b.ts': ['src/c.ts', 'src/d.ts'],
    'src/c.ts': ['src/a.ts'],
    'src/d.ts': [],
    'src/e.ts': ['src/e.ts'],
  });
  t.deepEqual(importCycles(g).map((c) => c.join(' → ')).sort(), ['src/a.ts → src/b.ts → src/c.ts → src/a.ts', 'src/e.ts → src/e.ts']);
  t.deepEqual(importCycles(made({ 'src/a.ts': ['src/b.ts'], 'src/b.ts': [] })), []);
});

test('the directory check names the imports that close a loop between directories', (t) => {
  const g = made({
    'src/evidence/a.ts': ['src/recording/b.ts', 'src/evidence/c.ts'],
    'src/evidence/c.ts': [],
    'src/recording/b.ts': ['src/evidence/c.ts'],
  });
  t.deepEqual(directoryCycles(g, LAYERS), ['src/evidence → src/recording → src/evidence (src/evidence/a.ts imports src/recording/b.ts; src/recording/b.ts imports src/evidence/c.ts)']);
  t.deepEqual(directoryCycles(made({ 'src/recording/b.ts': ['src/evidence/c.ts'], 'src/evidence/c.ts': [] }), LAYERS), []);
  // Across layers it is the layer check's to report, once.
  t.deepEqual(directoryCycles(made({ 'src/core/a.ts': ['src/media/b.ts'], 'src/media/b.ts': ['src/core/a.ts'] }), LAYERS), []);
});

test('the layer check names an upward import, an unplaced file and an import from outside src/ (but the allowed one)', (t) => {
  t.is(layerOf(LAYERS, 'src/core/bus.ts'), 0);
  t.is(layerOf(LAYERS, 'src/cli/main.ts'), LAYERS.length - 1);
  const g = made({
    'src/core/events.ts': ['src/media/segment.ts', 'src/core/clock.ts'],
    'src/media/segment.ts': ['src/core/clock.ts'],
    'src/recording/x.ts': ['simulator/twins/sim-gpio.ts'],
    'src/cli/simulate-command.ts': ['simulator/scenarios.ts'],
    'src/nowhere/y.ts': [],
  });
  t.deepEqual(layerViolations(g, LAYERS, OUTSIDE_SRC_ALLOWED), [
    'src/core/events.ts (core) imports src/media/segment.ts (recording, a higher layer)',
    'src/recording/x.ts imports simulator/twins/sim-gpio.ts: production code imports nothing outside src/ (but what OUTSIDE_SRC_ALLOWED lists)',
    'src/nowhere/y.ts is in no layer: add its directory to test/architecture/layers.ts',
  ]);
});
