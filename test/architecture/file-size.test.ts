/**
 * Small files with one job each: no TypeScript file in src/ is over 300 lines
 * (docs/architecture.md). The failure names every file over the limit and its length.
 */
import test from 'ava';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MAX_LINES = 300;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []))),
  );
  return nested.flat();
}

function linesOf(text: string): number {
  return text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

test(`no file in src/ is over ${MAX_LINES} lines`, async (t) => {
  const files = await sourceFiles(path.join(ROOT, 'src'));
  t.true(files.length > 50, `found only ${files.length} files: is ROOT right?`);
  const over: string[] = [];
  for (const f of files) {
    const n = linesOf(await readFile(f, 'utf8'));
    if (n > MAX_LINES) over.push(`${path.relative(ROOT, f)}: ${n} lines`);
  }
  t.deepEqual(over, []);
});

test('the line count counts what wc -l counts', (t) => {
  t.is(linesOf(''), 0);
  t.is(linesOf('a\n'), 1);
  t.is(linesOf('a\nb'), 2);
  t.is(linesOf('a\nb\n'), 2);
});
