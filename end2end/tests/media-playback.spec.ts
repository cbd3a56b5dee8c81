/**
 * Real video end to end: an ffmpeg encoder publishes to the server's own nginx-rtmp, the
 * server serves HLS, and the player (hls.js) plays it in Chromium. The main organisation
 * has `secure`, so viewers need a playback token; a signed-in member does not.
 *
 * "Plays" always means the video element's time advances by more than a second.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs, type StreamJson } from '../support/api';
import { Encoder } from '../support/encoder';
import { shot } from '../support/a11y';
import { e2e } from '../support/env';
import { StreamListPage } from '../pages/StreamListPage';
import { StreamOverviewPage } from '../pages/StreamOverviewPage';
import type { Page, Locator } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// The media specs publish real video: one browser size is enough, and they take turns.
test.skip(({ isMobile }) => isMobile, 'media playback runs on the desktop project');

/** A playback token for `group`, valid for an hour. */
async function tokenFor(api: Api, group: string): Promise<{ id: string; token: string }> {
  const issued = await api.post<{ id: string; token: string }>('/tokens', {
    scope: { group },
    revocable: true,
  });
  return issued;
}

function player(page: Page): Locator {
  return page.locator('[data-castboard-player]');
}

/** Waits until the page's video plays: its time moves forward by more than `seconds`. */
async function expectPlaying(page: Page, seconds = 1.5): Promise<void> {
  const video = page.locator('[data-castboard-player] video');
  await expect(player(page)).toHaveAttribute('data-state', 'playing', { timeout: 30_000 });
  const start = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect
    .poll(async () => (await video.evaluate((v: HTMLVideoElement) => v.currentTime)) - start, {
      timeout: 20_000,
    })
    .toBeGreaterThan(seconds);
}

/** The hls.js settings the page's player runs with. */
async function hlsSettings(page: Page) {
  return player(page).evaluate((box) => {
    const p = (box.parentElement as unknown as { castboardPlayer: { hls: any } }).castboardPlayer;
    const hls = p.hls;
    return {
      liveSyncDuration: hls.config.liveSyncDuration,
      maxLiveSyncPlaybackRate: hls.config.maxLiveSyncPlaybackRate,
      liveMaxLatencyDuration: hls.config.liveMaxLatencyDuration,
      startLevel: hls.startLevel,
      autoLevelEnabled: hls.autoLevelEnabled,
      levels: hls.levels.map((l: { name: string }) => l.name),
    };
  });
}

let api: Api | undefined;
let stream: StreamJson;
let encoder: Encoder | null = null;

test.beforeEach(async () => {
  api = await Api.as();
  stream = await api.createStream({ tags: [`media-${Date.now()}`] });
});

/** The signed-in API client of the running test. */
function admin(): Api {
  if (!api) {
    throw new Error('no API client: beforeEach did not run');
  }
  return api;
}

test.afterEach(async () => {
  if (encoder) {
    await encoder.stop();
    encoder = null;
  }
  await api?.dispose();
  api = undefined;
});

test('the watch page waits, plays when the encoder starts, and says when it ends', async ({ page, consoleErrors }, testInfo) => {
  const { token } = await tokenFor(admin(), stream.id);
  await page.goto(`/watch/${stream.id}?group.security.jwtoken=${encodeURIComponent(token)}`);
  await expect(player(page)).toHaveAttribute('data-state', 'waiting');
  await expect(page.getByRole('status')).toHaveText('Waiting for the stream to go live. It starts by itself.');
  await shot(page, testInfo, '01-waiting');

  encoder = Encoder.publish(stream.name);
  await expectPlaying(page);
  await expect(page.getByRole('status')).toBeHidden();
  await shot(page, testInfo, '02-playing');

  await encoder.stop();
  encoder = null;
  await expect(player(page)).toHaveAttribute('data-state', 'ended', { timeout: 30_000 });
  await expect(page.getByRole('status')).toHaveText('The stream has ended.');
  await shot(page, testInfo, '03-ended');
  expect(consoleErrors.filter((e) => !/status of 404/.test(e))).toEqual([]);
});

