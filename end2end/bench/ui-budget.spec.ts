/**
 * The dashboard's load budget on the 1,000,000-stream database (`make bench`, never part
 * of `make test`): the release build served by the release server, which
 * scripts/ui-bench.sh starts (it sets BENCH_UI_URL). Every figure is measured and
 * printed on one `ui-bench:` line next to its budget, OK or OVER BUDGET; the figures are
 * checked with soft assertions after all of them are printed, so a figure over budget
 * never keeps another from being measured. An aim is printed, never checked.
 *
 * What is measured, every visit signed in (the session cookie of one sign-in, handed to
 * every fresh browser context) on `/streams`:
 *
 * - bytes on the wire of a cold visit (a fresh browser context, its cache cleared through
 *   the DevTools protocol) until the first rows are painted: for every response, the
 *   `encodedDataLength` of `Network.loadingFinished`, which counts what came over the
 *   connection for it, status line and response headers included, the body as sent
 *   (compressed); the request bytes sent are not counted. Responses that finished after
 *   the first rows were painted (a favicon, the live events' stream, thumbnails) are
 *   listed in the breakdown but not counted; one still open then counts its headers and
 *   data received by then. 1 KB = 1024 bytes.
 * - first rows painted: from navigation start (`performance.timeOrigin`) to the first
 *   `[data-testid="stream-row"]` in the DOM, seen by a MutationObserver installed before
 *   the page's own scripts run, and then the next `requestAnimationFrame` callback: the
 *   frame that style, lays out and paints those rows starts with that callback, so this
 *   is when the rows go to the screen (the paint itself, a few milliseconds at most for
 *   one frame, is not included).
 * - network emulation through the DevTools protocol (`Network.emulateNetworkConditions`):
 *   Chromium holds each response back by the latency and caps the throughput of the
 *   page's requests. The latency is added once per request; there is no emulated TCP
 *   handshake or slow start (the server is on the loopback interface), so a real link of
 *   that round trip is somewhat slower still.
 * - cold: 10 Mbit/s down, 5 Mbit/s up, 40 ms (budget); 1.6 Mbit/s down, 750 kbit/s up,
 *   150 ms (an aim); each run a fresh context with its cache cleared.
 * - warm: the same 10 Mbit/s / 40 ms, every run a new tab of one context whose cache holds
 *   the assets from a first, unmeasured visit (the page itself, `no-cache`, and the API
 *   are asked again).
 * - the next click (information, no budget): after a cold visit at 10 Mbit/s / 40 ms, a
 *   click on the first stream's name until its page's header is in the DOM, once right
 *   after the first rows (the stream page's code, split off the main module, is fetched
 *   on the click) and once after the app has fetched the deferred pages in the
 *   background (router.rs, `prefetch_deferred_pages`).
 * - the re-render after a filter switch (no emulation): on /streams?per_page=150, a click
 *   on the streamgroups toggle until 150 new rows are in the DOM, split into the list
 *   request (Resource Timing, `responseEnd`) and the rendering after its answer.
 */
import {
  test,
  expect,
  type Browser,
  type BrowserContext,
  type CDPSession,
  type Page,
} from '@playwright/test';

const COLD_RUNS = Number(process.env.BENCH_UI_COLD_RUNS ?? '7');
const WARM_RUNS = Number(process.env.BENCH_UI_WARM_RUNS ?? '10');
const RERENDER_RUNS = Number(process.env.BENCH_UI_RUNS ?? '10');

const BYTES_BUDGET_KB = 450;
const COLD_BUDGET_MS = 1000;
const SLOW_AIM_MS = 3500;
const WARM_BUDGET_MS = 300;
const RERENDER_BUDGET_MS = 50;

const ROW = '[data-testid="stream-row"]';

interface Network {
  name: string;
  downMbit: number;
  upMbit: number;
  latencyMs: number;
}

