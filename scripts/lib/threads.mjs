// Worker helpers for the reliability scripts (plain .mjs: they run without a TypeScript step).
import { Worker } from 'node:worker_threads';

/** Starts scripts/workers/<name>; `result` resolves with its { type: 'result' } message. */
export function startWorker(name, workerData) {
  const worker = new Worker(new URL(`../workers/${name}`, import.meta.url), { workerData });
  let onReady;
  const ready = new Promise((resolve) => {
    onReady = resolve;
  });
  const result = new Promise((resolve, reject) => {
    worker.on('message', (msg) => {
      if (msg.type === 'ready') onReady();
      if (msg.type === 'result') resolve(msg.value);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`worker ${name} exited with code ${code} before its result`)));
  });
  result.catch(() => undefined);
  return { worker, ready, result };
}

/** Splits `total` into `parts` near-equal shares. */
export function shares(total, parts) {
  return Array.from({ length: parts }, (_, k) => Math.floor(total / parts) + (k < total % parts ? 1 : 0));
}

export function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unknown argument ${argv[i]}`);
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option --${m[1]} (known: ${Object.keys(defaults).join(', ')})`);
    let value = m[2];
    if (value === undefined) {
      if (typeof defaults[key] === 'boolean') value = 'true';
      else value = argv[++i];
    }
    out[key] = typeof defaults[key] === 'number' ? Number(value) : typeof defaults[key] === 'boolean' ? value !== 'false' : value;
    if (typeof defaults[key] === 'number' && !Number.isFinite(out[key])) throw new Error(`--${m[1]} must be a number`);
  }
  return out;
}
