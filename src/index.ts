export { Queue, LifoQueue, PriorityQueue } from './queue/queue.js';
export type { PutOptions, GetOptions, JoinOptions } from './queue/queue.js';
export type { QueueOptions, AttachOptions } from './queue/options.js';
export type { QueueHandle } from './shared/handle.js';
export type { OrderingName } from './shared/layout.js';
export type { Codec, CodecName } from './codec/types.js';
export {
  QueueEmpty, QueueFull, QueueShutDown, QueueCodecError, QueueHandleError, QueueCorruptError,
} from './errors.js';
