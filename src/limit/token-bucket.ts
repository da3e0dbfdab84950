import { hrtime } from 'node:process';

/**
 * A token bucket whose state lives in a SharedArrayBuffer, so any number of threads that
 * attach to it (`TokenBucket.from(bucket.handle)`) together respect ONE rate: at most
 * `burst + rate * t` tokens are taken in any window of t seconds, across all threads.
 *
 * The state is one 64-bit word, the "theoretical arrival time" of the generic cell rate
 * algorithm (GCRA, the virtual-scheduling form of a token bucket): the instant at which
 * the bucket would be full again. Taking n tokens moves it forward by n intervals
 * (1/rate s each), starting from now if it is in the past; the take is allowed when the
 * new value is at most `burst` intervals ahead of now. One compare-and-swap publishes a
 * take, so there is no lock and a thread that dies between the load and the CAS leaves
 * the state untouched. The clock (clockNs() below) must be one clock for every thread of the
 * process: it is `process.hrtime.bigint()` (monotonic, ns) plus a per-thread offset that
 * puts it on the epoch, taken once from `performance.timeOrigin + performance.now()`.
 * On Node hrtime alone is CLOCK_MONOTONIC in every thread and the offsets agree to within
 * about a microsecond; on Bun 1.4 and Deno 2.9 hrtime starts near 0 in each thread (it is
 * that thread's performance.now()), so without the offset threads would disagree by their
 * start times and each would take tokens at the full rate.
 *
 * Memory layout (BigInt64Array over 32 bytes):
 *   [0] TAT       theoretical arrival time, ns on the clockNs() clock (0: full bucket)
 *   [1] INTERVAL  ns per token (1e9 / rate, at least 1)
 *   [2] BURST     capacity in tokens
 *   [3] MAGIC     written last by the creator; from() refuses memory without it
 */
const TAT = 0;
const INTERVAL = 1;
const BURST = 2;
const MAGIC_WORD = 3;
const MAGIC = 0x636f6e76_746b6231n; // "convtkb1"
const BYTES = 32;

/** This thread's offset from its hrtime clock to the epoch, in ns (see above). */
const EPOCH_OFFSET = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)) - hrtime.bigint();
/** Nanoseconds since the epoch, monotonic, on a clock all threads of the process share. */
const clockNs = (): bigint => hrtime.bigint() + EPOCH_OFFSET;

/** What crosses threads (workerData, postMessage): plain data. */
export interface TokenBucketHandle {
  readonly kind: 'conveyor.token-bucket';
  readonly memory: SharedArrayBuffer;
}

export interface TokenBucketOptions {
  /** Tokens added per second, > 0 (fractions allowed: 0.5 = one token every 2 s). */
  rate: number;
  /** Capacity: tokens that may be taken at once after a quiet period. Integer >= 1, default 1. */
  burst?: number;
}

export interface TakeOptions {
  /** Abort the wait: the promise rejects with `signal.reason` and no token is taken. */
  signal?: AbortSignal;
}

function rangeError(message: string): RangeError {
  return Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' });
}

function handleError(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_TOKEN_BUCKET_HANDLE' });
}

export class TokenBucket {
  readonly handle: TokenBucketHandle;
  private readonly words: BigInt64Array;
  private readonly interval: bigint;
  private readonly capacity: bigint;
  /** capacity * interval: how far ahead of now the theoretical arrival time may be (ns). */
  private readonly limitNs: bigint;
  /** A private word to sleep on in takeSync() (Atomics.wait needs an Int32Array). */
  private sleeper: Int32Array | null = null;

  constructor(options: TokenBucketOptions);
  /** @internal used by from() */
  constructor(options: TokenBucketOptions | null, handle: TokenBucketHandle);
  constructor(options: TokenBucketOptions | null, handle?: TokenBucketHandle) {
    if (handle !== undefined) {
      this.handle = handle;
      this.words = new BigInt64Array(handle.memory);
    } else {
      const { rate, burst } = validateOptions(options);
      const memory = new SharedArrayBuffer(BYTES);
      this.words = new BigInt64Array(memory);
      this.words[INTERVAL] = BigInt(Math.max(1, Math.round(1e9 / rate)));
      this.words[BURST] = BigInt(burst);
      // Published last: another thread that sees the magic sees the configuration too.
      Atomics.store(this.words, MAGIC_WORD, MAGIC);
      this.handle = { kind: 'conveyor.token-bucket', memory };
    }
    this.interval = this.words[INTERVAL];
    this.capacity = this.words[BURST];
    this.limitNs = this.capacity * this.interval;
  }

