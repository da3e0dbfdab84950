import { resolveCodec } from '../codec/index.js';
import type { Codec, NumberPacker, RangeDecoder, RunEncoder } from '../codec/types.js';
import { createDefaultCodec } from '../codec/default.js';
import { StructureStore } from '../codec/structures.js';
import { QueueEmpty, QueueFull, QueueHandleError, QueueShutDown } from '../errors.js';
import { createQueueMemory, validateHandle, type QueueHandle } from '../shared/handle.js';
import type { OrderingName } from '../shared/layout.js';
import { packNumbers, packRecords, packRun, RECORD_HEADER_BYTES, type PackedRecords } from '../order/fifo.js';
import { QueueCore, SHUT_DOWN } from './core.js';
import { TakeBuffer } from '../order/take-buffer.js';
import { checkCapacity, checkMaxsize, checkOptionsObject, type AttachOptions, type QueueOptions } from './options.js';

/** Codecs whose decode never keeps a view of its input, so it may read the scratch buffer. */
const COPYING_CODECS = new Set(['default', 'structured', 'json', 'string']);

function rangeDecoder(codec: Codec): RangeDecoder['decodeRange'] | null {
  if (!COPYING_CODECS.has(codec.name)) return null;
  const candidate = (codec as Partial<RangeDecoder>).decodeRange;
  return typeof candidate === 'function' ? candidate : null;
}

/** One take buffer per thread: decoding happens right after the take, before any other. */
const takeBuffer = new TakeBuffer();

/** Items encoded for a put: bytes, and priorities for a priority queue. */
export interface Encoded {
  /** How many items. */
  count: number;
  /** One array per item, or null when `packed` holds them. */
  records: Uint8Array[] | null;
  priorities: number[] | null;
  /** FIFO batches: the records in the ring's own format, back to back (FifoRing.pushRun). */
  packed: PackedRecords | null;
}

export interface ViewInit {
  core: QueueCore;
  codec: Codec;
}

/**
 * The codec a view uses: the resolved one, except that the default codec gets an instance
 * of its own bound to the queue's shared record structures (src/codec/structures.ts).
 */
function bindCodec(codec: Codec, core: QueueCore): Codec {
  if (codec.name !== 'default') return codec;
  const memory = core.handle.structures;
  if (memory === undefined) throw new QueueHandleError("a default-codec queue handle must carry its record structures buffer ('structures')");
  return createDefaultCodec(new StructureStore(memory, core.h));
}

/** Creates fresh queue memory from constructor options. */
export function createView(ordering: OrderingName, options: QueueOptions | undefined): ViewInit {
  const opts = checkOptionsObject(options, 'options');
  const maxsize = checkMaxsize(opts.maxsize);
  const capacity = checkCapacity(opts.capacity);
  const codec = resolveCodec(opts.codec);
  const core = new QueueCore(createQueueMemory(ordering, codec.name, maxsize, capacity));
  return { core, codec: bindCodec(codec, core) };
}

/** Attaches to memory made elsewhere; `className` names the right class in errors. */
export function attachView(ordering: OrderingName, handle: unknown, options: AttachOptions | undefined, className: string): ViewInit {
  const h = validateHandle(handle);
  if (h.ordering !== ordering) {
    const right = { fifo: 'Queue', lifo: 'LifoQueue', priority: 'PriorityQueue' }[h.ordering];
    throw new QueueHandleError(`this handle is a ${h.ordering} queue: attach with ${right}.from() (or its async view), not ${className}.from()`);
  }
  const opts = checkOptionsObject(options, 'options');
  let codec: Codec;
  if (opts.codec !== undefined) {
    codec = resolveCodec(opts.codec);
    if (codec.name !== h.codec) throw new QueueHandleError(`the queue uses codec '${h.codec}' but codec '${codec.name}' was given`);
  } else {
    try {
      codec = resolveCodec(h.codec);
    } catch {
      throw new QueueHandleError(`the queue uses the custom codec '${h.codec}': pass it again as from(handle, { codec })`);
    }
  }
  const core = new QueueCore(h);
  return { core, codec: bindCodec(codec, core) };
}

/**
 * What every view of a queue shares: identity, sizes, encoding and decoding, the
 * non-blocking operations, task accounting and shutdown. Subclasses add waiting.
 */
