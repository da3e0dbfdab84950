/**
 * In-thread orderings for LocalQueue: items by reference, O(1) FIFO/LIFO, O(log n) priority.
 * The queue checks bounds and shutdown; a store only keeps items in order.
 */
export interface LocalStore<T> {
  readonly size: number;
  push(item: T): void;
  /** Removes and returns the next item (size > 0 guaranteed by the caller). */
  take(): T;
  clear(): void;
}

/** A growable ring buffer (power-of-two length): no Array.shift, no copying on take. */
export class RingStore<T> implements LocalStore<T> {
  private slots: (T | undefined)[] = new Array<T | undefined>(16);
  private mask = 15;
  private head = 0;
  size = 0;

  push(item: T): void {
    if (this.size > this.mask) this.grow();
    this.slots[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  take(): T {
    const item = this.slots[this.head] as T;
    this.slots[this.head] = undefined; // drop the reference (CPython case 103)
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return item;
  }

  clear(): void {
    this.slots = new Array<T | undefined>(16);
    this.mask = 15;
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const old = this.slots;
    const n = old.length;
    const next = new Array<T | undefined>(n * 2);
    for (let i = 0; i < n; i++) next[i] = old[(this.head + i) & this.mask];
    this.slots = next;
    this.mask = n * 2 - 1;
    this.head = 0;
  }
}

export class StackStore<T> implements LocalStore<T> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(): T {
    return this.items.pop() as T;
  }

  clear(): void {
    this.items = [];
  }
}

/**
 * A binary min-heap on (priority, insertion sequence) over parallel arrays: lowest
 * priority first, equal priorities first in first out. Items are [priority, value]
 * pairs, validated by the queue before they get here; the pair itself is returned.
 */
export class HeapStore<T extends readonly [number, unknown]> implements LocalStore<T> {
  private prios: number[] = [];
  private seqs: number[] = [];
  private items: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const { prios, seqs, items } = this;
    const p = item[0];
    const s = this.nextSeq++;
    let i = items.length;
    prios.push(p);
    seqs.push(s);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pp = prios[parent];
      if (pp < p || (pp === p && seqs[parent] < s)) break;
      prios[i] = pp;
      seqs[i] = seqs[parent];
      items[i] = items[parent];
      i = parent;
    }
    prios[i] = p;
    seqs[i] = s;
    items[i] = item;
  }

  take(): T {
    const { prios, seqs, items } = this;
    const top = items[0];
    const last = items.length - 1;
    const p = prios[last];
    const s = seqs[last];
    const item = items[last];
    prios.pop();
    seqs.pop();
    items.pop();
    if (last > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= last) break;
        const r = c + 1;
        if (r < last && (prios[r] < prios[c] || (prios[r] === prios[c] && seqs[r] < seqs[c]))) c = r;
        if (p < prios[c] || (p === prios[c] && s < seqs[c])) break;
        prios[i] = prios[c];
        seqs[i] = seqs[c];
        items[i] = items[c];
        i = c;
      }
      prios[i] = p;
      seqs[i] = s;
      items[i] = item;
    }
    return top;
  }

  clear(): void {
    this.prios = [];
    this.seqs = [];
    this.items = [];
  }
}
