/** `npm run contract`: writes docs/contract/ from the payload schemas (run from the repository root). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CONTRACT_DIR, contractFiles } from './contract.js';

await mkdir(CONTRACT_DIR, { recursive: true });
for (const [name, text] of Object.entries(contractFiles())) {
  await writeFile(path.join(CONTRACT_DIR, name), text);
  console.log(`wrote ${path.join(CONTRACT_DIR, name)}`);
}
