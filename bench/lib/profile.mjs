/**
 * Run profiles: how long each measurement runs. --quick is a smoke run (CI): every row
 * runs, with few samples. The full profile takes a few minutes on 2 cores.
 */
export const PROFILES = {
  quick: { name: 'quick', time: 80, iterations: 4, warmupTime: 20, warmupIterations: 2 },
  full: { name: 'full', time: 1000, iterations: 15, warmupTime: 200, warmupIterations: 3 },
};
