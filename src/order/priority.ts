import { QueueCorruptError } from '../errors.js';
import { ARENA_HEADER, DIRTY_EPOCH_MASK, DIRTY_UNSAFE, ENTRY_BYTES, pad8, W } from '../shared/layout.js';
import type { QueueState } from '../shared/state.js';
import { copyBytes, DataArea } from './memory.js';
import type { OrderingStore } from './types.js';

/**
 * Priority: a binary min-heap of fixed-size entries (index buffer) pointing at records in
 * an arena (data buffer). Ordered by (priority, seq): lowest priority first, and equal
 * priorities in insertion order, because seq (the state's nextSeq) only grows.
 *
 * Index entry i (24 bytes): f64 priority | f64 seq | u32 arena offset | u32 payload length.
 * Arena record (8-byte aligned, see pad8), 24-byte header then the payload padded to 8:
 *   u32 payload length | u32 tag | f64 priority | f64 seq | payload
 *   tag 0 live, 1 free, or TAG_FREED_BY | (E & 0x7fffffff): "popped by the operation whose
 *   commit has epoch E" (W.ACTIVE after that commit): live before that commit, free after.
 * State: `tail` is the arena base and `head` the arena top: the records are [tail, head),
 * walked from the base by their lengths. `used` is the live records' bytes plus one entry
 * per item, `count` (kept by the core) the number of entries.
 *
 * Crash safety. The entries are derived data: every (priority, seq, offset, length) is also
 * in the arena, so the heap can be rebuilt from the committed state and the arena. The
 * rules that make a thread killed at any instant harmless (lock held or not):
 * - New records and compacted copies are written only outside the committed [base, top):
 *   above the top, or below the base. They join the arena when the state commits.
 * - The records in the committed [base, top) keep their lengths and contents; the only
 *   in-place arena write is a tag, and a tag never changes what a record means under the
 *   committed epoch: a pop writes "popped by epoch ACTIVE+1" (live until its own commit,
 *   free from then on), and normalizing writes 0 or 1 for what the tag already meant.
 * - Before the first in-place change of the heap entries or a tag, the operation sets DIRTY
 *   (Atomics.store: no write of ours moves before it). After its commit it normalizes the
 *   tags it wrote (popped-by-E -> 1) and then clears DIRTY (Atomics.store, after them).
 *   An operation that does not change memory in place (a put whose entry needs no sift,
 *   a get of the last item) leaves DIRTY alone.
 * - begin(), the first thing after loading the state in every operation that may commit,
 *   rebuilds if DIRTY is set: it walks [base, top) of the committed state (checking every
 *   length), rewrites each popped-by-E tag as free if E is the committed epoch (that pop
 *   committed) and as live otherwise (it never did), checks that it found `count` live
 *   records holding `used` bytes (else QueueCorruptError), refills the entries from the
 *   records' headers, heapifies, and clears DIRTY. It only rewrites tags to what they
 *   already mean, so a rebuild killed half-way is redone from scratch by the next one.
 * - Why every commit goes through begin(), taskDone's too: a commit while an uncommitted
 *   pop's tags are still in the arena would make them read "popped by the committed
 *   epoch". Tags popped-by-E therefore never outlive DIRTY, and DIRTY never outlives the
 *   next begin(), so the epoch's 31 bits cannot wrap onto a stale tag.
 * - shutdown(immediate) commits an empty arena (count 0, base = top = 0) without a
 *   rebuild: nothing in memory matters to that state, so DIRTY is cleared after it.
 *
 * Allocation: a bump allocator at the top; pops leave garbage, and the base moves up past
 * popped records at the base (cheap when items leave roughly in arrival order). Room is
 * made by evacuating: copying every live record (in heap order) to a region outside
 * [base, top), which becomes the new [base, top) at the commit:
 * - below the base, to 0, when the live bytes and the new record fit there;
 * - else above the top (growing the data area as needed), when at least half the region
 *   is garbage. To keep room for one of these without growing, the arena stops taking
 *   records at its top once neither below its base nor above its top there is room for
 *   its live bytes plus 1/8 of the data area (see canEvacuate).
 * - else the data area grows (doubling, up to the capacity), keeping the garbage.
 * Each evacuation copies L live bytes to free at least L, so pushes stay amortized O(1),
 * and the data area stays within a small multiple of the live bytes.
 * The one case that is not crash-safe: when the capacity leaves room for neither a copy
 * nor growth, live records slide down in place (overwriting committed records). While it
 * runs and until its commit, DIRTY holds DIRTY_UNSAFE | its epoch: if its thread dies
 * before the commit, every later operation throws QueueCorruptError: the items are lost,
 * never silently corrupted (shutdown(immediate) still works, and empties the queue). It
 * only happens once the data area has reached the capacity with a large part of it live
 * (in practice more than about a third); FIFO's ring has the same exception when its
 * growth is capped by the capacity (see FifoRing.grow).
 *
 * The sizes of a heap entry and of a record header (ENTRY_BYTES, ARENA_HEADER) are named with
 * the rest of the layout, in src/shared/layout.ts.
 */

