import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layering of ../shared/DESIGN.md, checked: a module imports (values or types) only from
 * its own folder or from a layer below it. The layers, lowest first:
 *   errors.ts -> shared/ -> codec/ -> order/ -> queue/ -> async/, limit/ -> pool/ -> entry points
 * (src/index.ts and workers/). codec/ sits below order/: the orderings lay out the bytes a codec
 * wrote (and take its EncodedRun), the codec knows nothing of record formats. async/ and limit/
 * share a rank and must not import each other.
 */
const root = fileURLToPath(new URL('../', import.meta.url));

const LAYERS: [prefix: string, rank: number][] = [
  ['src/errors.ts', 0],
  ['src/shared/', 1],
  ['src/codec/', 2],
  ['src/order/', 3],
  ['src/queue/', 4],
  ['src/async/', 5],
  ['src/limit/', 5],
  ['src/pool/', 6],
  ['src/redis/', 6],
  ['src/index.ts', 7],
  ['workers/', 7],
];

function layerOf(file: string): { prefix: string; rank: number } {
  const found = LAYERS.find(([prefix]) => file === prefix || (prefix.endsWith('/') && file.startsWith(prefix)));
  if (!found) throw new Error(`${file} is in no layer: add its folder to LAYERS (and to DESIGN.md)`);
  return { prefix: found[0], rank: found[1] };
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f).split('\\').join('/'));
}

/** Relative specifiers of static imports, re-exports and dynamic imports (comments stripped). */
function relativeImports(code: string): string[] {
  const text = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const specs: string[] = [];
  for (const m of text.matchAll(/\b(?:import|export)\b[^'";]*?\bfrom\s*['"](\.[^'"]+)['"]|\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    specs.push(m[1] ?? m[2]);
  }
  return specs;
}

/** Every import that breaks the layering, as "from -> to". */
export function violations(files: readonly string[], read: (file: string) => string): string[] {
  const out: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    for (const spec of relativeImports(read(file))) {
      const target = relative(root, resolve(root, dirname(file), spec)).split('\\').join('/').replace(/\.js$/, '.ts');
      const to = layerOf(target);
      const sameFolder = from.prefix === to.prefix;
      if (!sameFolder && to.rank >= from.rank) out.push(`${file} -> ${target}`);
    }
  }
  return out;
}

describe('layers import only downward', () => {
  const files = [...sources('src'), ...sources('workers')];
  const read = (file: string): string => readFileSync(join(root, file), 'utf8');

  it('every module of src/ and workers/ belongs to a layer', () => {
    expect(files.length).toBeGreaterThan(30);
    for (const f of files) expect(() => layerOf(f)).not.toThrow();
  });

  it('no module imports from its own layer (another folder) or a layer above', () => {
    expect(violations(files, read)).toEqual([]);
  });

  it('the check itself catches an upward import, a same-rank import and a dynamic one', () => {
    const fake: Record<string, string> = {
      'src/order/x.ts': "import type { TakeBuffer } from '../queue/core.js';\n// import { y } from '../pool/pool.js';",
      'src/async/y.ts': "export { TokenBucket } from '../limit/token-bucket.js';",
      'src/shared/z.ts': "const m = await import('../codec/default.js');\nimport { W } from './layout.js';",
    };
    expect(violations(Object.keys(fake), (f) => fake[f])).toEqual([
      'src/order/x.ts -> src/queue/core.ts',
      'src/async/y.ts -> src/limit/token-bucket.ts',
      'src/shared/z.ts -> src/codec/default.ts',
    ]);
  });
});