export abstract class QueueView<T> {
  /** @internal */
  protected readonly core: QueueCore;
  /** @internal */
  protected readonly codec: Codec;
  private readonly priority: boolean;
  private readonly fifo: boolean;
  /** The default codec's direct number writer (batches of numbers are packed with it). */
  private readonly numberPacker: NumberPacker | null;
  /** The default codec's run encoder (FIFO puts of plain data are encoded straight into ring format with it). */
  private readonly runEncoder: RunEncoder | null;
  private readonly copyOnDecode: boolean;
  private readonly decodeRange: RangeDecoder['decodeRange'] | null;

  /** @internal views are made by the subclasses' constructors and from() */
  protected constructor(init: ViewInit) {
    this.core = init.core;
    this.codec = init.codec;
    this.priority = init.core.handle.ordering === 'priority';
    this.fifo = init.core.handle.ordering === 'fifo';
    const packer = (init.codec as Partial<NumberPacker>).encodeNumberInto;
    this.numberPacker = init.codec.name === 'default' && typeof packer === 'function' ? (init.codec as unknown as NumberPacker) : null;
    const runs = (init.codec as Partial<RunEncoder>).encodeRun;
    this.runEncoder = init.codec.name === 'default' && typeof runs === 'function' ? (init.codec as unknown as RunEncoder) : null;
    this.copyOnDecode = !COPYING_CODECS.has(init.codec.name);
    this.decodeRange = rangeDecoder(init.codec);
  }

  /** A structured-cloneable description of the queue: send it to a worker and call `from(handle)` there. */
  get handle(): QueueHandle {
    return this.core.handle;
  }

  /** The bound on the number of items (<= 0: unbounded). */
  get maxsize(): number {
    return this.core.maxsize;
  }

  /** Items queued right now: a snapshot, other threads may change it at any moment. */
  qsize(): number {
    return this.core.qsize();
  }

  empty(): boolean {
    return this.core.qsize() === 0;
  }

  /** True when maxsize > 0 and qsize() >= maxsize. */
  full(): boolean {
    return this.core.full();
  }

  /** True once shutdown() was called (from any thread). */
  get isShutDown(): boolean {
    return this.core.isShutDown();
  }

  /** Puts that have not been matched by taskDone() yet (a snapshot). */
  get unfinishedTasks(): number {
    return this.core.unfinished();
  }

  /** Puts without waiting: QueueFull if there is no room, QueueShutDown after shutdown. */
  putNowait(item: T): void {
    const enc = this.encode([item]);
    const n = this.insertSome(enc, 0);
    if (n === SHUT_DOWN) throw new QueueShutDown();
    if (n === 0) throw new QueueFull();
  }

  /** Gets without waiting: QueueEmpty if there is nothing, QueueShutDown once shut down and drained. */
  getNowait(): T {
    const n = this.core.takeSome(1, takeBuffer);
    if (n === SHUT_DOWN) throw new QueueShutDown();
    if (n === 0) throw new QueueEmpty();
    return this.decodeTaken()[0];
  }

  /** Marks one item taken with get as processed; RangeError('taskDone() called too many times') when none is unfinished. */
  taskDone(): void {
    this.core.taskDone();
  }

  /**
   * Shuts the queue down in every thread (Python 3.13 semantics): puts fail with
   * QueueShutDown; gets drain what is queued, then fail with QueueShutDown. With
   * `immediate`, queued items are discarded and the unfinished count drops by their
   * number. Blocked callers in every thread wake up.
   */
  shutdown(immediate = false): void {
    if (typeof immediate !== 'boolean') throw new TypeError(`immediate must be a boolean, got ${typeof immediate}`);
    this.core.shutdown(immediate);
  }

  /**
   * Call this after a worker thread that used the queue has exited, from the Worker's
   * 'exit' event, with the id read while it ran (`const id = worker.threadId;
   * worker.once('exit', () => q.recoverThread(id))`: inside 'exit', threadId is -1). If the thread was terminated inside a queue
   * operation it still holds the queue's lock: this releases it. The queue's state is
   * as if the interrupted operation never ran (a priority queue repairs its heap on the
   * next operation; see docs/reliability.md for the one case at full capacity that cannot be), and
   * every waiter re-checks. Returns whether the lock was held. Never call it for a thread
   * that is still running. WorkerPool calls it for you.
   */
  recoverThread(threadId: number): boolean {
    return this.core.recoverThread(threadId);
  }