const TAG_LIVE = 0;
const TAG_FREE = 1;
const TAG_FREED_BY = 0x80000000;
const TAG_EPOCH_MASK = 0x7fffffff;

/** The tag of a record popped by the operation whose commit will have epoch `epoch`. */
function freedTag(epoch: number): number {
  return (TAG_FREED_BY | (epoch & TAG_EPOCH_MASK)) >>> 0;
}

function corrupt(what: string): never {
  throw new QueueCorruptError(`corrupt queue memory: ${what}`);
}

/**
 * Test-only fault injection (test/queue/priority-crash.test.ts): when set, called after
 * every write to shared memory that a thread killed right there would leave behind (and
 * at a few named points), so a test can copy the queue's buffers at each such instant.
 */
let faultHook: ((step: string) => void) | null = null;
export function setPriorityFaultHook(hook: ((step: string) => void) | null): void {
  faultHook = hook;
}

/**
 * Whether an arena [base, top) with `live` live bytes, in a data area of `size` bytes, can
 * still be evacuated without growing: below its base or above its top there is room for
 * the live bytes plus a slack of size/8 for the record that will trigger the evacuation
 * (without the slack, that record would often not fit, and the evacuation would double
 * the data area every time).
 */
function canEvacuate(base: number, top: number, live: number, size: number): boolean {
  const slack = size >>> 3;
  return live + slack <= base || top + live + slack <= size;
}

export class PriorityHeap implements OrderingStore {
  lastPriority = 0;
  private readonly area: DataArea;
  // Fixed-length views of the index (see DataArea for why not length-tracking ones).
  private f64: Float64Array;
  private u32: Uint32Array;
  /** Whether this operation has set DIRTY (or must clear it after its commit). */
  private dirty = false;
  /** Offsets of the records this operation popped: their tags are normalized after the commit. */
  private readonly freed: number[] = [];
  private nFreed = 0;
  /**
   * The committed arena [cBase, cTop) as this operation found it. A put batch may move the
   * arena more than once; what it writes must always stay outside this region.
   */
  private cBase = 0;
  private cTop = 0;
  /** This operation moved the arena to below cBase: until it moves again, cBase is its limit. */
  private below = false;

  constructor(
    private readonly s: QueueState,
    private readonly h: Int32Array,
    data: SharedArrayBuffer,
    private readonly index: SharedArrayBuffer,
  ) {
    this.area = new DataArea(s, data);
    this.f64 = new Float64Array(index, 0, index.byteLength / 8);
    this.u32 = new Uint32Array(index, 0, index.byteLength / 4);
  }

