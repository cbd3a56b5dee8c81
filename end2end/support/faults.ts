/**
 * Server faults for the browser tests: the API's answer to one, and a first load that
 * waits for the test's go and then fails with it, so the loading state can be seen
 * before the error, and Retry reaches the server.
 */
import type { Page, Route } from '@playwright/test';

/** The message of the API's 500 answer, as the dashboard shows it. */
export const SERVER_FAULT_MESSAGE = 'Something went wrong on our side.';

/** Answers `route` as the API answers a server fault. */
export async function fulfilServerFault(route: Route): Promise<void> {
  await route.fulfill({
    status: 500,
    contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'internal', message: SERVER_FAULT_MESSAGE } }),
  });
}

/** A routed first load held until `fail()`; `calls()` counts the requests seen. */
export interface HeldFault {
  fail: () => void;
  calls: () => number;
}

/**
 * Routes `url`: the first request waits until `fail()` is called and then answers as a
 * server fault; every later one reaches the server.
 */
export async function failFirstLoad(page: Page, url: string | RegExp | ((url: URL) => boolean)): Promise<HeldFault> {
  let calls = 0;
  let fail: () => void = () => {};
  const failing = new Promise<void>((resolve) => {
    fail = resolve;
  });
  await page.route(url, async (route) => {
    calls += 1;
    if (calls === 1) {
      await failing;
      await fulfilServerFault(route);
    } else {
      await route.continue();
    }
  });
  return { fail: () => fail(), calls: () => calls };
}
