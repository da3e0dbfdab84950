// Runs one example: `npm run example -- <name> [--quick]`; without a name, lists them.
// The examples import 'conveyor-queue' exactly as your code would: inside this repository Node
// resolves the package's own name to the built library in dist/ (a package may import
// itself by name through its "exports"), so build first; `npm run example` does.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .map((f) => f.slice(0, -4))
  .sort();

const name = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (name === undefined || !names.includes(name)) {
  if (name !== undefined) console.error(`no example named "${name}"`);
  console.log('usage: npm run example -- <name> [--quick]\n\nexamples:\n' + names.map((n) => `  ${n}`).join('\n'));
  process.exitCode = name === undefined ? 0 : 1;
} else {
  await import(pathToFileURL(join(dir, `${name}.mjs`)).href);
}
