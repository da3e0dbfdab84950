import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { PriorityQueue, QueueCorruptError, QueueShutDown } from '../../src/index.js';
import { setPriorityFaultHook } from '../../src/order/priority.js';
import type { QueueHandle } from '../../src/shared/handle.js';
import { DIRTY_UNSAFE, S, STATE_BLOCKS, W } from '../../src/shared/layout.js';

/**
 * A priority operation killed at every instant, deterministically. The fault-injection seam
 * in src/order/priority.ts calls a hook after every write to shared memory (and at a few
 * named points); the hook copies the queue's three buffers. Each copy is the memory a
 * thread terminated right there would leave. The tests attach a queue to each copy, release
 * the dead thread's lock with recoverThread() (the copy's lock is held by this thread), and
 * check that the queue holds exactly the items from before the operation (if its commit
 * had not happened) or exactly those from after it, coming out in (priority, insertion)
 * order, and keeps working.
 */

interface Item { p: number; seq: number; v: string }
type Pair = [number, string];

class Model {
  items: Item[] = [];
  private seq = 0;
  put(p: number, v: string): Pair {
    this.items.push({ p, seq: this.seq++, v });
    return [p, v];
  }
  /** The queue order: priority, then insertion. */
  sorted(): Pair[] {
    return [...this.items].sort((a, b) => a.p - b.p || a.seq - b.seq).map((i) => [i.p, i.v]);
  }
  take(k: number): Pair[] {
    const order = [...this.items].sort((a, b) => a.p - b.p || a.seq - b.seq);
    const taken = order.slice(0, k);
    this.items = order.slice(k);
    return taken.map((i) => [i.p, i.v]);
  }
}

/** A payload of exactly `len` characters naming item `id`. */
const text = (id: number, len: number): string => `#${id}:`.padEnd(len, '.');

function copyBuffer(b: SharedArrayBuffer): SharedArrayBuffer {
  const c = b.growable ? new SharedArrayBuffer(b.byteLength, { maxByteLength: b.maxByteLength }) : new SharedArrayBuffer(b.byteLength);
  new Uint8Array(c).set(new Uint8Array(b));
  return c;
}

/** The memory a thread killed now would leave behind. */
function snapshot(handle: QueueHandle): QueueHandle {
  return { ...handle, header: copyBuffer(handle.header), data: copyBuffer(handle.data), index: copyBuffer(handle.index as SharedArrayBuffer) };
}

interface Snap { step: string; handle: QueueHandle }

/** Runs `op` and returns a snapshot after every step, with the epoch before the op. */
function killAtEveryStep(q: PriorityQueue<string>, op: () => void): { snaps: Snap[]; epoch: number } {
  const epoch = new Int32Array(q.handle.header)[W.ACTIVE];
  const snaps: Snap[] = [];
  setPriorityFaultHook((step) => snaps.push({ step, handle: snapshot(q.handle) }));
  try {
    op();
  } finally {
    setPriorityFaultHook(null);
  }
  return { snaps, epoch };
}

/** Attaches to a snapshot and releases the lock the "dead" thread (this one) held in it. */
function revive(handle: QueueHandle): PriorityQueue<string> {
  const q = PriorityQueue.from<string>(handle);
  q.recoverThread(threadId);
  return q;
}

function drain(q: PriorityQueue<string>): Pair[] {
  const out: Pair[] = [];
  while (!q.empty()) out.push(q.getNowait());
  return out;
}

const epochOf = (h: QueueHandle): number => new Int32Array(h.header)[W.ACTIVE];
const dirtyOf = (h: QueueHandle): number => new Int32Array(h.header)[W.DIRTY];
const committedField = (h: QueueHandle, f: number): number => {
  const w = new Int32Array(h.header);
  return w[STATE_BLOCKS[w[W.ACTIVE] & 1] + f];
};

/**
 * Checks every snapshot of an operation: the revived queue holds `before` (the commit had
 * not happened) or `after`, in order, and then still works (a put and get round trip).
 * Returns how many snapshots had the heap mid-change (DIRTY set).
 */
