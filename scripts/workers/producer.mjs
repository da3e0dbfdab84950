// Puts `count` items itemValue(producer, i) in order through the blocking view, then reports.
import { parentPort, workerData } from 'node:worker_threads';
import { Queue } from '../../dist/index.js';
import { itemValue } from '../lib/tally.mjs';

const { handle, producer = 0, count } = workerData;
const q = Queue.from(handle);
parentPort.postMessage({ type: 'ready' });
for (let i = 0; i < count; i++) q.put(itemValue(producer, i));
parentPort.postMessage({ type: 'result', value: { put: count } });