test('the embed page hands the snippet parameters to hls.js', async ({ page }) => {
  const { token } = await tokenFor(admin(), stream.id);
  encoder = Encoder.publish(stream.name);
  const modes: [string, number, number, number][] = [
    ['classic', 4, 1.05, 10],
    ['balancedadaptive', 2.5, 1.15, 6],
    ['fastadaptive', 1.2, 1.5, 3.5],
  ];
  for (const [mode, target, rate, max] of modes) {
    await page.goto(
      `/embed?group.id=${stream.id}&group.security.jwtoken=${encodeURIComponent(token)}` +
        `&options.adaption.rule=none&startIndex=0&playback.latencyControlMode=${mode}`,
    );
    await expectPlaying(page, 1);
    await expect(player(page)).toHaveAttribute('data-latency-mode', mode);
    const s = await hlsSettings(page);
    expect(s).toEqual({
      liveSyncDuration: target,
      maxLiveSyncPlaybackRate: rate,
      liveMaxLatencyDuration: max,
      startLevel: 0,
      autoLevelEnabled: false,
      levels: ['0'],
    });
    await expect(player(page)).toHaveAttribute('data-level', '0');
  }
  // Adapting: hls.js chooses; the start is still the member asked for.
  await page.goto(
    `/embed?group.id=${stream.id}&group.security.jwtoken=${encodeURIComponent(token)}` +
      `&options.adaption.rule=deviationOfMean2&startIndex=0`,
  );
  await expectPlaying(page, 1);
  const adaptive = await hlsSettings(page);
  expect([adaptive.autoLevelEnabled, adaptive.startLevel, adaptive.liveSyncDuration]).toEqual([true, 0, 4]);
});

test('a snippet pasted on a page of another site plays', async ({ page }, testInfo) => {
  const { token } = await tokenFor(admin(), stream.id);
  const snippets = await admin().get<{ html: string }>(
    `/streams/${stream.id}/snippets?latency_mode=fastadaptive&token=${encodeURIComponent(token)}`,
  );
  // Another site: its own web server (another origin), a page holding nothing but the
  // pasted snippet.
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Blog</title></head><body><h1>Our live show</h1>${snippets.html}</body></html>`;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const site = `http://localhost:${(server.address() as AddressInfo).port}`;
  encoder = Encoder.publish(stream.name);
  await page.goto(`${site}/live`);
  expect(new URL(page.url()).origin).not.toBe(e2e.baseUrl);
  await expectPlaying(page);
  await expect(player(page)).toHaveAttribute('data-latency-mode', 'fastadaptive');
  await shot(page, testInfo, 'snippet-on-another-site');
  await page.close();
  await new Promise((resolve) => server.close(resolve));
});

test('a secure stream refuses without a token, plays with one, and stops once it is revoked', async ({ page }) => {
  encoder = Encoder.publish(stream.name);
  await expect.poll(async () => (await admin().stream(stream.id)).state, { timeout: 20_000 }).toBe('live');

  await page.goto(`/embed?group.id=${stream.id}`);
  await expect(player(page)).toHaveAttribute('data-state', 'refused');
  await expect(page.getByRole('status')).toContainText('plays only with a playback token');

  const issued = await tokenFor(admin(), stream.id);
  await page.goto(`/embed?group.id=${stream.id}&group.security.jwtoken=${encodeURIComponent(issued.token)}`);
  await expectPlaying(page);

  await admin().post(`/tokens/${issued.id}/revoke`, {}, 204);
  await expect(player(page)).toHaveAttribute('data-state', 'refused', { timeout: 20_000 });
  await expect(player(page)).toHaveAttribute('data-token-reason', 'revoked');
  await expect(page.getByRole('status')).toContainText('revoked');
});

test('an open stream list follows the real encoder', async ({ page }) => {
  await signInAs(page, 'admin');
  const list = new StreamListPage(page);
  await list.goto(`tag=${stream.tags[0]}`);
  await list.expectRows([stream.name]);
  await expect(list.liveStatus).toHaveAttribute('data-state', 'open');
  const badge = list.badge(list.row(stream.name));
  await expect(badge).toHaveText('Created');

  encoder = Encoder.publish(stream.name);
  await expect(badge).toHaveText('Live', { timeout: 20_000 });
  await encoder.stop();
  encoder = null;
  await expect(badge).toHaveText('Ended', { timeout: 20_000 });
});

test('the overview previews the stream live, signed in, without a token', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'admin');
  await page.goto(`/streams/${stream.id}`);
  const preview = page.getByTestId('live-preview');
  await expect(preview.getByRole('heading', { name: 'Live preview' })).toBeVisible({ timeout: 45_000 });
  const frame = page.frameLocator('[data-testid="live-preview-player"]');
  const box = frame.locator('[data-castboard-player]');
  await expect(box).toHaveAttribute('data-state', 'waiting');
  await expect(box).toHaveAttribute('data-latency-mode', 'fastadaptive');

  encoder = Encoder.publish(stream.name);
  await expect(box).toHaveAttribute('data-state', 'playing', { timeout: 30_000 });
  const video = frame.locator('video');
  const start = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect
    .poll(async () => (await video.evaluate((v: HTMLVideoElement) => v.currentTime)) - start, { timeout: 20_000 })
    .toBeGreaterThan(1.5);
  await shot(page, testInfo, 'overview-preview-playing');
  expect(consoleErrors.filter((e) => !/status of 404/.test(e))).toEqual([]);
});

