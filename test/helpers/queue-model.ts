/**
 * The plain reference model that the model-based tests (test/queue/model.test.ts,
 * test/reliability/model-bytes.test.ts) run beside a real queue: every result and every
 * error must agree. Items are [priority, value] pairs (priority 0 for FIFO and LIFO);
 * ties in priority come out in insertion order. Shared memory is modelled only where a
 * subclass says what a record costs: by default records are free and capacity unbounded.
 */
export type Ordering = 'fifo' | 'lifo' | 'priority';
export type Outcome = { ok: unknown } | { error: string };

export class QueueModel<V = unknown> {
  items: { p: number; seq: number; v: V }[] = [];
  used = 0;
  unfinished = 0;
  shut = false;
  seq = 0;
  capacity = Infinity;

  constructor(readonly ordering: Ordering, public maxsize: number) {}

  /** Bytes a record of this value takes from the capacity. */
  cost(_v: V): number {
    return 0;
  }

  full(): boolean {
    return this.maxsize > 0 && this.items.length >= this.maxsize;
  }

  /** Puts pairs in order while there is room; a batch's errors also say how many went in. */
  putMany(list: [number, V][], batch: boolean): Outcome {
    if (list.some(([, v]) => this.cost(v) > this.capacity)) return { error: 'RangeError' }; // before anything, even after shutdown
    let inserted = 0;
    for (const [p, v] of list) {
      if (this.shut) return { error: batch ? `QueueShutDown:${inserted}` : 'QueueShutDown' };
      if (this.full() || this.used + this.cost(v) > this.capacity) return { error: batch ? `QueueFull:${inserted}` : 'QueueFull' };
      this.items.push({ p, seq: this.seq++, v });
      this.used += this.cost(v);
      this.unfinished++;
      inserted++;
    }
    return { ok: undefined };
  }

  private takeOne(): unknown {
    let i = 0;
    if (this.ordering === 'lifo') i = this.items.length - 1;
    else if (this.ordering === 'priority') {
      for (let j = 1; j < this.items.length; j++) {
        const a = this.items[j];
        const b = this.items[i];
        if (a.p < b.p || (a.p === b.p && a.seq < b.seq)) i = j;
      }
    }
    const [it] = this.items.splice(i, 1);
    this.used -= this.cost(it.v);
    return this.ordering === 'priority' ? [it.p, it.v] : it.v;
  }

  get(): Outcome {
    const r = this.getMany(1);
    return 'ok' in r ? { ok: (r.ok as unknown[])[0] } : r;
  }

  getMany(max: number): Outcome {
    if (this.items.length === 0) return { error: this.shut ? 'QueueShutDown' : 'QueueEmpty' };
    const out: unknown[] = [];
    while (out.length < max && this.items.length > 0) out.push(this.takeOne());
    return { ok: out };
  }

  taskDone(): Outcome {
    if (this.unfinished <= 0) return { error: 'RangeError' };
    this.unfinished--;
    return { ok: undefined };
  }

  join(): Outcome {
    return this.unfinished === 0 ? { ok: undefined } : { error: 'TimeoutError' };
  }

  shutdown(immediate: boolean): Outcome {
    this.shut = true;
    if (immediate) {
      this.unfinished = Math.max(0, this.unfinished - this.items.length);
      this.items = [];
      this.used = 0;
    }
    return { ok: undefined };
  }
}

/** Runs one call on the real queue; a batch put's error also reports how many items went in. */
export function attempt(fn: () => unknown, batch = false): Outcome {
  try {
    return { ok: fn() };
  } catch (e) {
    const err = e as { name: string; inserted?: number };
    if (batch && (err.name === 'QueueFull' || err.name === 'QueueShutDown')) return { error: `${err.name}:${err.inserted}` };
    return { error: err.name };
  }
}