  begin(): void {
    this.nFreed = 0;
    this.dirty = false;
    this.below = false;
    this.cBase = this.s.tail;
    this.cTop = this.s.head;
    if (this.h[W.DIRTY] !== 0) this.rebuild();
  }

  afterCommit(): void {
    if (!this.dirty) return;
    this.step('committed');
    // The committed state now says these records are free; say it in their tags too.
    const { dv } = this.area;
    for (let i = 0; i < this.nFreed; i++) {
      dv.setUint32(this.freed[i] + 4, TAG_FREE, true);
      this.step('normalize');
    }
    this.nFreed = 0;
    Atomics.store(this.h, W.DIRTY, 0);
    this.dirty = false;
    this.step('clean');
  }

  /** Makes the index views cover `entries` entries, growing the index buffer if needed. */
  private syncIndex(entries: number): void {
    const bytes = entries * ENTRY_BYTES;
    if (bytes <= this.u32.byteLength) return;
    if (bytes > this.index.byteLength) {
      this.index.grow(Math.min(this.index.maxByteLength, Math.max(this.index.byteLength * 2, bytes)));
    }
    this.f64 = new Float64Array(this.index, 0, this.index.byteLength / 8);
    this.u32 = new Uint32Array(this.index, 0, this.index.byteLength / 4);
  }

  recordBytes(payloadBytes: number): number {
    return pad8(payloadBytes) + ARENA_HEADER + ENTRY_BYTES;
  }

  push(payload: Uint8Array, priority: number): void {
    const { s } = this;
    const n = s.count;
    this.syncIndex(n + 1);
    this.area.sync();
    this.checkArena();
    const len = payload.length;
    const need = pad8(len) + ARENA_HEADER;
    const top = this.room(need);
    // Above the committed top (or below the base): the committed state does not look here.
    const { u8, dv } = this.area;
    const seq = s.nextSeq;
    dv.setUint32(top, len, true);
    dv.setUint32(top + 4, TAG_LIVE, true);
    dv.setFloat64(top + 8, priority, true);
    dv.setFloat64(top + 16, seq, true);
    u8.set(payload, top + ARENA_HEADER);
    this.step('record');
    s.head = top + need;
    s.used += need + ENTRY_BYTES;
    s.nextSeq = seq + 1;
    // Slot n is past the committed entries: no DIRTY needed until the sift swaps.
    this.setEntry(n, priority, seq, top, len);
    this.step('entry');
    this.siftUp(n);
  }

  peekLength(): number {
    this.area.sync();
    this.checkArena();
    this.syncIndex(this.s.count);
    return this.checkEntry(0);
  }

  pop(out: Uint8Array, at: number, len: number): void {
    const { s } = this;
    const { u8, dv } = this.area;
    const n = s.count;
    const offset = this.u32[4];
    if (dv.getUint32(offset, true) !== len || dv.getUint32(offset + 4, true) !== TAG_LIVE) {
      corrupt(`the heap's first entry does not match a live arena record at ${offset}`);
    }
    const size = pad8(len) + ARENA_HEADER;
    this.lastPriority = this.f64[0];
    copyBytes(out, at, u8, offset + ARENA_HEADER, len);
    s.used -= size + ENTRY_BYTES;
    if (n === 1) {
      // The arena empties: restart at 0. Nothing changes in place: until the commit the
      // record is live as it stands, after it the whole arena is garbage.
      s.head = 0;
      s.tail = 0;
      return;
    }
    this.markDirty();
    dv.setUint32(offset + 4, freedTag(this.h[W.ACTIVE] + 1), true);
    this.freed[this.nFreed++] = offset;
    this.step('tag');
    if (offset === s.tail) this.advanceBase(offset + size);
    this.moveEntry(n - 1, 0);
    this.siftDown(0, n - 1);
  }

  clear(): void {
    this.s.head = 0;
    this.s.tail = 0;
    this.s.used = 0;
    // Nothing in memory matters to an empty arena: DIRTY can be cleared after the commit.
    this.nFreed = 0;
    this.dirty = true;
  }

