import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

/**
 * The README's quick start must run as written: its code block is copied to a file at the
 * repository root (where `import 'conveyor-queue'` resolves to this package by self-reference,
 * against the build made by `npm test`) and run with node.
 */
it('the README quick start runs as written', async () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const match = /```js\n\/\/ quickstart\.mjs\n([\s\S]*?)```/.exec(readme);
  expect(match, 'a ```js block starting with // quickstart.mjs').not.toBeNull();
  const file = `${root}.quickstart-test-${process.pid}.mjs`;
  writeFileSync(file, match![1]);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 30_000 });
    expect(stdout.trim()).toBe('sum of squares: 333833500');
  } finally {
    rmSync(file, { force: true });
  }
});