function checkSnapshots(snaps: Snap[], epoch: number, before: Pair[], after: Pair[]): number {
  let dirty = 0;
  for (const { step, handle } of snaps) {
    const e = epochOf(handle);
    expect([epoch, (epoch + 1) | 0], `epoch at step ${step}`).toContain(e);
    if (dirtyOf(handle) !== 0) dirty++;
    const want = e === epoch ? before : after;
    const q = revive(handle);
    expect(q.qsize(), `qsize at step ${step}`).toBe(want.length);
    expect(drain(q), `drained at step ${step}`).toEqual(want);
    expect(dirtyOf(handle)).toBe(0);
    q.putMany([[2, 'b'], [1, 'a'], [2, 'c']]);
    expect(q.getMany(10)).toEqual([[1, 'a'], [2, 'b'], [2, 'c']]);
  }
  return dirty;
}

/** A queue filled with `n` items of random priority (0..9) and the given payload size. */
function filled(n: number, len = 40, seed = 1, options: { capacity?: number } = {}): { q: PriorityQueue<string>; model: Model } {
  const q = new PriorityQueue<string>({ codec: 'string', ...options });
  const model = new Model();
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    q.put(model.put((s >>> 16) % 10, text(i, len)));
  }
  return { q, model };
}

afterEach(() => setPriorityFaultHook(null));