  /** Sets DIRTY before this operation's first in-place change. */
  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    // Nonzero already only during the in-place fallback, whose marker stays until the commit.
    if (this.h[W.DIRTY] === 0) Atomics.store(this.h, W.DIRTY, 1);
    this.step('dirty');
  }

  private step(what: string): void {
    if (faultHook !== null) faultHook(what);
  }

  /**
   * The last holder died with DIRTY set: rebuilds the entries from the committed state and
   * the arena (see the top of this file), or throws QueueCorruptError if they disagree or an
   * in-place compaction was cut short.
   */
  private rebuild(): void {
    const { h } = this;
    const mark = h[W.DIRTY];
    const epoch = h[W.ACTIVE];
    if ((mark & DIRTY_UNSAFE) !== 0 && (mark & DIRTY_EPOCH_MASK) !== (epoch & DIRTY_EPOCH_MASK)) {
      corrupt('a thread died while compacting a priority queue in place (its capacity left no room to do it safely)');
    }
    this.area.sync();
    this.checkArena();
    this.dirty = true; // the sifts below must not set DIRTY again; it is set already
    this.reindex(freedTag(epoch));
    Atomics.store(h, W.DIRTY, 0);
    this.dirty = false;
    this.step('rebuilt');
  }

  /**
   * Walks the arena [base, top) of `s`, classifies each record (a tag equal to `freedNow`
   * means free, any other popped-by tag live), normalizes the tags, refills the entries
   * from the headers and heapifies them.
   */
  private reindex(freedNow: number): void {
    const { s } = this;
    const n = s.count;
    if (!(n >= 0 && n * ENTRY_BYTES <= this.index.byteLength)) corrupt(`item count ${n} exceeds the heap index`);
    this.syncIndex(n);
    const { dv } = this.area;
    const top = s.head;
    let p = s.tail;
    let i = 0;
    let bytes = 0;
    while (p < top) {
      const len = this.recordLength(p, top);
      const size = pad8(len) + ARENA_HEADER;
      let tag = dv.getUint32(p + 4, true);
      if (tag >= TAG_FREED_BY) {
        tag = tag === freedNow ? TAG_FREE : TAG_LIVE;
        dv.setUint32(p + 4, tag, true);
        this.step('normalize');
      }
      if (tag === TAG_LIVE) {
        if (i >= n) corrupt(`more live records in the arena than the ${n} items queued`);
        this.setEntry(i++, dv.getFloat64(p + 8, true), dv.getFloat64(p + 16, true), p, len);
        this.step('entry');
        bytes += size;
      } else if (tag !== TAG_FREE) {
        corrupt(`arena record at ${p} has tag ${tag}`);
      }
      p += size;
    }
    if (i !== n || bytes !== s.used - n * ENTRY_BYTES) {
      corrupt(`the arena holds ${i} live records (${bytes} bytes), the state says ${n} (${s.used - n * ENTRY_BYTES} bytes)`);
    }
    for (let k = (n >> 1) - 1; k >= 0; k--) this.siftDown(k, n);
  }

  /** Checks the state's arena bounds (a corrupt state must not make us read outside the data). */
  private checkArena(): void {
    const { s } = this;
    const base = s.tail;
    const top = s.head;
    if (!(base >= 0 && base <= top && top <= s.dataSize && (base & 7) === 0 && (top & 7) === 0)) {
      corrupt(`arena [${base}, ${top}) outside a data area of ${s.dataSize} bytes`);
    }
  }

  /** The payload length of the record at `p`, checked to fit below `top`. */
  private recordLength(p: number, top: number): number {
    if (p + ARENA_HEADER > top) corrupt(`arena record header at ${p} crosses the top ${top}`);
    return this.area.checkLength(this.area.dv.getUint32(p, true), top - p - ARENA_HEADER, 'arena record');
  }

  /** Moves the base past the popped or free records from `p` up. */
  private advanceBase(p: number): void {
    const { s } = this;
    const { dv } = this.area;
    const top = s.head;
    const popped = freedTag(this.h[W.ACTIVE] + 1);
    while (p < top) {
      const len = this.recordLength(p, top);
      const tag = dv.getUint32(p + 4, true);
      if (tag !== TAG_FREE && tag !== popped) break;
      p += pad8(len) + ARENA_HEADER;
    }
    s.tail = p;
  }

  /**
   * Returns where a record of `need` bytes goes (the new top - need), making room first if
   * needed (see "Allocation" at the top of this file). A region based at 0 keeps room above
   * its top to evacuate into.
   */
  private room(need: number): number {
    const { s } = this;
    const top = s.head;
    const live = s.used - s.count * ENTRY_BYTES;
    if (this.below) {
      if (top + need <= this.cBase) return top;
    } else if (top + need <= s.dataSize && canEvacuate(s.tail, top + need, live + need, s.dataSize)) {
      return top;
    }
    return this.makeRoom(need, live);
  }

  /**
   * Unless `below`, the arena's top is at or above cTop (it only moves up, or to above the
   * top), so everything above it is outside the committed region.
   */
  private makeRoom(need: number, live: number): number {
    const { s, cBase, cTop } = this;
    const top = s.head;
    const base = s.tail;
    const max = this.area.buffer.maxByteLength;
    const committed = cTop > cBase;
    if (!this.below) {
      const span = top - base;
      const garbage = span - live;
      if (base > 0 && live + need <= base && (!committed || live + need <= cBase)) {
        this.evacuate(0);
        this.below = committed;
        this.step('evacuate-low');
        return s.head;
      }
      if (garbage > 0 && 2 * garbage >= span && top + live + need <= max) {
        this.ensure(top + live + need);
        this.evacuate(top);
        this.step('evacuate-high');
        return s.head;
      }
      if (top + need <= max) {
        // Enough to keep room to evacuate above the top after the push (see canEvacuate).
        const want = top + need + live + need;
        this.ensure(Math.min(max, want + (want >> 2)));
        this.step('grow');
        return top;
      }
    } else if (cTop + live + need <= max) {
      // Moved below the committed region earlier in this batch and ran into it: move above it.
      this.ensure(cTop + live + need);
      this.evacuate(cTop);
      this.below = false;
      this.step('evacuate-high');
      return s.head;
    }
    this.slideInPlace(live);
    this.below = false;
    this.ensure(s.head + need);
    this.step('slide');
    return s.head;
  }

  private ensure(bytes: number): void {
    if (bytes > this.s.dataSize) this.area.growTo(bytes);
  }

  /**
   * Copies every live record, in heap order, to [dst, dst + live bytes), which lies outside
   * the committed [base, top) (the caller's choice), and points the entries at the copies.
   * Before the commit the old records are intact and the entries are under DIRTY; after it
   * the copies are the arena. Everything is checked before the first write.
   */
  private evacuate(dst: number): void {
    const { s } = this;
    const n = s.count;
    const { u8, dv } = this.area;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const len = this.checkEntry(i);
      const off = this.u32[i * 6 + 4];
      if (dv.getUint32(off, true) !== len || dv.getUint32(off + 4, true) !== TAG_LIVE) {
        corrupt(`heap entry ${i} does not match a live arena record at ${off}`);
      }
      total += pad8(len) + ARENA_HEADER;
    }
    if (total !== s.used - n * ENTRY_BYTES) corrupt(`the heap's records hold ${total} bytes, the state says ${s.used - n * ENTRY_BYTES}`);
    this.markDirty();
    const start = dst;
    const { u32 } = this;
    for (let i = 0; i < n; i++) {
      const off = u32[i * 6 + 4];
      const size = pad8(u32[i * 6 + 5]) + ARENA_HEADER;
      u8.copyWithin(dst, off, off + size);
      this.step('copy');
      u32[i * 6 + 4] = dst;
      this.step('entry');
      dst += size;
    }
    s.tail = start;
    s.head = dst;
  }

  /**
   * The capped-capacity fallback (not crash-safe, see the top of this file): slides the
   * live records down to 0 in place, in arena order, then rebuilds the entries. Checked
   * before the first write.
   */
  private slideInPlace(live: number): void {
    const { s, h } = this;
    const { u8, dv } = this.area;
    const top = s.head;
    let bytes = 0;
    for (let p = s.tail; p < top; ) {
      const size = pad8(this.recordLength(p, top)) + ARENA_HEADER;
      const tag = dv.getUint32(p + 4, true);
      if (tag === TAG_LIVE) bytes += size;
      else if (tag !== TAG_FREE) corrupt(`arena record at ${p} has tag ${tag}`);
      p += size;
    }
    if (bytes !== live) corrupt(`the arena holds ${bytes} live bytes, the state says ${live}`);
    this.dirty = true;
    Atomics.store(h, W.DIRTY, DIRTY_UNSAFE | ((h[W.ACTIVE] + 1) & DIRTY_EPOCH_MASK));
    this.step('unsafe');
    let dst = 0;
    for (let p = s.tail; p < top; ) {
      const size = pad8(dv.getUint32(p, true)) + ARENA_HEADER;
      if (dv.getUint32(p + 4, true) === TAG_LIVE) {
        if (p !== dst) u8.copyWithin(dst, p, p + size);
        this.step('copy');
        dst += size;
      }
      p += size;
    }
    s.tail = 0;
    s.head = dst;
    this.reindex(TAG_FREED_BY); // no popped-by tags in a put
  }

  /** Checks entry i against the arena bounds; returns its payload length. */
  private checkEntry(i: number): number {
    const off = this.u32[i * 6 + 4];
    const len = this.u32[i * 6 + 5];
    const { s } = this;
    this.area.checkLength(len, s.head - s.tail - ARENA_HEADER, 'record');
    if (!(off >= s.tail && (off & 7) === 0 && off + ARENA_HEADER + len <= s.head)) {
      corrupt(`heap entry ${i} points at ${off}, outside the arena [${s.tail}, ${s.head})`);
    }
    return len;
  }

  private less(a: number, b: number): boolean {
    const pa = this.f64[a * 3];
    const pb = this.f64[b * 3];
    return pa < pb || (pa === pb && this.f64[a * 3 + 1] < this.f64[b * 3 + 1]);
  }

  private setEntry(i: number, priority: number, seq: number, offset: number, len: number): void {
    this.f64[i * 3] = priority;
    this.f64[i * 3 + 1] = seq;
    this.u32[i * 6 + 4] = offset;
    this.u32[i * 6 + 5] = len;
  }

  private moveEntry(from: number, to: number): void {
    const { f64, u32 } = this;
    f64[to * 3] = f64[from * 3];
    f64[to * 3 + 1] = f64[from * 3 + 1];
    u32[to * 6 + 4] = u32[from * 6 + 4];
    u32[to * 6 + 5] = u32[from * 6 + 5];
    this.step('entry');
  }

  private swap(a: number, b: number): void {
    const { f64, u32 } = this;
    const p = f64[a * 3];
    const s = f64[a * 3 + 1];
    const o = u32[a * 6 + 4];
    const l = u32[a * 6 + 5];
    this.moveEntry(b, a);
    f64[b * 3] = p;
    f64[b * 3 + 1] = s;
    u32[b * 6 + 4] = o;
    u32[b * 6 + 5] = l;
    this.step('entry');
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.markDirty();
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number, n: number): void {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const child = r < n && this.less(r, l) ? r : l;
      if (!this.less(child, i)) return;
      this.markDirty();
      this.swap(i, child);
      i = child;
    }
  }
}
