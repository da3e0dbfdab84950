/**
 * Interleaved measurement. Background load on a shared machine drifts over seconds; if
 * contender A ran entirely before contender B, a drift would show up as a difference
 * between them. So a scenario measures its contenders in `rounds` passes (A, B, C, A, B,
 * C, ...), each pass with 1/rounds of the time budget, and pools each contender's samples.
 * A contender that fails is not run again; its error is reported in its row.
 */
export function splitBudget(budget, rounds) {
  return { ...budget, time: budget.time / rounds, iterations: Math.max(2, Math.ceil(budget.iterations / rounds)) };
}

/**
 * Runs `runJob(job, budget)` (which returns samples) for every job, `rounds` times,
 * interleaved. Returns [{ job, samples, error }] in job order.
 */
export async function interleave(jobs, rounds, budget, runJob, progress, section, describe) {
  const perRound = splitBudget(budget, rounds);
  const out = jobs.map((job) => ({ job, samples: [], error: undefined }));
  const total = jobs.length * rounds;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < jobs.length; i++) {
      const slot = out[i];
      progress.step(section, r * jobs.length + i, total, `${describe(slot.job)}${rounds > 1 ? ` (pass ${r + 1}/${rounds})` : ''}`);
      if (slot.error) continue;
      try {
        slot.samples.push(...(await runJob(slot.job, perRound)));
      } catch (err) {
        slot.error = err.message;
        progress.note(`  error: ${describe(slot.job)}: ${err.message}`);
      }
    }
  }
  return out;
}
