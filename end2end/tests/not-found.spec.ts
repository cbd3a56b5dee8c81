/** An address no route knows shows the not-found page, which leads home. */
import { test, expect } from '../support/fixtures';
import { SignInPage } from '../pages/SignInPage';

test('an unknown address shows not found with a way home', async ({ page, consoleErrors }, testInfo) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('not-found.png'), fullPage: true });

  await page.getByTestId('not-found-home').click();
  // Home needs a session, so a stranger lands on sign in.
  await new SignInPage(page).expectShown();

  expect(consoleErrors).toEqual([]);
});
