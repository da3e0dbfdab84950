/**
 * The work of scenario 4's three stages, shared by every contender:
 *   parse:     a JSON line -> a record (JSON.parse, field checks, sum of the readings)
 *   transform: a record -> { user, score } (the calibrated kernel, seeded by the record)
 *   aggregate: fold { user, score } into per-user totals (always on the main thread)
 */
import { kernel } from './kernel.mjs';

const USERS = 64;

export function makeLines(n, iters) {
  const lines = [];
  for (let i = 0; i < n; i++) {
    const readings = Array.from({ length: 12 }, (_, k) => ((i * 31 + k * 7) % 1000) / 10);
    lines.push(JSON.stringify({ id: i, user: `user-${i % USERS}`, at: 1_700_000_000_000 + i * 1000, iters, readings }));
  }
  return lines;
}

export function parse(line) {
  const o = JSON.parse(line);
  if (typeof o.id !== 'number' || typeof o.user !== 'string' || !Array.isArray(o.readings)) throw new TypeError(`bad record: ${line.slice(0, 40)}`);
  let total = 0;
  for (const r of o.readings) total += r;
  return { id: o.id, user: o.user, iters: o.iters, total };
}

export function transform(rec) {
  return { user: rec.user, score: (kernel(rec.id + 1, rec.iters) & 0xffff) + Math.round(rec.total) };
}

export function newTotals() {
  return new Map();
}

export function aggregate(totals, r) {
  totals.set(r.user, (totals.get(r.user) ?? 0) + r.score);
}

/** A comparable fingerprint of the totals. */
export function fingerprint(totals) {
  return [...totals].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([u, s]) => `${u}=${s}`).join(',');
}
