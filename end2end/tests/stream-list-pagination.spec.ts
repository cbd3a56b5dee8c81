/**
 * Pagination of the stream list (L3): 30 streams with a tag of their own, 25 per page
 * (newest first), the next page holds the other 5; page and page size live in the URL
 * (back works); 50 per page shows all 30 on one page without a pager.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs } from '../support/api';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { StreamListPage } from '../pages/StreamListPage';

test('25 or 50 per page, newest first, page in the URL', async ({ page, consoleErrors }, testInfo) => {
  const tag = `pages-${Date.now()}`;
  const api = await Api.as();
  const names: string[] = [];
  for (let i = 0; i < 30; i += 1) {
    names.push((await api.createStream({ tags: [tag] })).name);
  }
  // The API's order (last update, newest first; ties by id) is the one the pages cut up.
  const all = await api.get<{ items: { name: string }[] }>(`/streams?tag=${tag}&per_page=50`);
  await api.dispose();
  const newestFirst = all.items.map((s) => s.name);
  expect([...newestFirst].sort()).toEqual([...names].sort());

  await signInAs(page, 'admin');
  const list = new StreamListPage(page);
  await list.goto();
  await list.filterByTag(tag);
  await list.expectQuery(`tag=${tag}`);

  await list.expectRowsInOrder(newestFirst.slice(0, 25));
  await expect(list.summary).toHaveText('1–25 of 30 streams');
  await expect(list.perPage).toHaveValue('25');
  await expect(list.pageLinks).toHaveText(['1', '2']);
  await expect(list.pageLinks.first()).toHaveAttribute('aria-current', 'page');
  await expect(list.previousPage).toHaveAttribute('aria-disabled', 'true');

  await list.nextPage.click();
  await list.expectQuery(`tag=${tag}&page=2`);
  await list.expectRowsInOrder(newestFirst.slice(25));
  await expect(list.summary).toHaveText('26–30 of 30 streams');
  await expect(list.pageLinks.nth(1)).toHaveAttribute('aria-current', 'page');
  await expect(list.nextPage).toHaveAttribute('aria-disabled', 'true');
  await shot(page, testInfo, '01-page-2');
  await expectNoSeriousA11yViolations(page, testInfo, 'stream-list-page-2');

  // Back to page 1, then the page number link to page 2.
  await page.goBack();
  await list.expectQuery(`tag=${tag}`);
  await list.expectRowsInOrder(newestFirst.slice(0, 25));
  await list.pageLinks.filter({ hasText: '2' }).click();
  await list.expectQuery(`tag=${tag}&page=2`);
  await list.expectRowsInOrder(newestFirst.slice(25));

  // A reload keeps the page.
  await page.reload();
  await list.expectLoaded();
  await list.expectRowsInOrder(newestFirst.slice(25));
  await expect(list.summary).toHaveText('26–30 of 30 streams');

  // A bigger page size starts again at page 1 and needs no pager.
  await list.perPage.selectOption('50');
  await list.expectQuery(`tag=${tag}&per_page=50`);
  await list.expectRowsInOrder(newestFirst);
  await expect(list.summary).toHaveText('1–30 of 30 streams');
  await expect(list.pager).toHaveCount(0);
  await shot(page, testInfo, '02-fifty-per-page');

  expect(consoleErrors).toEqual([]);
});
