/**
 * The home page's loading and failure states: when `/me` fails for another reason than a
 * missing session, the page says why and offers Retry, which shows the skeleton while
 * it loads again.
 */
import { test, expect } from '../support/fixtures';
import { e2e } from '../support/env';
import { signInThroughApi } from '../support/api';
import { HomePage } from '../pages/HomePage';

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
      await route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side.' } }),
      });
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
