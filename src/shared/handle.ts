import { QueueHandleError } from '../errors.js';
import {
  ARENA_HEADER, ENTRY_BYTES, F, HEADER_BYTES, INITIAL_DATA_BYTES, LAYOUT_VERSION, MAGIC, ORDERING_CODES, S, STATE_BLOCKS,
  STRUCTURES_INITIAL, STRUCTURES_MAX, W, type OrderingName,
} from './layout.js';

/**
 * What crosses threads: a plain object of SharedArrayBuffers and names, so it can be
 * sent with postMessage or passed as workerData. It carries no functions, so a custom
 * codec must be given again to `from(handle, { codec })`.
 */
export interface QueueHandle {
  readonly kind: 'conveyor.queue';
  readonly version: number;
  readonly ordering: OrderingName;
  /** The codec's name. */
  readonly codec: string;
  readonly header: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
  /** Priority queues only: the heap of entries. */
  readonly index?: SharedArrayBuffer;
  /** Default-codec queues only: the record structures its threads share (src/codec/structures.ts). */
  readonly structures?: SharedArrayBuffer;
}

export function createQueueMemory(ordering: OrderingName, codec: string, maxsize: number, requested: number): QueueHandle {
  const capacity = requested - (requested % 8); // records are 8-byte aligned (src/order/memory.ts)
  const header = new SharedArrayBuffer(HEADER_BYTES);
  const data = new SharedArrayBuffer(Math.min(INITIAL_DATA_BYTES, capacity), { maxByteLength: capacity });
  const h = new Int32Array(header);
  const f = new Float64Array(header);
  f[F.MAXSIZE] = maxsize;
  f[F.CAPACITY] = capacity;
  h[W.ACTIVE] = 0;
  h[STATE_BLOCKS[0] + S.DATA_SIZE] = data.byteLength;
  h[W.ORDERING] = ORDERING_CODES[ordering];
  h[W.VERSION] = LAYOUT_VERSION;
  // Written last: a header without its magic is never accepted by from().
  Atomics.store(h, W.MAGIC, MAGIC);
  let handle: QueueHandle = { kind: 'conveyor.queue', version: LAYOUT_VERSION, ordering, codec, header, data };
  if (codec === 'default') handle = { ...handle, structures: createStructureMemory() };
  if (ordering === 'priority') {
    // Each item costs at least one entry plus an arena header, which bounds the entries.
    const maxEntries = maxIndexBytes(capacity) / ENTRY_BYTES;
    const index = new SharedArrayBuffer(Math.min(256, maxEntries) * ENTRY_BYTES, { maxByteLength: maxEntries * ENTRY_BYTES });
    return { ...handle, index };
  }
  return handle;
}

/** Each item costs at least one entry plus an arena header, which bounds the entries. */
function maxIndexBytes(capacity: number): number {
  return (Math.floor(capacity / (ENTRY_BYTES + ARENA_HEADER)) + 1) * ENTRY_BYTES;
}

const ORDERING_BY_CODE = new Map(Object.entries(ORDERING_CODES).map(([k, v]) => [v, k as OrderingName]));

/**
 * Checks that `value` is a handle made by this library with this layout, and that its
 * memory agrees with what it claims. Throws QueueHandleError naming what is wrong.
 */
export function validateHandle(value: unknown): QueueHandle {
  if (typeof value !== 'object' || value === null) {
    throw new QueueHandleError(`expected a queue handle (the .handle of a queue), got ${value === null ? 'null' : typeof value}`);
  }
  const v = value as Partial<Record<keyof QueueHandle, unknown>>;
  if (v.kind !== 'conveyor.queue') {
    throw new QueueHandleError("not a queue handle: pass the .handle property of a Queue, LifoQueue or PriorityQueue (or an async view)");
  }
  if (v.version !== LAYOUT_VERSION) {
    throw new QueueHandleError(`queue handle has layout version ${String(v.version)}, this conveyor reads version ${LAYOUT_VERSION}: use the same conveyor version in every thread`);
  }
  if (!(v.header instanceof SharedArrayBuffer) || v.header.byteLength !== HEADER_BYTES) {
    throw new QueueHandleError(`queue handle's header must be a SharedArrayBuffer of ${HEADER_BYTES} bytes`);
  }
  if (!(v.data instanceof SharedArrayBuffer) || !v.data.growable) {
    throw new QueueHandleError("queue handle's data must be a growable SharedArrayBuffer");
  }
  if (typeof v.codec !== 'string') throw new QueueHandleError("queue handle's codec must be a string");
  const h = new Int32Array(v.header);
  if (Atomics.load(h, W.MAGIC) !== MAGIC) throw new QueueHandleError('queue handle memory has no conveyor magic word: not a queue, or corrupted');
  if (h[W.VERSION] !== LAYOUT_VERSION) throw new QueueHandleError(`queue memory has layout version ${h[W.VERSION]}, expected ${LAYOUT_VERSION}`);
  const ordering = ORDERING_BY_CODE.get(h[W.ORDERING]);
  if (ordering === undefined || ordering !== v.ordering) {
    throw new QueueHandleError(`queue handle says ordering '${String(v.ordering)}' but its memory says '${String(ordering)}'`);
  }
  const f = new Float64Array(v.header);
  if (f[F.CAPACITY] !== v.data.maxByteLength) {
    throw new QueueHandleError('queue handle memory is inconsistent: data buffer does not match the recorded capacity');
  }
  if (v.codec === 'default' && !(v.structures instanceof SharedArrayBuffer && v.structures.growable && v.structures.maxByteLength === STRUCTURES_MAX && v.structures.byteLength >= 8)) {
    throw new QueueHandleError(`a default-codec queue handle needs its growable 'structures' SharedArrayBuffer (at most ${STRUCTURES_MAX} bytes)`);
  }
  if (ordering === 'priority') {
    if (!(v.index instanceof SharedArrayBuffer && v.index.growable)) {
      throw new QueueHandleError("a priority queue handle needs its growable 'index' SharedArrayBuffer");
    }
    // A shorter index would make heap writes past its end vanish (typed arrays ignore them).
    if (v.index.maxByteLength !== maxIndexBytes(f[F.CAPACITY]) || v.index.byteLength % ENTRY_BYTES !== 0) {
      throw new QueueHandleError("queue handle memory is inconsistent: the priority index does not match the recorded capacity");
    }
  }
  return v as QueueHandle;
}

/** The default codec's shared record structures of a new queue (src/codec/structures.ts reads and writes them). */
export function createStructureMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(STRUCTURES_INITIAL, { maxByteLength: STRUCTURES_MAX });
}
