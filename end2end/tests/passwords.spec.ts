/**
 * Passwords: a user changes their own on their account page (reached from their email in
 * the top bar): the current one is required, a refusal is explained next to its field,
 * and afterwards only the new one signs in. An admin sets another user's password from
 * the users list, in a dialog that says their sessions end.
 */
import { test, expect } from '../support/fixtures';
import { request as playwrightRequest } from '@playwright/test';
import { Api, signInAs } from '../support/api';
import { e2e } from '../support/env';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { OrganisationPage } from '../pages/OrganisationPage';

/** The status a sign-in with `email` / `password` gets. */
async function signInStatus(email: string, password: string): Promise<number> {
  const request = await playwrightRequest.newContext({ baseURL: e2e.baseUrl });
  const answer = await request.post('/api/v1/auth/login', {
    data: { email, password },
    headers: { 'X-Requested-With': 'castboard' },
  });
  const status = answer.status();
  await request.dispose();
  return status;
}

/** Takes the one console error a refused request logs out of `errors` (it is the flow). */
function expectRefused(errors: string[], status: number, path: RegExp): void {
  const i = errors.findIndex((e) => e.includes(`status of ${status}`) && path.test(e));
  expect(i, errors.join('\n')).toBeGreaterThanOrEqual(0);
  errors.splice(i, 1);
}

test('a user changes their own password on their account page', async ({ page, consoleErrors }, testInfo) => {
  const email = await signInAs(page, 'user');
  await page.goto('/streams');
  await page.getByTestId('topbar-email').click();
  await expect(page).toHaveURL((url) => url.pathname === '/account');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
  await expect(page.getByTestId('account-email')).toHaveText(email);
  await expect(page.getByTestId('account-role')).toHaveText('User');

  const current = page.getByTestId('current-password');
  const fresh = page.getByTestId('new-password');
  const repeat = page.getByTestId('repeat-password');
  const submit = page.getByTestId('change-password-submit');

  // Checked as typed once submitted: nothing is sent while a field is wrong.
  await fresh.fill('short');
  await submit.click();
  await expect(page.getByTestId('current-password-error')).toHaveText('Current password must not be empty');
  await expect(page.getByTestId('new-password-error')).toHaveText('New password must be at least 10 characters');
  await expect(page.getByTestId('repeat-password-error')).toHaveText('The repeated password must match the new password');

  // A wrong current password is the server's refusal, next to its field.
  const next = `new passphrase ${Date.now()}`;
  await current.fill('not my password at all');
  await fresh.fill(next);
  await repeat.fill(next);
  await submit.click();
  await expect(page.getByTestId('current-password-error')).toHaveText('Current password is wrong');
  expectRefused(consoleErrors, 422, /\/api\/v1\/me\/password/);
  await shot(page, testInfo, '01-wrong-current');
  await expectNoSeriousA11yViolations(page, testInfo, 'account');

  await current.fill(e2e.adminPassword);
  await submit.click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Password changed. Your other sessions have ended.' })).toBeVisible();
  await expect(current).toHaveValue('');
  await expect(fresh).toHaveValue('');
  // This session goes on; only the new password signs in.
  await page.goto('/streams');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(await signInStatus(email, e2e.adminPassword)).toBe(401);
  expect(await signInStatus(email, next)).toBe(200);
  expect(consoleErrors).toEqual([]);
});

test('an admin sets a user\'s password, and the user signs in with it', async ({ page, consoleErrors }, testInfo) => {
  const api = await Api.as();
  const user = await api.createUser('read_only');
  await api.dispose();
  await signInAs(page, 'admin');
  const org = new OrganisationPage(page);
  await org.goto();
  const row = org.userRow(user.email);
  await row.getByTestId('user-set-password').click();
  const dialog = page.getByTestId('set-password-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading')).toHaveText(`Set the password of ${user.email}`);
  await expect(dialog).toContainText('is signed out everywhere');
  await expect(page.getByTestId('set-password-input')).toBeFocused();

  await page.getByTestId('set-password-input').fill('short');
  await page.getByTestId('set-password-dialog-confirm').click();
  await expect(page.getByTestId('set-password-input-error')).toHaveText('New password must be at least 10 characters');
  await shot(page, testInfo, '02-set-password');

  const chosen = `set by admin ${Date.now()}`;
  await page.getByTestId('set-password-input').fill(chosen);
  await page.getByTestId('set-password-dialog-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(org.successToast(`Password of ${user.email} set. Their sessions have ended.`)).toBeVisible();
  expect(await signInStatus(user.email, chosen)).toBe(200);
  expect(await signInStatus(user.email, e2e.adminPassword)).toBe(401);

  // Escape closes it without a change; one's own row has no such button.
  await row.getByTestId('user-set-password').click();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(org.userRow(e2e.adminEmail).getByTestId('user-set-password')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});