describe('priority queue: an operation killed at any step', () => {
  it('put of a new minimum (sift up)', () => {
    const { q, model } = filled(40);
    const before = model.sorted();
    const pair = model.put(-1, 'new minimum');
    const { snaps, epoch } = killAtEveryStep(q, () => q.put(pair));
    expect(checkSnapshots(snaps, epoch, before, model.sorted())).toBeGreaterThan(0);
    expect(drain(q)).toEqual(model.sorted());
  });

  it('putMany of a batch (one commit)', () => {
    const { q, model } = filled(30);
    const before = model.sorted();
    const batch = [5, -3, 7, 0, -3, 9, 2, 1, -8, 4].map((p, i) => model.put(p, text(100 + i, 30)));
    const { snaps, epoch } = killAtEveryStep(q, () => q.putMany(batch));
    expect(checkSnapshots(snaps, epoch, before, model.sorted())).toBeGreaterThan(0);
  });

  it('get (sift down, the record tagged popped)', () => {
    const { q, model } = filled(40);
    const before = model.sorted();
    const taken = model.take(1);
    const { snaps, epoch } = killAtEveryStep(q, () => expect([q.get()]).toEqual(taken));
    expect(snaps.map((s) => s.step)).toContain('tag');
    expect(checkSnapshots(snaps, epoch, before, model.sorted())).toBeGreaterThan(0);
  });

  it('getMany (many records popped in one commit)', () => {
    const { q, model } = filled(40, 24, 7);
    const before = model.sorted();
    const taken = model.take(9);
    const { snaps, epoch } = killAtEveryStep(q, () => expect(q.getMany(9)).toEqual(taken));
    expect(checkSnapshots(snaps, epoch, before, model.sorted())).toBeGreaterThan(0);
  });

  it('get that empties the queue, and get at the arena base (the base moves up)', () => {
    const one = new PriorityQueue<string>({ codec: 'string' });
    one.put([3, 'only']);
    const a = killAtEveryStep(one, () => one.get());
    checkSnapshots(a.snaps, a.epoch, [[3, 'only']], []);
    // Equal priorities come out in arrival order, from the arena's base.
    const q = new PriorityQueue<string>({ codec: 'string' });
    const model = new Model();
    for (let i = 0; i < 20; i++) q.put(model.put(0, text(i, 50)));
    const before = model.sorted();
    const taken = model.take(5);
    const b = killAtEveryStep(q, () => expect(q.getMany(5)).toEqual(taken));
    checkSnapshots(b.snaps, b.epoch, before, model.sorted());
    expect(committedField(q.handle, S.TAIL)).toBeGreaterThan(0); // the base moved past the popped records
  });

  /** 27 items of ~1 KiB in arrival order, 25 taken: the arena's base has moved up to 25 KiB. */
  function baseMovedUp(): { q: PriorityQueue<string>; model: Model; id: number } {
    const q = new PriorityQueue<string>({ codec: 'string' });
    const model = new Model();
    let id = 0;
    for (; id < 27; id++) q.put(model.put(0, text(id, 1000)));
    for (let i = 0; i < 25; i++) expect([q.get()]).toEqual(model.take(1));
    expect(committedField(q.handle, S.TAIL)).toBe(25 * 1024);
    return { q, model, id };
  }

  it('put that moves the arena below its base (evacuation to 0)', () => {
    const { q, model, id } = baseMovedUp();
    const before = model.sorted();
    const batch = Array.from({ length: 16 }, (_, i) => model.put((id + i) % 3, text(id + i, 1000)));
    const run = killAtEveryStep(q, () => q.putMany(batch));
    const steps = run.snaps.map((s) => s.step);
    expect(steps).toContain('evacuate-low');
    expect(steps).not.toContain('evacuate-high');
    expect(checkSnapshots(run.snaps, run.epoch, before, model.sorted())).toBeGreaterThan(0);
    expect(committedField(q.handle, S.TAIL)).toBe(0);
  });

  it('a batch that moves the arena below its old place, fills that room and moves above it', () => {
    const { q, model, id } = baseMovedUp();
    const before = model.sorted();
    const batch = Array.from({ length: 30 }, (_, i) => model.put((id + i) % 4, text(id + i, 1000)));
    const run = killAtEveryStep(q, () => q.putMany(batch));
    const steps = run.snaps.map((s) => s.step);
    expect(steps.lastIndexOf('evacuate-high')).toBeGreaterThan(steps.indexOf('evacuate-low'));
    expect(steps.indexOf('evacuate-low')).toBeGreaterThanOrEqual(0);
    expect(checkSnapshots(run.snaps, run.epoch, before, model.sorted())).toBeGreaterThan(0);
    // Never written over: the committed records at [25 KiB, 27 KiB) stay where they were.
    expect(committedField(q.handle, S.TAIL)).toBe(27 * 1024);
  });

  it('put that moves the arena above its top (evacuation over garbage)', () => {
    // The first item stays (lowest priority last), so the base stays at 0 while most
    // records above it become garbage.
    const q = new PriorityQueue<string>({ codec: 'string' });
    const model = new Model();
    let id = 0;
    q.put(model.put(99, text(id++, 1000)));
    for (; id < 27; id++) q.put(model.put(id % 5, text(id, 1000)));
    for (let i = 0; i < 20; i++) expect([q.get()]).toEqual(model.take(1));
    expect(committedField(q.handle, S.TAIL)).toBe(0);
    const before = model.sorted();
    const batch = Array.from({ length: 15 }, () => model.put(id % 7, text(id++, 1000)));
    const run = killAtEveryStep(q, () => q.putMany(batch));
    expect(run.snaps.map((s) => s.step)).toContain('evacuate-high');
    expect(checkSnapshots(run.snaps, run.epoch, before, model.sorted())).toBeGreaterThan(0);
    expect(committedField(q.handle, S.TAIL)).toBeGreaterThan(0);
  });

  it('put that grows the data area', () => {
    const { q, model } = filled(20);
    const before = model.sorted();
    const pair = model.put(-5, text(999, 100_000));
    const run = killAtEveryStep(q, () => q.put(pair));
    expect(run.snaps.map((s) => s.step)).toContain('grow');
    checkSnapshots(run.snaps, run.epoch, before, model.sorted());
    expect(q.handle.data.byteLength).toBeGreaterThan(64 * 1024);
  });

  it('the commit counter wrapping past 2**31 - 1', () => {
    const { q, model } = filled(30);
    // Make both state blocks hold the current state, then set the counter just below the wrap.
    const h = new Int32Array(q.handle.header);
    const [b0, b1] = STATE_BLOCKS;
    for (let k = 0; k < 6; k++) h[b1 + k] = h[b0 + k] = h[STATE_BLOCKS[h[W.ACTIVE] & 1] + k];
    h[W.ACTIVE] = 0x7fffffff;
    const before = model.sorted();
    const taken = model.take(4);
    const run = killAtEveryStep(q, () => expect(q.getMany(4)).toEqual(taken));
    expect(epochOf(q.handle)).toBe(-0x80000000);
    expect(checkSnapshots(run.snaps, run.epoch, before, model.sorted())).toBeGreaterThan(0);
  });
});

