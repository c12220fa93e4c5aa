/** `npm run config-docs`: rewrites the key table in docs/configuration.md from the config schema. */
import { readFile, writeFile } from 'node:fs/promises';
import { CONFIG_DOC, withGeneratedTable } from './config-docs.js';

await writeFile(CONFIG_DOC, withGeneratedTable(await readFile(CONFIG_DOC, 'utf8')));
console.log(`wrote ${CONFIG_DOC}`);
