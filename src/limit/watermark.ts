import { EventEmitter } from 'node:events';
import { argTypeError, argRangeError } from '../errors.js';

export interface WatermarkOptions {
  /** Level at which the mark goes high (producers should pause). Integer >= 1. */
  high: number;
  /** Level at which it goes low again (producers may resume). Integer, 0 <= low < high. */
  low: number;
}

export interface WatermarkEvents {
  /** The level reached `high` while low. */
  high: [level: number];
  /** The level fell to `low` while high. */
  low: [level: number];
}

/**
 * High/low watermarks with hysteresis, for backpressure: the mark goes high when the level
 * reaches `high` and stays high until the level falls to `low`, so a producer that pauses
 * at 'high' and resumes at 'low' works in bursts instead of flapping around one bound
 * (the gap between the two is the hysteresis).
 *
 * It does not watch anything by itself: feed it with `update(level)` wherever the level
 * changes and you already learn of it, e.g. after each put and on a pool's 'progress'
 * event (`pool.on('progress', ({ pending }) => mark.update(pending))`). A queue filled and
 * drained by other threads gives no event to the main thread, and watching it would mean
 * polling; counting what you submit and what comes back does not.
 */
export class Watermark extends EventEmitter<WatermarkEvents> {
  readonly high: number;
  readonly low: number;
  private current = 0;
  private raised = false;
  private waiters: Array<() => void> = [];

  constructor(options: WatermarkOptions) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw argTypeError('Watermark options must be an object like { high: 100, low: 20 }');
    }
    const { high, low } = options;
    if (typeof high !== 'number' || !Number.isInteger(high) || high < 1) {
      throw argRangeError(`high must be an integer >= 1, got ${String(high)}`);
    }
    if (typeof low !== 'number' || !Number.isInteger(low) || low < 0 || low >= high) {
      throw argRangeError(`low must be an integer from 0 to high - 1 (${high - 1}), got ${String(low)}`);
    }
    this.high = high;
    this.low = low;
  }

  /** The last level given to update(). */
  get level(): number {
    return this.current;
  }

  /** True from the moment the level reached `high` until it fell to `low`. */
  get isHigh(): boolean {
    return this.raised;
  }

  /** Records the current level; emits 'high' or 'low' when it crosses a mark. */
  update(level: number): void {
    if (typeof level !== 'number' || !Number.isFinite(level) || level < 0) {
      throw argRangeError(`level must be a finite number >= 0, got ${String(level)}`);
    }
    this.current = level;
    if (!this.raised && level >= this.high) {
      this.raised = true;
      this.emit('high', level);
    } else if (this.raised && level <= this.low) {
      this.raised = false;
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
      this.emit('low', level);
    }
  }

  /**
   * Resolves at once while the mark is low, else when it goes low: `await mark.ready()`
   * before each put is the producer's whole backpressure loop. An abort rejects with
   * `signal.reason`.
   */
  ready(options?: { signal?: AbortSignal }): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.raised) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        reject(signal?.reason);
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
