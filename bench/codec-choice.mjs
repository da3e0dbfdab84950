// Why the default codec is what it is: encode + decode time of one ~100-byte object
// for each candidate, in one process run. `node bench/codec-choice.mjs` (after `npm run build`).
import v8 from 'node:v8';
import { Packr } from 'msgpackr';
import { Bench } from 'tinybench';

const { Queue } = await import('../dist/index.js');
const obj = { id: 12345, name: 'widget-42', tags: ['a', 'bb', 'ccc'], price: 19.99, ok: true, nested: { x: 1, y: 2, label: 'point' } };
const plain = new Packr({ useRecords: false });
const sc = new Packr({ useRecords: false, structuredClone: true, moreTypes: true, mapsAsObjects: false });
// Records over a key list both sides know (what a queue's default codec does with its shared store).
const records = new Packr({ structures: [], moreTypes: false });
const te = new TextEncoder();
const td = new TextDecoder();
// The default codec, reached through a queue's put+get in one thread, minus the queue's own cost
// (measured with the 'bytes' codec on the encoded size) gives the codec's share.
const viaDefault = new Queue();
const viaBytes = new Queue({ codec: 'bytes' });
const encodedSize = plain.pack(obj).length;
const raw = new Uint8Array(encodedSize);

const bench = new Bench({ time: 500, warmupTime: 200 });
bench
  .add('v8.serialize + deserialize', () => v8.deserialize(v8.serialize(obj)))
  .add('JSON (UTF-8)', () => JSON.parse(td.decode(te.encode(JSON.stringify(obj)))))
  .add('structuredClone (postMessage\'s copy)', () => structuredClone(obj))
  .add('msgpackr plain', () => plain.unpack(plain.pack(obj)))
  .add('msgpackr structuredClone option', () => sc.unpack(sc.pack(obj)))
  .add('msgpackr records, shared structures', () => records.unpack(records.pack(obj)))
  .add("queue put+get, 'default' codec", () => { viaDefault.put(obj); viaDefault.get(); })
  .add("queue put+get, 'bytes' codec (same size)", () => { viaBytes.put(raw); viaBytes.get(); });
await bench.run();
console.log(`object: ${JSON.stringify(obj).length} bytes of JSON, ${encodedSize} bytes of msgpack, ${(records.pack(obj), records.pack(obj).length)} as a record once its key lists are known`);
console.table(bench.tasks.map((t) => ({
  candidate: t.name,
  'median µs': (t.result.latency.p50 * 1000).toFixed(3),
  'p75 µs': (t.result.latency.p75 * 1000).toFixed(3),
})));