  /** Attaches to a bucket made in another thread (or this one) from its `handle`. */
  static from(handle: TokenBucketHandle): TokenBucket {
    if (typeof handle !== 'object' || handle === null || handle.kind !== 'conveyor.token-bucket') {
      throw handleError('expected a token bucket handle: pass the .handle of a TokenBucket');
    }
    if (!(handle.memory instanceof SharedArrayBuffer) || handle.memory.byteLength !== BYTES) {
      throw handleError(`token bucket handle memory must be a SharedArrayBuffer of ${BYTES} bytes`);
    }
    if (Atomics.load(new BigInt64Array(handle.memory), MAGIC_WORD) !== MAGIC) {
      throw handleError('token bucket memory has no conveyor magic word: not a token bucket, or corrupted');
    }
    return new TokenBucket(null, handle);
  }

  /** Tokens per second (as stored: 1e9 / whole nanoseconds per token). */
  get rate(): number {
    return 1e9 / Number(this.interval);
  }

  get burst(): number {
    return Number(this.capacity);
  }

  /** Whole tokens available right now (a snapshot: other threads may take them next). */
  available(): number {
    const now = clockNs();
    const tat = Atomics.load(this.words, TAT);
    const ahead = tat > now ? tat - now : 0n;
    return Number((this.limitNs - ahead) / this.interval);
  }

  /** Takes `n` tokens if they are available now; never waits. */
  tryTake(n = 1): boolean {
    return this.attempt(this.count(n)) === 0;
  }

  /**
   * Takes `n` tokens, waiting (without blocking the event loop) until they are available.
   * Waiters are not queued: each sleeps until enough tokens should be there and tries
   * again, so under contention there is no first-come-first-served order, but the rate
   * always holds. The wait is an ordinary timer, so it keeps the process alive.
   */
  take(n = 1, options?: TakeOptions): Promise<void> {
    const count = this.count(n);
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const first = this.attempt(count);
    if (first === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout>;
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const retry = (waitNs: number): void => {
        timer = setTimeout(() => {
          const next = this.attempt(count);
          if (next === 0) {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          } else {
            retry(next);
          }
        }, Math.max(1, Math.ceil(waitNs / 1e6)));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      retry(first);
    });
  }

  /**
   * Takes `n` tokens, blocking this thread (Atomics.wait with a timeout) until they are
   * available. For worker threads; the main thread should use take().
   */
  takeSync(n = 1): void {
    const count = this.count(n);
    this.sleeper ??= new Int32Array(new SharedArrayBuffer(4));
    for (let wait = this.attempt(count); wait !== 0; wait = this.attempt(count)) {
      Atomics.wait(this.sleeper, 0, 0, Math.max(wait / 1e6, 0.05));
    }
  }

  toString(): string {
    return `TokenBucket(rate=${this.rate}/s, burst=${this.burst})`;
  }

  private count(n: unknown): bigint {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > this.burst) {
      throw rangeError(`tokens must be an integer from 1 to the burst (${this.burst}), got ${String(n)}`);
    }
    return BigInt(n);
  }

  /** One try: 0 when the tokens were taken, else the ns to wait before they could be. */
  private attempt(n: bigint): number {
    const limit = this.limitNs;
    for (;;) {
      const tat = Atomics.load(this.words, TAT);
      const now = clockNs();
      const next = (tat > now ? tat : now) + n * this.interval;
      if (next - now > limit) return Number(next - now - limit);
      // Lost a race with another thread: reload and decide again.
      if (Atomics.compareExchange(this.words, TAT, tat, next) === tat) return 0;
    }
  }
}

function validateOptions(options: unknown): { rate: number; burst: number } {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('TokenBucket options must be an object like { rate: 10, burst: 5 }');
  }
  const { rate, burst = 1 } = options as Partial<TokenBucketOptions>;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 1e9) {
    throw rangeError(`rate must be a number of tokens per second, > 0 and <= 1e9, got ${String(rate)}`);
  }
  if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1 || burst > 2 ** 31 - 1) {
    throw rangeError(`burst must be an integer from 1 to 2^31-1, got ${String(burst)}`);
  }
  return { rate, burst };
}
