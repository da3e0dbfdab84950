import type { MapOptions } from './map.js';
import type { WorkerPoolOptions } from './options.js';
import { WorkerPool, type DestroyReport, type PoolStats, type RunOptions } from './pool.js';

/** One stage of a pipeline: the pool options without `input` (the previous stage's output is used). */
export type StageOptions = Omit<WorkerPoolOptions, 'input'>;

/**
 * Pools chained through their queues: stage k's workers put results straight on stage k+1's
 * input (shared memory, never the main thread). Items keep their id through every stage, so
 * run() and map() (ordered or not) work across the whole chain, a failure in any stage
 * surfaces at its item, and an item lost with a dead worker anywhere is redelivered from the
 * first stage.
 */
export class Pipeline<In = unknown, Out = unknown> {
  readonly stages: readonly WorkerPool[];

  constructor(stages: readonly StageOptions[]) {
    if (!Array.isArray(stages) || stages.length === 0) throw new TypeError('pipeline() needs at least one stage: pipeline({ worker: ... }, ...)');
    const pools: WorkerPool[] = [];
    try {
      for (const stage of stages) {
        if (typeof stage !== 'object' || stage === null) throw new TypeError('each pipeline stage must be an options object like { worker, threads }');
        if ('input' in stage) throw new TypeError('a pipeline stage takes no `input`: it reads the previous stage\'s output');
        const previous = pools[pools.length - 1];
        pools.push(new WorkerPool(previous ? { ...stage, input: previous.output } : stage));
      }
    } catch (error) {
      for (const p of pools) void p.destroy();
      throw error;
    }
    this.stages = pools;
  }

  private get last(): WorkerPool<In, Out> {
    return this.stages[this.stages.length - 1] as WorkerPool<In, Out>;
  }

  run(item: In, options?: RunOptions): Promise<Out> {
    return this.last.run(item, options);
  }

  map(source: Iterable<In> | AsyncIterable<In>, options?: MapOptions): AsyncIterable<Out> {
    return this.last.map(source, options);
  }

  stats(): PoolStats[] {
    return this.stages.map((s) => s.stats());
  }

  /** Finishes everything submitted, then ends every stage, first to last. */
  /** `await using p = pipeline(...)`: close() when the scope ends (see WorkerPool). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  close(): Promise<void> {
    return this.last.close();
  }

  destroy(): Promise<DestroyReport> {
    return this.last.destroy();
  }
}

/** `pipeline(parse, transform, aggregate)`: a Pipeline of one pool per stage. */
export function pipeline<In = unknown, Out = unknown>(...stages: StageOptions[]): Pipeline<In, Out> {
  return new Pipeline<In, Out>(stages);
}
