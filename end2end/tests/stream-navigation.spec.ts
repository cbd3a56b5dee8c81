/**
 * Finding one's way around the streams: the navigation marks Streams on a stream's own
 * pages, a stream's "← Streams" returns to the list as it was left (filters and all, as
 * the browser's Back does), a tag anywhere opens the list filtered by it, and an expanded
 * group's members read when they last changed.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs, type StreamJson } from '../support/api';
import { StreamListPage } from '../pages/StreamListPage';
import { TopBar } from '../pages/TopBar';
import { shot } from '../support/a11y';

let api: Api | undefined;
let tag: string;
let single: StreamJson;
let group: StreamJson;

test.beforeEach(async () => {
  api = await Api.as();
  tag = `nav-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  single = await api.createStream({ tags: [tag] });
  group = await api.createStream({ tags: [tag], transcodes: [{ preset: 'vtrans2-852x480x800x25' }] });
});

test.afterEach(async () => {
  await api?.dispose();
  api = undefined;
});

test('a stream page marks Streams and its back link returns to the list as it was left', async ({ page, consoleErrors }) => {
  await signInAs(page, 'admin');
  const list = new StreamListPage(page);
  // Individual mode lists members on their own; the transcode has no tag of its own.
  await list.goto(`tag=${tag}&state=created&group=false`);
  await list.expectRows([single.name, group.name]);

  await list.row(single.name).getByRole('link', { name: single.name }).click();
  await expect(page).toHaveURL((url) => url.pathname === `/streams/${single.id}`);
  const bar = new TopBar(page);
  await expect(bar.navLink('Streams')).toHaveAttribute('aria-current', 'page');
  await expect(bar.navLink('Create stream')).not.toHaveAttribute('aria-current', 'page');

  await page.getByTestId('stream-back').click();
  await expect(page).toHaveURL((url) => url.pathname === '/streams' && url.searchParams.get('tag') === tag);
  const back = new URL(page.url());
  expect([back.searchParams.get('state'), back.searchParams.get('group')]).toEqual(['created', 'false']);
  await list.expectRows([single.name, group.name]);
  // The create form is an item of its own.
  await bar.go('Create stream');
  await expect(bar.navLink('Create stream')).toHaveAttribute('aria-current', 'page');
  await expect(bar.navLink('Streams')).not.toHaveAttribute('aria-current', 'page');
  expect(consoleErrors).toEqual([]);
});

test('a tag opens the list filtered by it, from a row and from a stream', async ({ page, consoleErrors }) => {
  await signInAs(page, 'admin');
  await page.goto(`/streams/${single.id}`);
  await page.getByTestId('tags-value').getByRole('link', { name: tag }).click();
  const list = new StreamListPage(page);
  await expect(page).toHaveURL((url) => url.pathname === '/streams' && url.searchParams.getAll('tag').join() === tag);
  await list.expectRows([single.name, group.name]);

  // From a row of the plain list.
  await list.goto(`q=${group.name}`);
  await list.row(group.name).getByTestId('tag-link').filter({ hasText: tag }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('tag') === tag && !url.searchParams.has('q'));
  await list.expectRows([single.name, group.name]);
  expect(consoleErrors).toEqual([]);
});

test("an expanded group's members read when they last changed", async ({ page, consoleErrors }) => {
  await signInAs(page, 'admin');
  const list = new StreamListPage(page);
  await list.goto(`tag=${tag}`);
  const row = list.row(group.name);
  const groupTime = (await row.locator('.cell-updated').textContent()) ?? '';
  expect(groupTime).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
  // How long ago, beside the time (the group was made a moment ago).
  await expect(row.locator('.cell-updated').getByTestId('ago')).toHaveText('just now');
  await list.expandButton(row).click();
  for (const member of group.members) {
    await expect(list.memberRow(member.name).locator('.cell-updated')).toHaveText(groupTime);
  }
  expect(consoleErrors).toEqual([]);
});

test('on a phone the list is cards: nothing off the side, the streamname first, and it opens the stream', async ({ page, consoleErrors, isMobile }, testInfo) => {
  test.skip(!isMobile, 'the phone layout');
  await signInAs(page, 'admin');
  const list = new StreamListPage(page);
  await list.goto(`tag=${tag}`);
  await list.expectRows([single.name, group.name]);
  // No sideways scrolling, for the page or the list.
  const overflow = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    list: (() => {
      const wrap = document.querySelector('.list-results .table-wrap');
      return wrap ? wrap.scrollWidth - wrap.clientWidth : -1;
    })(),
  }));
  expect(overflow).toEqual({ page: 0, list: 0 });
  const link = list.row(single.name).getByRole('link', { name: single.name });
  await link.scrollIntoViewIfNeeded();
  await expect(link).toBeInViewport();
  const card = await list.row(single.name).boundingBox();
  const viewport = page.viewportSize();
  expect(card && viewport && card.x >= 0 && card.x + card.width <= viewport.width).toBe(true);
  await shot(page, testInfo, '01-phone-cards');
  await link.click();
  await expect(page).toHaveURL((url) => url.pathname === `/streams/${single.id}`);
  expect(consoleErrors).toEqual([]);
});
