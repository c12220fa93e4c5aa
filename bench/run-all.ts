/**
 * `npm run bench`: runs every bench/*.bench.js (compiled) in turn and prints one JSON
 * object with each benchmark's figures under its name. A benchmark module exports a
 * default async function returning plain data. `npm run bench -- NAME` runs one.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const results: Record<string, unknown> = {};
for (const file of (await readdir(dir)).filter((f) => f.endsWith('.bench.js')).sort()) {
  const name = file.replace(/\.bench\.js$/, '');
  if (only.length && !only.includes(name)) continue;
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default: () => Promise<unknown> };
  process.stderr.write(`bench: ${name}\n`);
  try {
    results[name] = await mod.default();
  } catch (err) {
    results[name] = { error: err instanceof Error ? err.message : String(err) };
  }
}
console.log(JSON.stringify(results, null, 2));
process.exit(0);
