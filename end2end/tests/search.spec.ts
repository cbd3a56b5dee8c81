/**
 * The search field of the top bar (S1): exact id or streamname, checked as typed, a match
 * opens the stream, no match says so, a malformed query is never sent.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs } from '../support/api';
import { shot } from '../support/a11y';
import { TopBar } from '../pages/TopBar';

test('search finds by streamname and by id, says when nothing matches, explains a malformed query', async ({
  page,
  consoleErrors,
}, testInfo) => {
  const api = await Api.as();
  const stream = await api.createStream({ tags: [`search-${Date.now()}`] });
  await api.dispose();
  await signInAs(page, 'read_only');

  const searches: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/streams?q=')) searches.push(new URL(r.url()).searchParams.get('q') ?? '');
  });

  await page.goto('/organisation');
  const bar = new TopBar(page);

  // Malformed: nothing said while typing; Enter explains it, sends nothing and disables
  // the button until the text changes.
  await bar.searchInput.fill('abc');
  await expect(bar.searchError).toHaveCount(0);
  await expect(bar.searchInput).toHaveAttribute('aria-invalid', 'false');
  await bar.searchInput.press('Enter');
  await expect(bar.searchError).toHaveText(
    'Search must be a stream id (UUID) or a streamname like AbC12-xYz89.',
  );
  await expect(bar.searchInput).toHaveAttribute('aria-invalid', 'true');
  await expect(bar.searchSubmit).toBeDisabled();
  await shot(page, testInfo, '01-search-malformed');
  await bar.searchInput.fill('abcd');
  await expect(bar.searchError).toHaveCount(0);
  await expect(bar.searchSubmit).toBeEnabled();

  // Well-formed but unknown (streamnames are case-sensitive).
  const wrongCase = stream.name.toUpperCase() === stream.name ? stream.name.toLowerCase() : stream.name.toUpperCase();
  await bar.search(wrongCase);
  await expect(bar.searchNotFound).toHaveText(`No stream with that id or name: ${wrongCase}`);
  await expect(page).toHaveURL((url) => url.pathname === '/organisation');
  await shot(page, testInfo, '02-search-not-found');

  // Typing again clears the message.
  await bar.searchInput.fill(stream.name.slice(0, 4));
  await expect(bar.searchNotFound).toHaveCount(0);

  // By streamname: opens the stream.
  await bar.search(stream.name);
  await expect(page).toHaveURL((url) => url.pathname === `/streams/${stream.id}`);
  await expect(bar.searchInput).toHaveValue('');

  // By id, from another page.
  await page.goto('/tokens');
  await bar.search(stream.id);
  await expect(page).toHaveURL((url) => url.pathname === `/streams/${stream.id}`);

  // An uppercase id is well-formed but finds nothing: ids are lowercase.
  await bar.search(stream.id.toUpperCase());
  await expect(bar.searchNotFound).toHaveText(`No stream with that id or name: ${stream.id.toUpperCase()}`);

  expect(searches).toEqual([wrongCase, stream.name, stream.id, stream.id.toUpperCase()]);
  expect(consoleErrors).toEqual([]);
});
