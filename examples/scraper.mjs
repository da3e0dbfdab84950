// A web scraper with N workers against a local HTTP server this example starts itself
// (node:http on 127.0.0.1, a random port; it never contacts any other address). The
// server answers slowly (artificial delays) and fails some requests once with 503; the
// workers retry with backoff. The concurrency limit is the number of workers: the server
// counts the requests it has open and never sees more than N. New links found on a page
// go back on the queue; join() says when the whole site is done.
//
// Python original (asyncio + aiohttp):
//   async def worker(q, session, seen):
//       while True:
//           url = await q.get()
//           html = await fetch_with_retries(session, url)
//           for link in parse_links(html):
//               if link not in seen: seen.add(link); q.put_nowait(link)
//           q.task_done()
//   workers = [asyncio.create_task(worker(q, session, seen)) for _ in range(N)]
//   await q.join(); for w in workers: w.cancel()
import { createServer } from 'node:http';
import { LocalQueue, QueueShutDown } from 'conveyor-queue';
import { QUICK, sleep, since } from './lib/common.mjs';

const PAGES = QUICK ? 30 : 120;
const WORKERS = 4;
const MAX_ATTEMPTS = 3;

// ---- the local "web site": page i links to 2i+1 and 2i+2 (and back to the home page) ----
let open = 0;
let maxOpen = 0;
let requests = 0;
const failedOnce = new Set();
const server = createServer(async (req, res) => {
  requests++;
  open++;
  maxOpen = Math.max(maxOpen, open);
  const id = Number(/^\/page\/(\d+)$/.exec(req.url ?? '')?.[1] ?? NaN);
  await sleep(5 + ((id * 7) % 5) * (QUICK ? 2 : 6));          // a slow server
  if (!(id >= 0 && id < PAGES)) {
    res.writeHead(404).end('not found');
  } else if (id % 6 === 5 && !failedOnce.has(id)) {             // flaky: fails once, then works
    failedOnce.add(id);
    res.writeHead(503).end('try again');
  } else {
    const links = [2 * id + 1, 2 * id + 2, 0].filter((k) => k < PAGES).map((k) => `<a href="/page/${k}">page ${k}</a>`);
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>page ${id}</h1>${links.join(' ')}`);
  }
  open--;
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// ---- the scraper: one queue of paths, N async workers (I/O-bound: one thread is enough) ----
let retries = 0;
async function fetchWithRetries(path) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(base + path, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return { html: await res.text(), attempt };
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status}`);
    } catch (error) {
      if (attempt === MAX_ATTEMPTS) throw error;
      retries++;
      await sleep(10 * 2 ** attempt);                         // backoff: 20 ms, 40 ms
    }
  }
}

const seen = new Set(['/page/0']);
const titles = new Map();
const queue = new LocalQueue();
queue.putNowait('/page/0');

async function worker() {
  for (;;) {
    let path;
    try {
      path = await queue.get();
    } catch (error) {
      if (error instanceof QueueShutDown) return;
      throw error;
    }
    try {
      const { html } = await fetchWithRetries(path);
      titles.set(path, /<h1>(.*?)<\/h1>/.exec(html)?.[1]);
      for (const [, link] of html.matchAll(/href="([^"]+)"/g)) {
        if (!seen.has(link)) {
          seen.add(link);
          queue.putNowait(link);
        }
      }
    } finally {
      queue.taskDone();
    }
  }
}

const start = performance.now();
const workers = Array.from({ length: WORKERS }, () => worker());
await queue.join();                                            // every page fetched and parsed
queue.shutdown();                                              // ends the workers' loops
await Promise.all(workers);
const wall = since(start);
server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));

console.log(`scraped ${titles.size} pages from ${base} with ${WORKERS} workers in ${wall} ms`);
console.log(`${requests} requests, ${retries} retries after 503s, at most ${maxOpen} requests open at once (limit ${WORKERS})`);
if (titles.size !== PAGES || maxOpen > WORKERS || retries !== failedOnce.size) throw new Error('scrape incomplete');
console.log(`summary: scraper ok: ${titles.size} pages, ${retries} retries, max ${maxOpen} concurrent`);
