import { Bench } from 'tinybench';

/**
 * Runs one function under tinybench and returns its raw samples (ms per call, sorted).
 * Every scenario measures through here, so the time budget, warm-up and sample
 * retention are the same for every contender of a run.
 *
 * budget: { time, iterations, warmupTime, warmupIterations } from the run profile.
 * hooks: tinybench FnOptions (beforeEach/afterEach are outside the timed window).
 */
export async function measure(name, fn, budget, hooks = {}) {
  const bench = new Bench({
    name,
    time: budget.time,
    iterations: budget.iterations,
    warmupTime: budget.warmupTime,
    warmupIterations: budget.warmupIterations,
    retainSamples: true,
    throws: true,
    timestampProvider: 'hrtimeNow',
  });
  // Say whether fn is async: tinybench would otherwise call it once more to find out,
  // an extra untimed call that would upset the exactly-once checks of the scenarios.
  bench.add(name, fn, { async: fn.constructor.name === 'AsyncFunction', ...hooks });
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== 'completed') {
    throw new Error(`benchmark '${name}' did not complete: ${result.state}${result.error ? `: ${result.error.message}` : ''}`);
  }
  return Array.from(result.latency.samples);
}
