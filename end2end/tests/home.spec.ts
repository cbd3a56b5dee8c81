/**
 * The home page: when `/me` fails for another reason than a missing session, the page
 * says why and offers Retry, which shows the skeleton while it loads again; the stream
 * counts per state equal the API's totals and each opens the list filtered that way;
 * the latest streams are the list's first five; an organisation without streams gets an
 * empty state.
 */
import { test, expect } from '../support/fixtures';
import { e2e } from '../support/env';
import { Api, ingest, signInThroughApi, type StreamJson } from '../support/api';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { fulfilServerFault } from '../support/faults';
import { COUNT_KEYS, HomePage } from '../pages/HomePage';

interface ListJson {
  items: StreamJson[];
  meta: { total: number };
}

test('a failed load explains itself and Retry recovers', async ({ page, seed, consoleErrors }, testInfo) => {
  await signInThroughApi(page.request, e2e.adminEmail, e2e.adminPassword);
  const home = new HomePage(page);

  // The first /me fails like a server fault would; the next one waits for the test's go.
  let calls = 0;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route('**/api/v1/me', async (route) => {
    calls += 1;
    if (calls === 1) {
      await fulfilServerFault(route);
    } else {
      await released;
      await route.continue();
    }
  });

  await home.goto();
  await expect(page.getByTestId('error-state')).toBeVisible();
  await expect(page.getByTestId('error-message')).toHaveText('Something went wrong on our side.');
  await page.screenshot({ path: testInfo.outputPath('01-error-state.png'), fullPage: true });

  await page.getByTestId('retry').click();
  await expect(page.getByTestId('loading')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('02-loading.png'), fullPage: true });
  release();

  await home.expectShown();
  await expect(home.orgHash).toHaveText(seed.organisation.hash);
  expect(calls).toBe(2);

  // The injected 500 is logged by Chromium like any failed fetch; nothing else may be.
  const unexpected = consoleErrors.filter((e) => !/status of 500 .*\/api\/v1\/me\)$/.test(e));
  expect(unexpected).toEqual([]);
});

test('counts equal the API totals and open the filtered list', async ({ page, consoleErrors }, testInfo) => {
  // Streams in several states, so the counts have something to show.
  const api = await Api.as();
  const stamp = Date.now();
  const live = await api.createStream({ tags: [`e2e-home-${stamp}`] });
  expect(await ingest('publish', live.name)).toBeLessThan(300);
  const locked = await api.createStream({ tags: [`e2e-home-${stamp}`] });
  await api.post(`/streams/${locked.id}/lock`, undefined, 200);
  const deleted = await api.createStream({ tags: [`e2e-home-${stamp}`] });
  const removed = await api.request.delete(`/api/v1/streams/${deleted.id}`, {
    headers: { 'X-Requested-With': 'castboard' },
  });
  expect(removed.status()).toBe(204);
  const newest = await api.createStream({ tags: [`e2e-home-${stamp}`] });

  await signInThroughApi(page.request, e2e.adminEmail, e2e.adminPassword);
  const home = new HomePage(page);
  await home.goto();
  await home.expectShown();
  await home.expectCounts();

  // The API's answers at the same moment (nothing else runs while a spec does).
  const query: Record<string, string> = {
    all: '/streams',
    live: '/streams?state=live',
    created: '/streams?state=created',
    ended: '/streams?state=ended',
    locked: '/streams?state=locked',
    deleted: '/streams?state=deleted',
  };
  const totals: Record<string, number> = {};
  for (const key of COUNT_KEYS) {
    totals[key] = (await api.get<ListJson>(query[key])).meta.total;
  }
  const latest = (await api.get<ListJson>('/streams')).items.slice(0, 5).map((s) => s.name);
  await api.dispose();
  for (const key of COUNT_KEYS) {
    await expect(home.countValue(key), key).toHaveText(String(totals[key]));
  }
  for (const key of ['live', 'created', 'locked', 'deleted'] as const) {
    expect(totals[key], key).toBeGreaterThanOrEqual(1);
  }

  // The latest streams are the list's first five, newest first.
  await expect(home.latestNames).toHaveText(latest);
  expect(latest[0]).toBe(newest.name);
  await expect(home.latestRows.first().getByTestId('state-badge')).toHaveAttribute('data-state', 'created');
  await expect(home.latestNames.first()).toHaveAttribute('href', `/streams/${newest.id}`);
  await expect(home.quickCreate).toHaveAttribute('href', '/streams/new');
  await shot(page, testInfo, '01-home');
  await expectNoSeriousA11yViolations(page, testInfo, 'home');

  // Each count opens the list filtered the same way.
  await home.countLink('live').click();
  await expect(page).toHaveURL(`${e2e.baseUrl}/streams?state=live`);
  await home.goto();
  await home.expectCounts();
  await home.countLink('deleted').click();
  await expect(page).toHaveURL(`${e2e.baseUrl}/streams?state=deleted`);
  await home.goto();
  await home.expectCounts();
  await home.countLink('all').click();
  await expect(page).toHaveURL(`${e2e.baseUrl}/streams`);

  expect(consoleErrors).toEqual([]);
});

test('an organisation without streams gets an empty state', async ({ page, consoleErrors }, testInfo) => {
  await signInThroughApi(page.request, e2e.emptyAdminEmail, e2e.adminPassword);
  const home = new HomePage(page);
  await home.goto();
  await home.expectShown();
  await home.expectCounts();
  for (const key of COUNT_KEYS) {
    await expect(home.countValue(key), key).toHaveText('0');
  }
  await expect(home.empty).toBeVisible();
  await expect(home.latestRows).toHaveCount(0);
  await expect(page.getByTestId('home-empty-create')).toHaveAttribute('href', '/streams/new');
  await shot(page, testInfo, '02-home-empty');
  await expectNoSeriousA11yViolations(page, testInfo, 'home-empty');
  expect(consoleErrors).toEqual([]);
});

test('a failed count load explains itself and Retry loads again', async ({ page, consoleErrors }, testInfo) => {
  await signInThroughApi(page.request, e2e.adminEmail, e2e.adminPassword);
  const home = new HomePage(page);
  let failing = true;
  // Only the live count's request (the client may end the query with a bare `&`).
  const liveCount = (url: URL) =>
    url.pathname === '/api/v1/streams' && [...url.searchParams.keys()].join() === 'state' &&
    url.searchParams.get('state') === 'live';
  await page.route(liveCount, async (route) => {
    if (failing) {
      await fulfilServerFault(route);
    } else {
      await route.continue();
    }
  });
  await home.goto();
  await home.expectShown();
  await expect(page.getByTestId('error-state')).toBeVisible();
  await expect(page.getByTestId('error-state')).toContainText('Your streams could not be loaded');
  await expect(page.getByTestId('error-message')).toHaveText('Something went wrong on our side.');
  await shot(page, testInfo, '03-home-counts-failed');

  failing = false;
  await page.getByTestId('retry').click();
  await home.expectCounts();
  await expect(page.getByTestId('error-state')).toHaveCount(0);

  const unexpected = consoleErrors.filter((e) => !/status of 500 .*\/api\/v1\/streams\?state=live&?\)$/.test(e));
  expect(unexpected).toEqual([]);
});
