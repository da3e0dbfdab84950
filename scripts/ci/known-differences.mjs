// Tests of the runtime smoke (vitest.runtimes.config.ts) that fail there for a reason recorded
// here (a runtime difference), by exact test name. They are left out by
// name (vitest reports them as skipped); smoke-runtimes.sh fails if the number of skipped
// tests is not the number listed here. docs/runtimes.md has the details.
export const knownDifferences = {
  bun: {
    'run() rejects with the handler error: name, message, stack, code, own props and cause preserved':
      "JavaScriptCore gives every Error own non-enumerable 'line', 'column' and 'sourceURL' properties; the fixture's `this.line = 7` stays non-enumerable, so it is not among the own enumerable properties that cross threads (error.line arrives as the main thread's own line number, 0)",
  },
  deno: {},
  node: {},
};
