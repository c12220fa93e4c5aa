/**
 * The import graph of src/, read with the TypeScript compiler's own pre-processor (so
 * `import type`, `export … from` and `import()` all count), and the two checks run on
 * it: import cycles (strongly connected components) and imports against the layer map.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import type { Layer } from './layers.js';

/** Repository-relative path (posix) → the repository-relative files it imports. */
export type ImportGraph = Map<string, string[]>;

async function tsFiles(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await tsFiles(root, rel)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out.sort();
}

/** A relative specifier as NodeNext writes it ('./x.js') → the source file it names. */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined; // a package or a node: builtin
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return target.replace(/\.js$/, '.ts');
}

export async function importGraph(root: string, dir = 'src'): Promise<ImportGraph> {
  const graph: ImportGraph = new Map();
  for (const file of await tsFiles(root, dir)) {
    const info = ts.preProcessFile(await readFile(path.join(root, file), 'utf8'), true, true);
    const targets = info.importedFiles.map((f) => resolve(file, f.fileName)).filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every import cycle, one per strongly connected component, as a closed path a → … → a. */
export function importCycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm, iterative over the sorted node list so the report is stable.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((c) => shortestCycle(graph, new Set(c)));
}

/** A shortest cycle through the first (sorted) member of a component, for the message. */
function shortestCycle(graph: ImportGraph, members: Set<string>): string[] {
  const start = [...members].sort()[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const cycle = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = prev.get(u)) cycle.splice(1, 0, u);
        return [...cycle, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** A file's directory under src/ ('src/media'); a file directly in src/ stands for itself. */
export function moduleDir(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : file;
}

/**
 * Cycles between directories of one layer (src/evidence → src/recording → src/evidence),
 * each with the file imports that make it: what keeps "a layer's directories may import
 * each other" one-way. Upward imports are left out (the layer check reports them), so
 * every cycle found lies within one layer.
 */
export function directoryCycles(graph: ImportGraph, layers: Layer[]): string[] {
  const dirs: ImportGraph = new Map();
  const via = new Map<string, string[]>();
  for (const [file, targets] of graph) {
    const from = moduleDir(file);
    if (!dirs.has(from)) dirs.set(from, []);
    for (const target of targets) {
      const to = moduleDir(target);
      const [lf, lt] = [layerOf(layers, file), layerOf(layers, target)];
      if (to === from || lf === undefined || lt === undefined || lt > lf) continue;
      const edges = dirs.get(from)!;
      if (!edges.includes(to)) edges.push(to);
      const key = `${from} ${to}`;
      via.set(key, [...(via.get(key) ?? []), `${file} imports ${target}`]);
    }
  }
  return importCycles(dirs).map((cycle) => {
    const steps = cycle.slice(1).map((to, i) => {
      const imports = via.get(`${cycle[i]!} ${to}`)!;
      return imports.slice(0, 3).join(', ') + (imports.length > 3 ? ` and ${imports.length - 3} more` : '');
    });
    return `${cycle.join(' → ')} (${steps.join('; ')})`;
  });
}

/** The layer a file belongs to (index into `layers`), by its longest matching prefix. */
export function layerOf(layers: Layer[], file: string): number | undefined {
  let best: { layer: number; length: number } | undefined;
  layers.forEach((layer, i) => {
    for (const prefix of layer.paths) {
      if (file.startsWith(prefix) && (!best || prefix.length > best.length)) best = { layer: i, length: prefix.length };
    }
  });
  return best?.layer;
}

/** One line per import that breaks the layer map, and per file the map does not place. */
export function layerViolations(graph: ImportGraph, layers: Layer[], outsideAllowed: Array<{ from: string; to: string }> = []): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(layers, file);
    if (from === undefined) {
      out.push(`${file} is in no layer: add its directory to test/architecture/layers.ts`);
      continue;
    }
    for (const target of targets) {
      if (!target.startsWith('src/')) {
        if (outsideAllowed.some((a) => file.startsWith(a.from) && target.startsWith(a.to))) continue;
        out.push(`${file} imports ${target}: production code imports nothing outside src/ (but what OUTSIDE_SRC_ALLOWED lists)`);
        continue;
      }
      const to = layerOf(layers, target);
      if (to !== undefined && to > from) {
        out.push(`${file} (${layers[from]!.name}) imports ${target} (${layers[to]!.name}, a higher layer)`);
      }
    }
  }
  return out;
}
