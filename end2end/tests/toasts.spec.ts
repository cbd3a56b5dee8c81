/**
 * Feedback that helps and then gets out of the way: quick changes show at most three
 * toasts (the oldest success gives way), a success goes by itself after a few seconds,
 * and an error stays until it is dismissed.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs, uniqueEmail } from '../support/api';
import { OrganisationPage } from '../pages/OrganisationPage';

test('four quick role changes show three toasts, the newest, which then go by themselves', async ({ page, consoleErrors }) => {
  const api = await Api.as();
  const emails: string[] = [];
  for (let i = 0; i < 4; i++) {
    const email = uniqueEmail(`toast${i}`);
    await api.post('/users', { email, password: 'long-enough-pw', role: 'user' });
    emails.push(email);
  }
  await api.dispose();
  await signInAs(page, 'admin');
  const org = new OrganisationPage(page);
  await org.goto();

  const toasts = page.getByTestId('toast');
  for (const email of emails) {
    const select = org.userRow(email).getByTestId('user-role-select');
    await select.selectOption('read_only');
    await expect(org.successToast(`${email} is now Read only`)).toBeVisible();
  }
  // The first gave way to the fourth; never more than three on screen.
  await expect(toasts).toHaveCount(3);
  await expect(toasts).toHaveText(emails.slice(1).map((e) => new RegExp(`${e.replace(/[.+]/g, '\\$&')} is now Read only`)));
  // Successes go by themselves (4 s each).
  await expect(toasts).toHaveCount(0, { timeout: 10_000 });
  expect(consoleErrors).toEqual([]);
});

test('an error toast stays until it is dismissed', async ({ page, consoleErrors }) => {
  await signInAs(page, 'admin');
  const org = new OrganisationPage(page);
  await org.goto();
  // The server refuses the change (the route answers 500 here, as a failing server would).
  await page.route('**/api/v1/organisation', (route) =>
    route.request().method() === 'PATCH'
      ? route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on the server.' } }),
        })
      : route.continue(),
  );
  await org.name.edit.click();
  await org.name.input.fill('A new name');
  await org.name.save.click();
  const toast = page.getByTestId('toast').filter({ hasText: 'Something went wrong on the server.' });
  await expect(toast).toBeVisible();
  // Well past a success's life, it is still there.
  await page.waitForTimeout(6_000);
  await expect(toast).toBeVisible();
  await toast.locator('.toast-close').click();
  await expect(toast).toHaveCount(0);
  // The expected 500 is logged by the browser; nothing else is.
  expect(consoleErrors.filter((e) => !e.includes('500'))).toEqual([]);
});
