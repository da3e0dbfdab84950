import type { WaitingCounts } from './hub.js';
import type { AsyncJoinOptions, AsyncWaitOptions } from './options.js';

/**
 * The asyncio.Queue API shared by AsyncQueue (shared memory, any thread) and LocalQueue
 * (one thread, items by reference): code written against it runs on either.
 */
export interface AsyncQueueLike<T> extends AsyncIterable<T> {
  readonly maxsize: number;
  readonly isShutDown: boolean;
  readonly unfinishedTasks: number;
  /** How many calls of this thread wait right now, per condition (a snapshot, for diagnostics). */
  readonly waiting: WaitingCounts;
  qsize(): number;
  empty(): boolean;
  full(): boolean;
  put(item: T, options?: AsyncWaitOptions): Promise<void>;
  get(options?: AsyncWaitOptions): Promise<T>;
  putNowait(item: T): void;
  getNowait(): T;
  putMany(items: Iterable<T>, options?: AsyncWaitOptions): Promise<void>;
  getMany(max: number, options?: AsyncWaitOptions): Promise<T[]>;
  taskDone(): void;
  join(options?: AsyncJoinOptions): Promise<void>;
  shutdown(immediate?: boolean): void;
}

export type { WaitingCounts };
