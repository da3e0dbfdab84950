// Writes the README's quick start (the ```js block that starts with `// quickstart.mjs`) to
// the file named by argv[2], after checking that it imports the package by the name in
// package.json, so that it runs against dist/ through the package's self-reference as a
// user's file in this package would. Prints that name. Plain node: APIs: runs under
// Node, Bun and Deno.
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.argv[2];
if (!out) throw new Error('usage: extract-quickstart.mjs <output.mjs>');
const root = new URL('../../', import.meta.url);
const { name } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const readme = readFileSync(new URL('README.md', root), 'utf8');
const match = /```js\n\/\/ quickstart\.mjs\n([\s\S]*?)```/.exec(readme);
if (!match) throw new Error('README.md has no ```js block starting with // quickstart.mjs');
const code = match[1];
const specifiers = [...code.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]).filter((s) => !s.startsWith('node:'));
if (specifiers.length === 0 || specifiers.some((s) => s !== name && !s.startsWith(`${name}/`))) {
  throw new Error(`the quick start imports ${JSON.stringify(specifiers)}; package.json names the package "${name}"`);
}
writeFileSync(out, code);
console.log(name);
