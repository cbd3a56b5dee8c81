/**
 * The pages split off the main wasm module (app/src/router.rs, `deferred_page!`): the
 * app fetches their code in the background once it has started, so a stream opens from
 * the list without waiting for it; and when that code cannot be fetched, the page says
 * so with a way to try again while the rest of the app keeps working.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs, type StreamJson } from '../support/api';
import { StreamListPage } from '../pages/StreamListPage';
import { TopBar } from '../pages/TopBar';

/** The stream page's own part of the module (scripts/build-wasm.sh names it). */
const STREAM_PAGE_PART = /\/app-[0-9a-f]{16}\/split_page_stream_overview\.wasm$/;

let api: Api | undefined;
let tag: string;
let stream: StreamJson;

test.beforeEach(async () => {
  api = await Api.as();
  tag = `deferred-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  stream = await api.createStream({ tags: [tag] });
});

test.afterEach(async () => {
  await api?.dispose();
  api = undefined;
});

test("the stream page's code is fetched in the background and a stream then opens without the network", async ({
  page,
  consoleErrors,
}) => {
  await signInAs(page, 'admin');
  const part = (re: RegExp) =>
    page.waitForResponse((r) => re.test(new URL(r.url()).pathname), { timeout: 20_000 });
  const fetched = part(STREAM_PAGE_PART);
  // The last part the app fetches in the background (router.rs, most likely first).
  const lastFetched = part(/\/app-[0-9a-f]{16}\/split_page_generator\.wasm$/);
  const list = new StreamListPage(page);
  await list.goto(`tag=${tag}`);
  await list.expectRows([stream.name]);
  // Nothing was clicked: the app fetched them on its own, after the list was drawn.
  expect((await fetched).status()).toBe(200);
  expect((await lastFetched).status()).toBe(200);

  // From now on no part of the module can be fetched: the stream opens all the same.
  let refused = 0;
  await page.route(/\/app-[0-9a-f]{16}\//, (route) => {
    refused += 1;
    return route.abort();
  });
  await list.row(stream.name).getByRole('link', { name: stream.name }).click();
  await expect(page.getByTestId('stream-header').getByTestId('stream-name')).toHaveText(stream.name);
  expect(refused).toBe(0);
  expect(consoleErrors).toEqual([]);
});

test('a page whose code cannot be fetched says so, the app keeps working, and the next try opens it', async ({
  page,
  consoleErrors,
}) => {
  let refused = 0;
  await page.route(STREAM_PAGE_PART, (route) => {
    refused += 1;
    return route.abort();
  });
  await signInAs(page, 'admin');
  const list = new StreamListPage(page);
  await list.goto(`tag=${tag}`);
  await list.expectRows([stream.name]);

  await list.row(stream.name).getByRole('link', { name: stream.name }).click();
  await expect(page).toHaveURL((url) => url.pathname === `/streams/${stream.id}`);
  const failed = page.getByTestId('error-state');
  await expect(failed.getByRole('heading')).toHaveText('This page could not be loaded');
  await expect(failed.getByTestId('error-message')).toContainText('Retrying reloads the page');
  await expect(failed.getByTestId('retry')).toBeVisible();
  expect(refused).toBeGreaterThanOrEqual(1);

  // The shell still works: back to the list, and on to the stream again.
  await new TopBar(page).go('Streams');
  await expect(page).toHaveURL((url) => url.pathname === '/streams');
  await expect(list.rows.first()).toBeVisible();
  await list.goto(`tag=${tag}`);
  await list.expectRows([stream.name]);

  // The network is back: the failure was not kept, the next click fetches and opens it.
  await page.unroute(STREAM_PAGE_PART);
  await list.row(stream.name).getByRole('link', { name: stream.name }).click();
  await expect(page.getByTestId('stream-header').getByTestId('stream-name')).toHaveText(stream.name);
  await expect(failed).toHaveCount(0);

  // Chromium reports each refused fetch, and the module's loader logs it; nothing else
  // went wrong.
  const refusals = consoleErrors.filter(
    (e) => /net::ERR_FAILED/.test(e) || /^console\.error: TypeError: Failed to fetch\s+at \S+\/__wasm_split\.js/.test(e),
  );
  expect(refusals.length).toBeGreaterThanOrEqual(1);
  expect(consoleErrors.filter((e) => !refusals.includes(e))).toEqual([]);
});