const FAST: Network = { name: '10 Mbit/s, 40 ms', downMbit: 10, upMbit: 5, latencyMs: 40 };
const SLOW: Network = { name: '1.6 Mbit/s, 150 ms', downMbit: 1.6, upMbit: 0.75, latencyMs: 150 };

type Storage = Awaited<ReturnType<BrowserContext['storageState']>>;

interface Setup {
  browser: Browser;
  baseURL: string;
  viewport: { width: number; height: number } | null;
  storage: Storage;
}

function stats(xs: number[]): { p50: number; min: number; max: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  return {
    p50: sorted[Math.floor((sorted.length - 1) / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

// The report on stdout is this benchmark's output.
function print(line: string): void {
  console.log(`ui-bench: ${line}`);
}

/** Prints a time figure (p50 and max) against its budget, or an aim; true when within. */
function reportTimes(
  label: string,
  xs: number[],
  limit: number,
  kind: 'budget' | 'aim' | 'none',
): boolean {
  const { p50, max } = stats(xs);
  const within = p50 <= limit;
  const judged =
    kind === 'budget'
      ? `(budget p50 ≤ ${limit} ms, ${xs.length} runs) ${within ? 'OK' : 'OVER BUDGET'}`
      : kind === 'aim'
        ? `(aim p50 ≤ ${limit} ms, not a budget, ${xs.length} runs) ${within ? 'OK' : 'OVER AIM'}`
        : `(no budget, ${xs.length} runs)`;
  print(`${label}: p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms ${judged}`);
  return within;
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

async function signedIn(browser: Browser, baseURL: string): Promise<Storage> {
  const context = await browser.newContext({ baseURL });
  const answer = await context.request.post('/api/v1/auth/login', {
    data: { email: 'bench@castboard.test', password: 'bench-password-123' },
    headers: { 'X-Requested-With': 'castboard' },
  });
  expect(answer.status(), await answer.text()).toBe(200);
  const storage = await context.storageState();
  await context.close();
  return storage;
}

async function newContext(setup: Setup): Promise<BrowserContext> {
  return setup.browser.newContext({
    baseURL: setup.baseURL,
    viewport: setup.viewport,
    storageState: setup.storage,
  });
}

/** One response as the DevTools protocol saw it. */
interface Transfer {
  url: string;
  status: number;
  encoding: string;
  fromCache: boolean;
  /** Monotonic seconds (the protocol's clock). */
  finishedAt?: number;
  /** Bytes on the wire once finished (headers and body). */
  total?: number;
  /** Headers, then data chunks as they came: [time, bytes]. */
  chunks: Array<[number, number]>;
}

/** Records the transfers of one page through its own protocol session. */
class Wire {
  readonly transfers = new Map<string, Transfer>();
  /** Wall-clock ms minus protocol-clock ms, from the first request. */
  private offsetMs?: number;

  private constructor(readonly cdp: CDPSession) {}

  static async attach(page: Page, network: Network | null, cold: boolean): Promise<Wire> {
    const cdp = await page.context().newCDPSession(page);
    const wire = new Wire(cdp);
    cdp.on('Network.requestWillBeSent', (e) => {
      if (wire.offsetMs === undefined) wire.offsetMs = e.wallTime * 1000 - e.timestamp * 1000;
      const previous = wire.transfers.get(e.requestId);
      if (previous && e.redirectResponse) {
        // A redirect keeps the request id: the first answer stands on its own.
        wire.transfers.set(`${e.requestId}:redirect:${previous.url}`, {
          ...previous,
          status: e.redirectResponse.status,
          finishedAt: e.timestamp,
          total: e.redirectResponse.encodedDataLength,
        });
      }
      wire.transfers.set(e.requestId, {
        url: e.request.url,
        status: 0,
        encoding: '',
        fromCache: false,
        chunks: [],
      });
    });
    cdp.on('Network.responseReceived', (e) => {
      const t = wire.transfers.get(e.requestId);
      if (!t) return;
      const headers = Object.fromEntries(
        Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
      );
      t.status = e.response.status;
      t.encoding = headers['content-encoding'] ?? 'identity';
      t.fromCache = Boolean(e.response.fromDiskCache || e.response.fromPrefetchCache);
      t.chunks.push([e.timestamp, e.response.encodedDataLength]);
    });
    cdp.on('Network.requestServedFromCache', (e) => {
      const t = wire.transfers.get(e.requestId);
      if (t) t.fromCache = true;
    });
    cdp.on('Network.dataReceived', (e) => {
      wire.transfers.get(e.requestId)?.chunks.push([e.timestamp, e.encodedDataLength]);
    });
    cdp.on('Network.loadingFinished', (e) => {
      const t = wire.transfers.get(e.requestId);
      if (!t) return;
      t.finishedAt = e.timestamp;
      t.total = e.encodedDataLength;
    });
    cdp.on('Network.loadingFailed', (e) => {
      const t = wire.transfers.get(e.requestId);
      if (t) t.finishedAt = e.timestamp;
    });
    await cdp.send('Network.enable');
    if (cold) {
      await cdp.send('Network.clearBrowserCache');
    }
    if (network) {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: network.latencyMs,
        downloadThroughput: (network.downMbit * 1_000_000) / 8,
        uploadThroughput: (network.upMbit * 1_000_000) / 8,
      });
    }
    return wire;
  }

  /** Bytes of one transfer received by `at` (protocol seconds), and whether it counted. */
  private bytesBy(t: Transfer, at: number): number {
    if (t.finishedAt !== undefined && t.finishedAt <= at && t.total !== undefined) return t.total;
    return t.chunks.filter(([when]) => when <= at).reduce((sum, [, n]) => sum + n, 0);
  }

  /** Everything received by the page's wall-clock time `epochMs`. */
  receivedBy(epochMs: number): { bytes: number; rows: BreakdownRow[] } {
    const at = (epochMs - (this.offsetMs ?? 0)) / 1000;
    const rows: BreakdownRow[] = [];
    let bytes = 0;
    for (const t of this.transfers.values()) {
      const counted = this.bytesBy(t, at);
      bytes += counted;
      rows.push({
        path: shorten(t.url),
        encoding: t.fromCache ? 'cache' : t.encoding || '-',
        status: t.status,
        counted,
        total: t.total ?? counted,
        after: t.finishedAt === undefined || t.finishedAt > at,
        open: t.finishedAt === undefined,
      });
    }
    return { bytes, rows };
  }
}

interface BreakdownRow {
  path: string;
  encoding: string;
  status: number;
  counted: number;
  total: number;
  after: boolean;
  /** Not finished when the breakdown was taken (the live events' stream). */
  open: boolean;
}

/** A URL's path, its build hash and long queries shortened. */
function shorten(url: string): string {
  const u = new URL(url);
  const path = u.pathname
    .replace(/^\/app-[0-9a-f]{16}\//, '/app-…/')
    .replace(/-[0-9a-f]{8,16}(?=(_bg)?\.)/, '-…');
  const query = u.search.length > 40 ? `${u.search.slice(0, 39)}…` : u.search;
  return path + query;
}

function printBreakdown(title: string, rows: BreakdownRow[]): void {
  print(`${title}, per response (bytes on the wire: headers + body as sent):`);
  for (const r of [...rows].sort((a, b) => Number(a.after) - Number(b.after) || b.counted - a.counted)) {
    const when = !r.after
      ? 'counted'
      : r.open
        ? `still open at the first rows: what came by then counted`
        : r.counted
          ? `partly counted: finished after the first rows, ${r.counted} B of ${r.total} B by then`
          : `not counted: finished after the first rows (${r.total} B)`;
    print(`  ${r.path.padEnd(44)} ${String(r.status).padEnd(3)} ${r.encoding.padEnd(8)} ${String(r.counted).padStart(9)} B  ${when}`);
  }
}

/** Installs the observer of the first rows; `__rowsPaintedAt` is set once they are. */
async function watchFirstRows(page: Page): Promise<void> {
  await page.addInitScript((row: string) => {
    const w = window as unknown as { __rowsInDomAt?: number; __rowsPaintedAt?: number };
    new MutationObserver((_m, observer) => {
      if (document.querySelector(row)) {
        observer.disconnect();
        w.__rowsInDomAt = performance.now();
        requestAnimationFrame(() => {
          w.__rowsPaintedAt = performance.now();
        });
      }
    }).observe(document, { childList: true, subtree: true });
  }, ROW);
}

interface Visit {
  /** From navigation start, ms. */
  paintedMs: number;
  inDomMs: number;
  bytes: number;
  rows: BreakdownRow[];
  /** Resource Timing of the page and what it fetched by then: where the time went. */
  timeline: Step[];
}

interface Step {
  path: string;
  /** ms from navigation start */
  start: number;
  end: number;
}

/** Where a visit's time went: each request's start and end, then the rows. */
function printTimeline(title: string, visit: Visit): void {
  print(`${title}, timeline (ms from navigation start: request sent → answer received):`);
  for (const step of [...visit.timeline].sort((a, b) => a.start - b.start)) {
    print(`  ${step.path.padEnd(44)} ${step.start.toFixed(0).padStart(5)} → ${step.end.toFixed(0).padStart(5)}`);
  }
  print(`  ${'first rows in the DOM / painted'.padEnd(44)} ${visit.inDomMs.toFixed(0).padStart(5)} / ${visit.paintedMs.toFixed(0)}`);
}

/** Opens /streams in `page` and waits for the first rows painted. */
async function visit(page: Page, wire: Wire): Promise<Visit> {
  await watchFirstRows(page);
  await page.goto('/streams', { waitUntil: 'commit' });
  await page.waitForFunction(
    () => (window as unknown as { __rowsPaintedAt?: number }).__rowsPaintedAt !== undefined,
    null,
    { timeout: 60_000 },
  );
  const at = await page.evaluate(() => {
    const w = window as unknown as { __rowsInDomAt: number; __rowsPaintedAt: number };
    const entries = [
      ...performance.getEntriesByType('navigation'),
      ...performance.getEntriesByType('resource'),
    ] as PerformanceResourceTiming[];
    const timeline = entries
      .filter((e) => e.startTime <= w.__rowsPaintedAt)
      .map((e) => ({ url: e.name, start: e.startTime, end: e.responseEnd }));
    return { origin: performance.timeOrigin, inDom: w.__rowsInDomAt, painted: w.__rowsPaintedAt, timeline };
  });
  // The protocol's events of what arrived before that may still be on their way.
  await page.waitForTimeout(300);
  const { bytes, rows } = wire.receivedBy(at.origin + at.painted);
  const timeline = at.timeline.map((e) => ({ path: shorten(e.url), start: e.start, end: e.end }));
  return { paintedMs: at.painted, inDomMs: at.inDom, bytes, rows, timeline };
}

async function coldVisit(setup: Setup, network: Network): Promise<Visit> {
  const context = await newContext(setup);
  try {
    const page = await context.newPage();
    const wire = await Wire.attach(page, network, true);
    return await visit(page, wire);
  } finally {
    await context.close();
  }
}

async function setupFor(
  browser: Browser,
  baseURL: string | undefined,
  viewport: { width: number; height: number } | null,
): Promise<Setup> {
  const url = baseURL ?? 'http://127.0.0.1:23199';
  return { browser, baseURL: url, viewport, storage: await signedIn(browser, url) };
}

test('cold visit of the stream list: bytes on the wire and first rows painted', async ({
  browser,
  baseURL,
  viewport,
}) => {
  const setup = await setupFor(browser, baseURL, viewport);
  const visits: Visit[] = [];
  for (let i = 0; i < COLD_RUNS; i += 1) visits.push(await coldVisit(setup, FAST));

  const bytes = visits.map((v) => v.bytes);
  const worst = Math.max(...bytes);
  const bytesOk = worst <= BYTES_BUDGET_KB * 1024;
  print(
    `bytes on the wire, cold visit of /streams until the first rows: max ${kb(worst)} KB, min ${kb(Math.min(...bytes))} KB ` +
      `(budget ≤ ${BYTES_BUDGET_KB} KB, ${visits.length} runs) ${bytesOk ? 'OK' : 'OVER BUDGET'}`,
  );
  printBreakdown('cold visit of /streams (first run)', visits[0].rows);
  printTimeline(`cold visit of /streams (first run), ${FAST.name}`, visits[0]);
  const timeOk = reportTimes(
    `first rows painted, cold cache, ${FAST.name}`,
    visits.map((v) => v.paintedMs),
    COLD_BUDGET_MS,
    'budget',
  );
  reportTimes(
    `  of these, first rows in the DOM (before their frame), cold, ${FAST.name}`,
    visits.map((v) => v.inDomMs),
    Number.POSITIVE_INFINITY,
    'none',
  );
  expect.soft(worst, 'bytes on the wire of a cold visit').toBeLessThanOrEqual(BYTES_BUDGET_KB * 1024);
  expect.soft(timeOk, `first rows painted, cold, ${FAST.name}: p50 within ${COLD_BUDGET_MS} ms`).toBe(true);
});

test('cold visit of the stream list on a slow link (an aim)', async ({ browser, baseURL, viewport }) => {
  const setup = await setupFor(browser, baseURL, viewport);
  const times: number[] = [];
  for (let i = 0; i < COLD_RUNS; i += 1) times.push((await coldVisit(setup, SLOW)).paintedMs);
  reportTimes(`first rows painted, cold cache, ${SLOW.name}`, times, SLOW_AIM_MS, 'aim');
});

test('warm visit of the stream list: first rows painted', async ({ browser, baseURL, viewport }) => {
  const setup = await setupFor(browser, baseURL, viewport);
  const context = await newContext(setup);
  try {
    // The first visit fills this context's cache like a returning user's.
    const first = await context.newPage();
    await visit(first, await Wire.attach(first, FAST, true));
    await first.close();

    const visits: Visit[] = [];
    for (let i = 0; i < WARM_RUNS; i += 1) {
      const page = await context.newPage();
      visits.push(await visit(page, await Wire.attach(page, FAST, false)));
      await page.close();
    }
    const ok = reportTimes(
      `first rows painted, warm cache, ${FAST.name}`,
      visits.map((v) => v.paintedMs),
      WARM_BUDGET_MS,
      'budget',
    );
    const bytes = stats(visits.map((v) => v.bytes));
    print(`  bytes on the wire of a warm visit until the first rows: p50 ${kb(bytes.p50)} KB, max ${kb(bytes.max)} KB (no budget)`);
    printTimeline(`warm visit of /streams (last run), ${FAST.name}`, visits[visits.length - 1]);
    expect.soft(ok, `first rows painted, warm, ${FAST.name}: p50 within ${WARM_BUDGET_MS} ms`).toBe(true);
  } finally {
    await context.close();
  }
});

/** A cold visit, then a click on the first stream after `waitMs`: ms to its header. */
async function nextClick(setup: Setup, waitMs: number): Promise<number> {
  const context = await newContext(setup);
  try {
    const page = await context.newPage();
    await visit(page, await Wire.attach(page, FAST, true));
    await page.waitForTimeout(waitMs);
    return await page.evaluate(async () => {
      const link = document.querySelector<HTMLElement>(
        '[data-testid="stream-row"] [data-testid="stream-name"]',
      );
      if (!link) throw new Error('no stream link');
      const shown = new Promise<number>((resolve, reject) => {
        const observer = new MutationObserver(() => {
          if (document.querySelector('[data-testid="stream-header"]')) {
            observer.disconnect();
            resolve(performance.now());
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
        setTimeout(() => reject(new Error("the stream's page did not open within 20 s")), 20_000);
      });
      const clickedAt = performance.now();
      link.click();
      return (await shown) - clickedAt;
    });
  } finally {
    await context.close();
  }
}

test('the next click: a stream opened from the list (information)', async ({ browser, baseURL, viewport }) => {
  const setup = await setupFor(browser, baseURL, viewport);
  const atOnce: number[] = [];
  const later: number[] = [];
  for (let i = 0; i < COLD_RUNS; i += 1) {
    atOnce.push(await nextClick(setup, 0));
    later.push(await nextClick(setup, 5000));
  }
  reportTimes(
    `next click, a stream's page right after the first rows (its code fetched on the click), ${FAST.name}`,
    atOnce,
    Number.POSITIVE_INFINITY,
    'none',
  );
  reportTimes(
    `next click, a stream's page 5 s after the first rows (its code fetched in the background), ${FAST.name}`,
    later,
    Number.POSITIVE_INFINITY,
    'none',
  );
});

test('switching a filter re-renders 150 rows within budget', async ({ page }) => {
  const answer = await page.request.post('/api/v1/auth/login', {
    data: { email: 'bench@castboard.test', password: 'bench-password-123' },
    headers: { 'X-Requested-With': 'castboard' },
  });
  expect(answer.status(), await answer.text()).toBe(200);
  // The toggle switches between two views of 150 rows each that share no row: streamgroups
  // and individual streams (/streams?group=false&per_page=150).
  await page.goto('/streams?per_page=150');
  await expect(page.locator(ROW)).toHaveCount(150);

  const renders: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < RERENDER_RUNS * 2; i += 1) {
    const grouped = i % 2 === 1;
    const result = await page.evaluate(
      async ({ row, grouped }) => {
        const ids = () =>
          [...document.querySelectorAll(row)].map((r) => r.getAttribute('data-stream-id')).join();
        const before = ids();
        if (!before) throw new Error('no rows');
        performance.clearResourceTimings();
        const done = new Promise<number>((resolve, reject) => {
          const observer = new MutationObserver(() => {
            if (document.querySelectorAll(row).length === 150 && ids() !== before) {
              observer.disconnect();
              resolve(performance.now());
            }
          });
          observer.observe(document.body, { childList: true, subtree: true });
          setTimeout(() => reject(new Error('the rows did not change within 20 s')), 20_000);
        });
        // The streamgroups toggle of the filter bar.
        const toggle = document.querySelector<HTMLElement>(
          grouped ? '[data-testid="filter-grouped"]' : '[data-testid="filter-individual"]',
        );
        if (!toggle) throw new Error('no streamgroups toggle');
        const clickedAt = performance.now();
        toggle.click();
        const renderedAt = await done;
        const list = performance
          .getEntriesByType('resource')
          .filter((e) => e.name.includes('/api/v1/streams'))
          .pop() as PerformanceResourceTiming | undefined;
        const answeredAt = list ? list.responseEnd : clickedAt;
        return { total: renderedAt - clickedAt, render: renderedAt - answeredAt };
      },
      { row: ROW, grouped },
    );
    renders.push(result.render);
    totals.push(result.total);
  }
  const ok = reportTimes('re-render of 150 rows after the list answer', renders, RERENDER_BUDGET_MS, 'budget');
  // The first switch each way runs code the page has not run yet (the browser is still
  // compiling the wasm's hot functions); shown apart, still part of the figure above.
  const later = stats(renders.slice(2));
  print(
    `  of these, the first switch each way: ${renders[0].toFixed(1)} ms and ${renders[1].toFixed(1)} ms; ` +
      `the later ones p50 ${later.p50.toFixed(1)} ms, max ${later.max.toFixed(1)} ms`,
  );
  reportTimes('filter click to 150 new rows (request included)', totals, Number.POSITIVE_INFINITY, 'none');
  expect.soft(ok, `re-render of 150 rows: p50 within ${RERENDER_BUDGET_MS} ms`).toBe(true);
});
