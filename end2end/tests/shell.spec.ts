/**
 * The frame around every page: navigation by role, the skip link for keyboards, the
 * signed-in user and role, and the public pages (sign-in, not found) passing the
 * accessibility scan.
 */
import { test, expect } from '../support/fixtures';
import { signInAs } from '../support/api';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { TopBar } from '../pages/TopBar';

test('navigation reaches every page and marks the current one', async ({ page, consoleErrors }) => {
  await signInAs(page, 'admin');
  await page.goto('/');
  const bar = new TopBar(page);
  await expect(bar.role).toHaveText('Admin');

  const pages = [
    ['Streams', '/streams'],
    ['Create stream', '/streams/new'],
    ['Tokens', '/tokens'],
    ['Organisation', '/organisation'],
    ['Home', '/'],
  ] as const;
  for (const [name, path] of pages) {
    await bar.go(name);
    await expect(page).toHaveURL((url) => url.pathname === path);
    await expect(bar.navLink(name)).toHaveAttribute('aria-current', 'page');
  }
  expect(consoleErrors).toEqual([]);
});

test('the first Tab reaches "Skip to content", which moves the focus past the navigation', async ({ page, consoleErrors }) => {
  await signInAs(page, 'admin');
  await page.goto('/streams');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const skip = page.getByTestId('skip-link');
  await expect(skip).not.toBeInViewport();
  await page.keyboard.press('Tab');
  await expect(skip).toBeFocused();
  await expect(skip).toHaveText('Skip to content');
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  await expect(page).toHaveURL((url) => url.pathname === '/streams' && url.hash === '');
  // The next Tab lands in the page, not in the top bar.
  await page.keyboard.press('Tab');
  const inMain = await page.evaluate(() => !!document.activeElement?.closest('main'));
  expect(inMain).toBe(true);
  expect(consoleErrors).toEqual([]);
});

test('on a phone the navigation is a menu that opens, marks the page and closes on the way', async ({ page, consoleErrors, isMobile }) => {
  test.skip(!isMobile, 'the phone layout');
  await signInAs(page, 'admin');
  await page.goto('/streams');
  const bar = new TopBar(page);
  await expect(bar.menu).toHaveAttribute('aria-expanded', 'false');
  await expect(bar.navLink('Tokens')).toBeHidden();
  await bar.menu.click();
  await expect(bar.menu).toHaveAttribute('aria-expanded', 'true');
  for (const name of ['Home', 'Streams', 'Create stream', 'Tokens', 'Organisation'] as const) {
    await expect(bar.navLink(name)).toBeInViewport();
  }
  await expect(bar.navLink('Streams')).toHaveAttribute('aria-current', 'page');
  await bar.navLink('Tokens').click();
  await expect(page).toHaveURL((url) => url.pathname === '/tokens');
  await expect(bar.menu).toHaveAttribute('aria-expanded', 'false');
  await expect(bar.navLink('Organisation')).toBeHidden();
  expect(consoleErrors).toEqual([]);
});

test('after a page change the focus is on the new page, its heading once there', async ({ page, consoleErrors }) => {
  await signInAs(page, 'admin');
  await page.goto('/');
  const bar = new TopBar(page);
  await bar.go('Tokens');
  await expect(page).toHaveURL((url) => url.pathname === '/tokens');
  // On the heading (or the page while the heading is loading), not left on the link.
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.closest('main')?.id ?? document.activeElement?.tagName))
    .toBe('main');
  await bar.go('Organisation');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect.poll(() => page.evaluate(() => document.activeElement?.closest('main')?.id)).toBe('main');
  expect(consoleErrors).toEqual([]);
});

test('read-only users are not offered stream creation', async ({ page, consoleErrors }) => {
  const email = await signInAs(page, 'read_only');
  await page.goto('/streams');
  const bar = new TopBar(page);
  await expect(bar.email).toHaveText(email);
  await expect(bar.role).toHaveText('Read only');
  await bar.openMenu();
  await expect(bar.navLink('Streams')).toBeVisible();
  await expect(bar.navLink('Create stream')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('the sign-in and not-found pages pass the accessibility scan', async ({ page }, testInfo) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, 'sign-in');
  await shot(page, testInfo, 'sign-in');

  await page.goto('/no/such/page');
  await expect(page.getByTestId('not-found')).toBeVisible();
  await expectNoSeriousA11yViolations(page, testInfo, 'not-found');
  await shot(page, testInfo, 'not-found');
});

test('the dashboard draws in its bundled font, served by Castboard for a year', async ({ page, consoleErrors }) => {
  const font = page.waitForResponse((r) => /\/fonts\/inter-latin-wght-[0-9a-f]{16}\.woff2$/.test(r.url()));
  await page.goto('/sign-in');
  const answer = await font;
  expect(new URL(answer.url()).origin).toBe(new URL(page.url()).origin);
  expect(answer.status()).toBe(200);
  expect(answer.headers()['content-type']).toBe('font/woff2');
  expect(answer.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  // The page asks for the font before the app draws (a preload): the face is in use once
  // text is drawn in it.
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  const loaded = await page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.family === 'Inter' && f.status === 'loaded').length;
  });
  expect(loaded).toBe(1);
  expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily.split(',')[0].trim())).toBe('Inter');
  expect(consoleErrors).toEqual([]);
});