describe('priority queue: what runs after a kill', () => {
  /** Snapshots of a getMany(6) on 30 items, with the models before and after. */
  function deadGetMany(): { snaps: Snap[]; epoch: number; before: Pair[]; after: Pair[] } {
    const { q, model } = filled(30, 32, 5);
    const before = model.sorted();
    model.take(6);
    const run = killAtEveryStep(q, () => q.getMany(6));
    return { ...run, before, after: model.sorted() };
  }

  it('a rebuild killed at any step is redone by the next operation', () => {
    const dead = deadGetMany();
    const dirtySnaps = dead.snaps.filter((s) => dirtyOf(s.handle) !== 0 && epochOf(s.handle) === dead.epoch);
    expect(dirtySnaps.length).toBeGreaterThan(5);
    let rebuildSteps = 0;
    for (const s of dirtySnaps.filter((_, i) => i % 3 === 0)) {
      // The next holder's get rebuilds the heap (normalizing tags, heapifying), then pops one.
      const second = revive(s.handle);
      const run = killAtEveryStep(second, () => expect(second.get()).toEqual(dead.before[0]));
      rebuildSteps += run.snaps.filter((r) => r.step === 'normalize' || r.step === 'entry').length;
      expect(run.snaps.map((r) => r.step)).toContain('rebuilt');
      checkSnapshots(run.snaps, run.epoch, dead.before, dead.before.slice(1));
    }
    expect(rebuildSteps).toBeGreaterThan(0);
  });

  it('taskDone after a kill does not publish the dead get (its commit goes through the rebuild)', () => {
    const dead = deadGetMany();
    let checked = 0;
    for (const s of dead.snaps) {
      if (dirtyOf(s.handle) === 0 || epochOf(s.handle) !== dead.epoch) continue;
      const q = revive(s.handle);
      q.taskDone(); // commits a new epoch: the dead get's "popped" tags must not count
      expect(drain(q)).toEqual(dead.before);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('shutdown(immediate) after a kill empties the queue and clears the mark', () => {
    const dead = deadGetMany();
    const s = dead.snaps.find((x) => dirtyOf(x.handle) !== 0 && epochOf(x.handle) === dead.epoch)!;
    const q = revive(s.handle);
    q.shutdown(true);
    expect(q.qsize()).toBe(0);
    expect(dirtyOf(s.handle)).toBe(0);
    expect(() => q.getNowait()).toThrow(QueueShutDown);
  });

  it('a forged "popped" tag or a wrong count is QueueCorruptError, not a wrong item', () => {
    const dead = deadGetMany();
    const s = dead.snaps.find((x) => dirtyOf(x.handle) !== 0 && epochOf(x.handle) === dead.epoch)!;
    const h = new Int32Array(s.handle.header);
    h[STATE_BLOCKS[h[W.ACTIVE] & 1] + S.COUNT] += 1;
    const q = revive(s.handle);
    expect(() => q.getNowait()).toThrow(QueueCorruptError);
    expect(() => q.getNowait()).toThrow(QueueCorruptError); // the lock was released, the mark stays
  });
});

describe('priority queue: the capped-capacity fallback', () => {
  it('compacts in place only when no copy fits; a kill inside it is QueueCorruptError, never a wrong item', () => {
    // 40 KiB of capacity, 1000-byte items: live records over a third of it leave no room
    // to copy them out of the way.
    const q = new PriorityQueue<string>({ codec: 'string', capacity: 40 * 1024 });
    const model = new Model();
    let id = 0;
    q.put(model.put(99, text(id++, 1000))); // stays at the base
    for (let i = 0; i < 34; i++) q.put(model.put(i % 3, text(id++, 1000)));
    for (let i = 0; i < 16; i++) expect([q.get()]).toEqual(model.take(1));
    const before = model.sorted();
    const batch = Array.from({ length: 8 }, () => model.put(id % 5, text(id++, 1000)));
    const run = killAtEveryStep(q, () => q.putMany(batch));
    const steps = run.snaps.map((s) => s.step);
    expect(steps).toContain('slide');
    const unsafeAt = steps.indexOf('unsafe');
    let corrupt = 0;
    for (let i = 0; i < run.snaps.length; i++) {
      const { handle } = run.snaps[i];
      const inWindow = (dirtyOf(handle) & DIRTY_UNSAFE) !== 0 && epochOf(handle) === run.epoch;
      expect(inWindow).toBe(i >= unsafeAt && epochOf(handle) === run.epoch);
      if (inWindow) {
        const r = revive(handle);
        expect(() => r.getNowait()).toThrow(QueueCorruptError);
        expect(() => r.put([1, 'x'])).toThrow(QueueCorruptError);
        r.shutdown(true); // still works: empties the queue and clears the mark
        expect(r.qsize()).toBe(0);
        expect(() => r.getNowait()).toThrow(QueueShutDown);
        corrupt++;
      } else {
        checkSnapshots([run.snaps[i]], run.epoch, before, model.sorted());
      }
    }
    expect(corrupt).toBeGreaterThan(0);
    expect(drain(q)).toEqual(model.sorted());
  });
});