  /** Inserts enc's records from `from` on while there is room: how many, or SHUT_DOWN. */
  /** @internal */
  protected insertSome(enc: Encoded, from: number): number {
    return enc.packed !== null ? this.core.putPacked(enc.packed, from) : this.core.putSome(enc.records as Uint8Array[], enc.priorities, from);
  }

  /** Encodes items before any lock is taken; throws (changing nothing) on the first bad one. */
  /** @internal */
  protected encode(items: readonly T[]): Encoded {
    // Batches only: for a single item a run measured no cheaper than encode() and putSome.
    if (this.fifo && items.length > 1) {
      const numbers = this.numberPacker;
      if (numbers !== null && allNumbers(items)) {
        return { count: items.length, records: null, priorities: null, packed: packNumbers(items as unknown as readonly number[], numbers.encodeNumberInto) };
      }
      const run = this.runEncoder?.encodeRun(items, RECORD_HEADER_BYTES);
      if (run != null) {
        for (let i = 0; i < run.starts.length; i++) this.checkFits(run.ends[i] - run.starts[i] - RECORD_HEADER_BYTES);
        return { count: items.length, records: null, priorities: null, packed: packRun(run) };
      }
      const enc = this.encodeEach(items);
      const packed = packRecords(enc.records as Uint8Array[]);
      return packed === null ? enc : { count: items.length, records: null, priorities: null, packed };
    }
    return this.encodeEach(items);
  }

  private encodeEach(items: readonly T[]): Encoded {
    const records: Uint8Array[] = new Array<Uint8Array>(items.length);
    const priorities: number[] | null = this.priority ? new Array<number>(items.length) : null;
    for (let i = 0; i < items.length; i++) {
      let value: unknown = items[i];
      if (priorities !== null) {
        const pair = value;
        if (!Array.isArray(pair) || pair.length !== 2) {
          throw new TypeError('a PriorityQueue item must be a [priority, value] pair');
        }
        const p: unknown = pair[0];
        if (typeof p !== 'number') throw new TypeError(`priority must be a number, got ${typeof p}`);
        if (Number.isNaN(p)) throw new RangeError('priority must not be NaN');
        priorities[i] = p;
        value = pair[1];
      }
      const bytes = this.codec.encode(value as never);
      if (!(bytes instanceof Uint8Array)) throw new TypeError(`codec '${this.codec.name}' encode() must return a Uint8Array`);
      this.checkFits(bytes.length);
      records[i] = bytes;
    }
    return { count: items.length, records, priorities, packed: null };
  }

  private checkFits(encodedBytes: number): void {
    if (!this.core.fitsEver(encodedBytes)) {
      throw Object.assign(
        new RangeError(`an item of ${encodedBytes} encoded bytes can never fit in this queue (capacity ${this.core.capacity} bytes): create the queue with a larger capacity`),
        { code: 'ERR_ITEM_TOO_LARGE' },
      );
    }
  }

  /** Decodes what the last take copied out, then lets go of the take buffer. */
  /** @internal */
  protected decodeTaken(): T[] {
    const buf = takeBuffer;
    const items = new Array<T>(buf.n);
    try {
      const { decodeRange } = this;
      for (let i = 0; i < buf.n; i++) {
        const own = buf.owned[i];
        const value: unknown =
          decodeRange !== null && own === undefined
            ? decodeRange(buf.scratch, buf.starts[i], buf.starts[i] + buf.lengths[i])
            : this.codec.decode(this.copyOnDecode ? buf.ownBytes(i) : buf.bytes(i));
        items[i] = (this.priority ? [buf.priorities[i], value] : value) as T;
      }
    } finally {
      buf.release();
    }
    return items;
  }

  /** @internal the take buffer of this thread, for subclasses that drive takes themselves. */
  protected static get takeBuffer(): TakeBuffer {
    return takeBuffer;
  }

  toString(): string {
    const parts = [`maxsize=${this.maxsize}`, `qsize=${this.qsize()}`];
    const tasks = this.core.unfinished();
    if (tasks) parts.push(`tasks=${tasks}`);
    if (this.isShutDown) parts.push('shutdown');
    return `<${this.constructor.name} ${parts.join(' ')}>`;
  }
}

function allNumbers(items: readonly unknown[]): boolean {
  for (let i = 0; i < items.length; i++) if (typeof items[i] !== 'number') return false;
  return true;
}
