import { describe, expect, it } from 'vitest';
import { LifoQueue, PriorityQueue, Queue, QueueCorruptError } from '../../src/index.js';
import { S, STATE_BLOCKS, W } from '../../src/shared/layout.js';

/** Int32 index of a field of the queue's committed state block. */
function field(h: Int32Array, f: number): number {
  return STATE_BLOCKS[h[W.ACTIVE] & 1] + f;
}

/**
 * A handle whose shared memory holds corrupted lengths or offsets must never make get
 * read outside the buffer or allocate unbounded memory: it throws QueueCorruptError,
 * and the lock is released (later calls do not hang).
 */
describe('corrupted shared memory', () => {
  const makers = {
    fifo: () => new Queue<string>({ codec: 'string' }),
    lifo: () => new LifoQueue<string>({ codec: 'string' }),
  };

  it.each(['fifo', 'lifo'] as const)('%s: a forged record length throws QueueCorruptError instead of reading past the data', (kind) => {
    const q = makers[kind]();
    q.put('hello');
    const data = new DataView(q.handle.data);
    const h = new Int32Array(q.handle.header);
    const lengthAt = kind === 'fifo' ? 0 : h[field(h, S.TAIL)] - 8;
    data.setUint32(lengthAt, 0x7fffffff, true);
    expect(() => q.get()).toThrow(QueueCorruptError);
    expect(() => q.getNowait()).toThrow(QueueCorruptError); // the lock was released
  });

  it('fifo: a head or fill level outside the ring throws', () => {
    const q = new Queue<string>({ codec: 'string' });
    q.put('x');
    const h = new Int32Array(q.handle.header);
    h[field(h, S.HEAD)] = 1 << 30;
    expect(() => q.get()).toThrow(QueueCorruptError);
    h[field(h, S.HEAD)] = 0;
    h[field(h, S.USED_BYTES)] = -5;
    expect(() => q.get()).toThrow(QueueCorruptError);
  });

  it('a data size larger than the buffer throws', () => {
    const q = new Queue<string>({ codec: 'string' });
    q.put('x');
    const h = new Int32Array(q.handle.header);
    h[field(h, S.DATA_SIZE)] = 1 << 30;
    expect(() => q.get()).toThrow(QueueCorruptError);
  });

  it('priority: an entry pointing outside the arena throws', () => {
    const q = new PriorityQueue<string>({ codec: 'string' });
    q.put([1, 'a']);
    new Uint32Array(q.handle.index as SharedArrayBuffer)[5] = 1 << 30; // entry 0's payload length
    expect(() => q.get()).toThrow(QueueCorruptError);
  });
});
