/**
 * The sign-in flow: a stranger is sent to sign in, a wrong password shows the server's
 * reason, the right one opens the home page with the caller from `/me`, and signing out
 * ends the session for good.
 */
import { test, expect } from '../support/fixtures';
import { e2e } from '../support/env';
import { Api } from '../support/api';
import { StreamListPage } from '../pages/StreamListPage';
import { HomePage } from '../pages/HomePage';
import { SignInPage } from '../pages/SignInPage';

test('sign in, see who you are, sign out', async ({ page, seed, consoleErrors }, testInfo) => {
  const signIn = new SignInPage(page);
  const home = new HomePage(page);
  const shot = async (name: string) => {
    await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  };
  let loginCalls = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/auth/login')) loginCalls += 1;
  });

  await test.step('a stranger opening / is sent to sign in', async () => {
    await home.goto();
    await signIn.expectShown();
    await shot('01-sign-in');
  });

  await test.step('a malformed email is explained and nothing is sent', async () => {
    await signIn.fill('not-an-email', 'whatever-password');
    await signIn.submit.click();
    await expect(signIn.emailError).toHaveText(
      'Email must be an email address such as name@example.com',
    );
    await expect(signIn.email).toHaveAttribute('aria-invalid', 'true');
    expect(loginCalls).toBe(0);
  });

  await test.step("a wrong password shows the server's message", async () => {
    const answer = await signIn.signIn(e2e.adminEmail, 'wrong-password-123');
    expect(answer.status()).toBe(401);
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unauthorized');
    await expect(signIn.error).toHaveText(body.error.message);
    await expect(signIn.error).toHaveAttribute('role', 'alert');
    await expect(signIn.emailError).toHaveCount(0);
    await expect(page).toHaveURL((url) => url.pathname === '/sign-in');
    await shot('02-wrong-password');
  });

  await test.step('the right password opens the home page with /me', async () => {
    const answer = await signIn.signIn(e2e.adminEmail, e2e.adminPassword);
    expect(answer.status()).toBe(200);
    await home.expectShown();
    await expect(home.email).toHaveText(seed.admin.email);
    await expect(home.role).toHaveText('Admin');
    await expect(home.orgName).toHaveText(e2e.orgName);
    await expect(home.orgHash).toHaveText(seed.organisation.hash);
    // The stream counts load for the signed-in organisation.
    await home.expectCounts();
    await expect(home.topbarEmail).toHaveText(seed.admin.email);
    await expect(home.topbarRole).toHaveText('Admin');
    await shot('03-home');
  });

  await test.step('signing out returns to sign in, and / stays closed', async () => {
    await home.signOut();
    await signIn.expectShown();
    await home.goto();
    await signIn.expectShown();
    await expect(home.email).toHaveCount(0);
    await shot('04-signed-out');
  });

  expect(consoleErrors).toEqual([]);
});

test('signing in returns to the page asked for, never to another site', async ({ page, consoleErrors }) => {
  const signIn = new SignInPage(page);
  const home = new HomePage(page);

  // The query survives the trip through the sign-in page.
  await page.goto('/?from=e2e');
  await expect(page).toHaveURL(`${e2e.baseUrl}/sign-in?next=/%3Ffrom%3De2e`);
  await signIn.signIn(e2e.adminEmail, e2e.adminPassword);
  await expect(page).toHaveURL(`${e2e.baseUrl}/?from=e2e`);
  await home.expectShown();

  // A `next` that names another host is ignored: the user lands at home.
  await signIn.goto('//evil.example/phish');
  await signIn.signIn(e2e.adminEmail, e2e.adminPassword);
  await expect(page).toHaveURL(`${e2e.baseUrl}/`);
  await home.expectShown();

  expect(consoleErrors).toEqual([]);
});

test('a stranger opening a view of the stream list signs in and sees it', async ({ page, consoleErrors }) => {
  const api = await Api.as();
  const tag = `after-sign-in-${Date.now()}`;
  const stream = await api.createStream({ tags: [tag] });
  const signIn = new SignInPage(page);
  const list = new StreamListPage(page);

  // The list's first page, asked as the app started, was refused (no session yet); the
  // list opened after signing in asks again instead of showing that refusal.
  await page.goto(`/streams?tag=${tag}`);
  await expect(page).toHaveURL(`${e2e.baseUrl}/sign-in?next=/streams%3Ftag%3D${tag}`);
  await signIn.signIn(e2e.adminEmail, e2e.adminPassword);
  await expect(page).toHaveURL(`${e2e.baseUrl}/streams?tag=${tag}`);
  await expect(list.rows).toHaveCount(1);
  await expect(list.row(stream.name)).toBeVisible();
  await expect(page.getByTestId('error-state')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});