test('the test-stream button makes the stream live, and it can be stopped after a reload', async ({ page }, testInfo) => {
  await signInAs(page, 'admin');
  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await expect(overview.stateBadge).toHaveText('Created');
  const button = page.getByTestId('action-test-stream');
  await expect(button).toHaveText('Send test stream');

  await button.click();
  await expect(page.getByTestId('toast').filter({ hasText: `Test stream sent to ${stream.name} for 60 seconds` })).toBeVisible();
  await expect(overview.stateBadge).toHaveText('Live', { timeout: 20_000 });
  await expect(button).toHaveText('Stop test stream');
  const box = page.frameLocator('[data-testid="live-preview-player"]').locator('[data-castboard-player]');
  await expect(box).toHaveAttribute('data-state', 'playing', { timeout: 30_000 });
  await shot(page, testInfo, 'test-stream-live');

  // A fresh page knows the running test source (GET) and offers to stop it.
  await page.reload();
  await expect(overview.stateBadge).toHaveText('Live', { timeout: 45_000 });
  await expect(button).toHaveText('Stop test stream');
  await button.click();
  await expect(page.getByTestId('toast').filter({ hasText: `Test stream to ${stream.name} stopped` })).toBeVisible();
  await expect(overview.stateBadge).toHaveText('Ended', { timeout: 20_000 });
  await expect(button).toHaveText('Send test stream');
  await expect(box).toHaveAttribute('data-state', 'ended', { timeout: 30_000 });
});

test('an ABR group transcodes: the overview shows its transcoder run, and the player starts on the chosen quality and switches', async ({ page }, testInfo) => {
  // A 160×90 transcode of the 320×180 source: Castboard runs its ffmpeg while the group is live.
  const group = await admin().createStream({
    tags: [`abr-${Date.now()}`],
    transcodes: [{ width: 160, height: 90, bitrate_kbps: 150, framerate: 10 }],
  });
  await signInAs(page, 'admin');
  const overview = new StreamOverviewPage(page);
  await overview.goto(group.id);
  const transcoder = overview.member(1).getByTestId('member-transcoder');
  await expect(transcoder).toHaveText('Runs while the stream is live');
  await expect(overview.member(0).getByTestId('member-transcoder')).toHaveCount(0);

  encoder = Encoder.publish(group.name);
  await expect(transcoder).toHaveText('Running', { timeout: 30_000 });
  await expect(transcoder).toHaveAttribute('data-state', 'running');
  await shot(page, testInfo, 'abr-transcoder-running');
  // The Live Processing tab shows the same process for the group, with its rendition.
  await page.goto(`/streams/${group.id}?tab=live-processing`);
  const transcoding = page.getByTestId('lp-transcoding');
  await expect(transcoding).toHaveAttribute('data-state', 'running', { timeout: 15_000 });
  await expect(page.getByTestId('lp-transcoding-renditions')).toHaveText('160×90 · 150 kbit/s · 10 fps');
  // Running is the transcoder's publish; its rendition joins the group's master with its
  // first fragment, a moment later.
  await expect
    .poll(async () => (await page.request.get(`/hls/${group.id}.m3u8`)).text(), { timeout: 20_000 })
    .toContain('RESOLUTION=160x90');

  const { token } = await tokenFor(admin(), group.id);
  await page.goto(
    `/embed?group.id=${group.id}&group.security.jwtoken=${encodeURIComponent(token)}` +
      `&options.adaption.rule=none&startIndex=1`,
  );
  await expectPlaying(page);
  const s = await hlsSettings(page);
  // hls.js orders levels by bandwidth; the player picks the member named by startIndex.
  expect([[...s.levels].sort(), s.levels[s.startLevel], s.autoLevelEnabled]).toEqual([['0', '1'], '1', false]);
  await expect(player(page)).toHaveAttribute('data-level', '1');
  const video = page.locator('[data-castboard-player] video');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBe(160);

  // Switching to the passthrough: the picture becomes the source's size and keeps playing.
  await player(page).evaluate((box) => {
    const hls = (box.parentElement as unknown as { castboardPlayer: { hls: any } }).castboardPlayer.hls;
    hls.currentLevel = hls.levels.findIndex((l: { name: string }) => l.name === '0');
  });
  await expect(player(page)).toHaveAttribute('data-level', '0', { timeout: 20_000 });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBe(320);
  await expectPlaying(page, 1);

  await encoder.stop();
  encoder = null;
  await overview.goto(group.id);
  await expect(overview.member(1).getByTestId('member-transcoder')).toHaveText('Runs while the stream is live', {
    timeout: 30_000,
  });
});
