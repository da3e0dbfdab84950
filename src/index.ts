export { Queue, LifoQueue, PriorityQueue } from './queue/queue.js';
export type { PutOptions, GetOptions, JoinOptions } from './queue/queue.js';
export type { QueueOptions, AttachOptions } from './queue/options.js';
export type { QueueHandle } from './shared/handle.js';
export type { OrderingName } from './shared/layout.js';
export type { Codec, CodecName } from './codec/types.js';
export {
  QueueEmpty, QueueFull, QueueShutDown, QueueCodecError, QueueHandleError, QueueCorruptError, QueueLockedError,
} from './errors.js';
export { AsyncQueue, AsyncLifoQueue, AsyncPriorityQueue, LocalQueue } from './async/index.js';
export type {
  AsyncQueueLike, AsyncWaitOptions, AsyncPutOptions, AsyncGetOptions, AsyncJoinOptions, LocalQueueOptions, WaitingCounts,
} from './async/index.js';
export { WorkerPool } from './pool/pool.js';
export type { HandlerItem, HandlerResult, RunOptions, PoolStats, ThreadStats, PoolState, WorkerExitInfo, DestroyReport, ReportedItem, PoolEvents } from './pool/pool.js';
export type { WorkerPoolOptions, PiscinaPassThrough, QueueSource } from './pool/options.js';
export type { MapOptions } from './pool/map.js';
export { WorkerDiedError, PoolClosedError, WorkerLoadError } from './pool/errors.js';
export { Pipeline, pipeline } from './pool/pipeline.js';
export type { StageOptions } from './pool/pipeline.js';
export { TokenBucket } from './limit/token-bucket.js';
export type { TokenBucketHandle, TokenBucketOptions, TakeOptions } from './limit/token-bucket.js';
export { Watermark } from './limit/watermark.js';
export type { WatermarkOptions, WatermarkEvents } from './limit/watermark.js';
export type { HandlerContext, ThreadInfo } from './pool/protocol.js';
