/**
 * Scenario 5: memory for 1,000,000 small queued items.
 *
 * Each contender runs in its own child process (node --expose-gc), fills with the items,
 * measures after a full GC while they are queued, then drains and checks them:
 *   conveyor Queue   shared bytes (the SharedArrayBuffers' sizes: the data area doubles as it
 *                    grows, so this is between 1x and 2x the bytes in use), RSS growth, peak RSS
 *   LocalQueue       the in-thread queue (items by reference)
 *   JS array         the floor for holding the same items in one thread
 *   MessagePort      the same items posted to a port nobody has read yet
 * Payloads: a small integer, and a small object { v: i, name: 'item' }.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bytes, ratio, renderTable, si } from '../lib/table.mjs';

const CHILD = fileURLToPath(new URL('../workers/memory-child.mjs', import.meta.url));

function runChild(contender, payload, count) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', CHILD, contender, payload, String(count)], { maxBuffer: 1 << 20, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${contender}/${payload}: ${err.message}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

export default {
  id: 'memory',
  title: 'Scenario 5: memory per queued item (1,000,000 small items)',
  async run(ctx) {
    const { lib, progress, quick } = ctx;
    const count = 1_000_000;
    const contenders = [['queue', 'conveyor Queue (default codec)'], ['array', 'JS array (same thread)'], ['port', 'MessagePort, unread messages']];
    const notes = [];
    if (typeof lib.LocalQueue === 'function') contenders.splice(1, 0, ['local', 'LocalQueue']);
    else notes.push('LocalQueue row skipped: LocalQueue is not exported by dist/index.js yet');
    for (const n of notes) progress.note(`  note: ${n}`);
    const payloads = quick ? ['object'] : ['number', 'object'];
    const jobs = [];
    for (const payload of payloads) for (const [id, label] of contenders) jobs.push({ payload, id, label });
    const rows = [];
    for (let i = 0; i < jobs.length; i++) {
      const { payload, id, label } = jobs[i];
      progress.step('memory', i, jobs.length, `${payload} ${label}`);
      try {
        const r = await runChild(id, payload, count);
        if (!r.ok) throw new Error('drained items do not match what was put');
        rows.push({
          payload, contender: label, mechanism: id, count,
          rssPerItem: (r.full.rss - r.before.rss) / count,
          heapPerItem: (r.full.heap + r.full.external - r.before.heap - r.before.external) / count,
          sharedAllocatedPerItem: r.shared.allocated / count,
          peakRss: r.peakRss,
          fillPerSec: count / (r.fillMs / 1000),
          drainPerSec: count / (r.drainMs / 1000),
        });
      } catch (err) {
        progress.note(`  error: ${err.message}`);
        rows.push({ payload, contender: label, mechanism: id, count, error: err.message });
      }
    }
    for (const r of rows) {
      const base = rows.find((b) => b.mechanism === 'array' && b.payload === r.payload);
      if (base?.rssPerItem && r.rssPerItem) r.rssVsArray = r.rssPerItem / base.rssPerItem;
    }
    const table = renderTable(
      `${count.toLocaleString('en')} items queued at once, measured after a full GC; RSS growth = RSS while full - RSS before`,
      ['payload', 'contender', 'RSS growth/item', 'vs array', 'heap+external/item', 'shared bytes/item', 'peak RSS (sampled)', 'fill items/s', 'drain items/s'],
      rows.map((r) => [r.payload === 'number' ? 'small integer' : "{ v: i, name: 'item' }", r.contender,
        r.error ? 'ERROR' : `${r.rssPerItem.toFixed(1)} B`, ratio(r.rssVsArray), r.error ? '' : `${r.heapPerItem.toFixed(1)} B`,
        r.sharedAllocatedPerItem ? `${r.sharedAllocatedPerItem.toFixed(1)} B` : '-',
        r.error ? '' : bytes(r.peakRss), r.error ? '' : si(r.fillPerSec), r.error ? '' : si(r.drainPerSec)]),
      ['l', 'l'],
    );
    return { rows, notes, tables: [table] };
  },
};
