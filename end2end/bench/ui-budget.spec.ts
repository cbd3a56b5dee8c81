/**
 * Budget of the dashboard on the 1,000,000-stream database (issue: "first list rows
 * painted ≤ 800 ms after navigation on localhost"; "switching a filter re-renders 150
 * rows in ≤ 50 ms"). Prints p50 / max of several runs; a run over budget fails.
 *
 * - first rows: a full page load of /streams (signed in), from navigation start
 *   (`performance.timeOrigin`) to the first stream row in the DOM, observed by a
 *   MutationObserver installed before the app starts;
 * - filter switch: on /streams?per_page=150, a click on a filter until 150 new rows are in
 *   the DOM, split into the list request (Resource Timing, `responseEnd`) and the
 *   rendering after its answer.
 */
import { test, expect, type Page } from '@playwright/test';

const RUNS = Number(process.env.BENCH_UI_RUNS ?? '10');
const FIRST_ROWS_BUDGET_MS = 800;
const RERENDER_BUDGET_MS = 50;

const ROW = '[data-testid="stream-row"]';

function stats(xs: number[]): { p50: number; max: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  return { p50: sorted[Math.floor((sorted.length - 1) / 2)], max: sorted[sorted.length - 1] };
}

function report(label: string, xs: number[], budget: number): void {
  const { p50, max } = stats(xs);
  // The report is this benchmark's output.
  console.log(
    `ui-bench: ${label}: p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms (budget ${budget} ms, ${xs.length} runs) ${max <= budget ? 'OK' : 'OVER BUDGET'}`,
  );
}

async function signIn(page: Page): Promise<void> {
  const answer = await page.request.post('/api/v1/auth/login', {
    data: { email: 'bench@castboard.test', password: 'bench-password-123' },
    headers: { 'X-Requested-With': 'castboard' },
  });
  expect(answer.status(), await answer.text()).toBe(200);
}

test('first list rows are painted within budget after navigation', async ({ page }) => {
  await signIn(page);
  await page.addInitScript((row: string) => {
    const w = window as unknown as { __firstRowAt?: number };
    new MutationObserver((_m, observer) => {
      if (w.__firstRowAt === undefined && document.querySelector(row)) {
        w.__firstRowAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, ROW);

  // One warm-up load fills the browser's cache of the wasm like a returning user's.
  await page.goto('/streams');
  await page.locator(ROW).first().waitFor();

  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    await page.goto('/streams');
    await page.locator(ROW).first().waitFor();
    const at = await page.evaluate(() => (window as unknown as { __firstRowAt?: number }).__firstRowAt ?? NaN);
    times.push(at);
  }
  report('first list rows painted after navigation', times, FIRST_ROWS_BUDGET_MS);
  expect(Math.max(...times)).toBeLessThanOrEqual(FIRST_ROWS_BUDGET_MS);
});

test('switching a filter re-renders 150 rows within budget', async ({ page }) => {
  await signIn(page);
  // Two views of 150 rows each that share no row: grouped and individual members.
  const views = ['/streams?per_page=150', '/streams?group=false&per_page=150'];
  await page.goto(views[0]);
  await expect(page.locator(ROW)).toHaveCount(150);

  const renders: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < RUNS * 2; i += 1) {
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
  report('re-render of 150 rows after the list answer', renders, RERENDER_BUDGET_MS);
  // The first switch each way runs code the page has not run yet (the browser is still
  // compiling the wasm's hot functions); shown apart, still part of the budget above.
  console.log(
    `ui-bench: of these, the first switch each way: ${renders[0].toFixed(1)} ms and ${renders[1].toFixed(1)} ms; ` +
      `the later ones p50 ${stats(renders.slice(2)).p50.toFixed(1)} ms, max ${stats(renders.slice(2)).max.toFixed(1)} ms`,
  );
  report('filter click to 150 new rows (request included)', totals, Number.POSITIVE_INFINITY);
  expect(Math.max(...renders)).toBeLessThanOrEqual(RERENDER_BUDGET_MS);
});
