export { AsyncQueue, AsyncLifoQueue, AsyncPriorityQueue } from './async-queue.js';
export { LocalQueue } from './local-queue.js';
export type { LocalQueueOptions } from './local-queue.js';
export type { AsyncWaitOptions, AsyncPutOptions, AsyncGetOptions, AsyncJoinOptions } from './options.js';
export type { AsyncQueueLike, WaitingCounts } from './types.js';
