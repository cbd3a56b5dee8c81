/**
 * Thumbnails from the real stream: a stream with thumbnails every 10 s, published to by a
 * real encoder (320×180), gets its first thumbnail within seconds of going live; the
 * overview shows it with the time it was taken, and the stream list shows it small in
 * the stream's row. "Shows" means the browser loaded the picture (naturalWidth 320).
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs, type StreamJson } from '../support/api';
import { Encoder } from '../support/encoder';
import { shot } from '../support/a11y';
import { StreamListPage } from '../pages/StreamListPage';
import { StreamOverviewPage } from '../pages/StreamOverviewPage';
import type { Locator } from '@playwright/test';

// Real video: one browser size is enough.
test.skip(({ isMobile }) => isMobile, 'media specs run on the desktop project');

let api: Api | undefined;
let stream: StreamJson;
let encoder: Encoder | null = null;

test.beforeEach(async () => {
  api = await Api.as();
  const tag = `thumbs-${Date.now()}`;
  stream = await api.createStream({
    tags: [tag],
    processing: { thumbnails: { enabled: true, interval_s: 10 } },
  });
});

test.afterEach(async () => {
  if (encoder) {
    await encoder.stop();
    encoder = null;
  }
  await api?.dispose();
  api = undefined;
});

/** The width of the picture the browser loaded (0 while none). */
async function loadedWidth(img: Locator): Promise<number> {
  return img.evaluate((i: HTMLImageElement) => (i.complete ? i.naturalWidth : 0));
}

test('a live stream shows its latest thumbnail in the overview and the list', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'admin');
  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await expect(overview.thumbnail).toHaveCount(0);

  encoder = Encoder.publish(stream.name);
  // The first thumbnail arrives through the live events, without a reload.
  await expect(overview.thumbnailImage).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => loadedWidth(overview.thumbnailImage), { timeout: 10_000 }).toBe(320);
  await expect(overview.thumbnailImage).toHaveAttribute('alt', 'Latest thumbnail of this stream');
  await expect(overview.thumbnailTime).toHaveText(/\d{4}-\d{2}-\d{2}/);
  await shot(page, testInfo, '01-overview');

  const list = new StreamListPage(page);
  await list.goto(`tag=${stream.tags[0]}`);
  const thumb = list.thumbnail(list.row(stream.name));
  await expect(thumb).toHaveAttribute('alt', `Latest thumbnail of ${stream.name}`);
  await expect(thumb).toHaveAttribute('loading', 'lazy');
  await expect.poll(() => loadedWidth(thumb), { timeout: 10_000 }).toBe(320);
  await shot(page, testInfo, '02-list');
  expect(consoleErrors).toEqual([]);
});

test('the Live Processing tab follows the thumbnails process from waiting to running to off', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'admin');
  await page.goto(`/streams/${stream.id}?tab=live-processing`);
  const state = page.getByTestId('lp-state');
  await expect(state).toHaveAttribute('data-state', 'waiting');
  await expect(page.getByTestId('lp-state-reason')).toHaveText('waiting for the stream to go live');

  encoder = Encoder.publish(stream.name);
  // Live events move it, without a reload or Refresh.
  await expect(state).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await expect(page.getByTestId('lp-last-output')).toContainText(/Last output \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/, { timeout: 30_000 });
  await expect(page.getByTestId('lp-next-run')).toContainText(/Next \d{4}-\d{2}-\d{2}/);
  await expect(page.getByTestId('lp-state-reason')).toHaveCount(0);
  // The assets follow too: the thumbnail is there without pressing Refresh.
  await expect(page.getByTestId('lp-preview')).toBeVisible({ timeout: 15_000 });
  await shot(page, testInfo, '03-lp-running');

  await encoder.stop();
  encoder = null;
  await expect(state).toHaveAttribute('data-state', 'off', { timeout: 30_000 });
  await expect(page.getByTestId('lp-state-reason')).toHaveText('the stream ended');
  await expect(page.getByTestId('lp-next-run')).toHaveCount(0);
  await expect(page.getByTestId('lp-last-output')).toBeVisible();
  expect(consoleErrors).toEqual([]);
});
