/**
 * Motion clips and live replay from the real stream: a stream with a 2-second clip every
 * 10 s and a 10-second replay window, published to by a real encoder (320×180, a keyframe
 * every second). The overview shows the latest clip playing (the browser loaded it over
 * byte ranges: its video is 320 wide and about 2 s long) and the newest replay session in
 * the player, whose seek bar covers the window and goes back in it.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs, type StreamJson } from '../support/api';
import { Encoder } from '../support/encoder';
import { shot } from '../support/a11y';
import { StreamOverviewPage } from '../pages/StreamOverviewPage';

// Real video: one browser size is enough.
test.skip(({ isMobile }) => isMobile, 'media specs run on the desktop project');

let api: Api | undefined;
let stream: StreamJson;
let encoder: Encoder | null = null;

test.beforeEach(async () => {
  api = await Api.as();
  stream = await api.createStream({
    tags: [`clips-${Date.now()}`],
    processing: {
      motion_clips: { enabled: true, interval_s: 10, duration_s: 2 },
      replay: { enabled: true, duration_s: 10 },
    },
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

test('the overview plays the latest motion clip and seeks back in the replay', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'admin');
  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await expect(overview.motionClip).toHaveCount(0);
  await expect(overview.replay).toHaveCount(0);

  encoder = Encoder.publish(stream.name);
  // Both arrive through the live events, without a reload.
  await expect(overview.motionClipVideo).toBeVisible({ timeout: 30_000 });
  // The browser plays a muted autoplaying video while it is on screen.
  await overview.motionClipVideo.scrollIntoViewIfNeeded();
  await expect
    .poll(() => overview.motionClipVideo.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 })
    .toBe(320);
  const length = await overview.motionClipVideo.evaluate((v: HTMLVideoElement) => v.duration);
  expect(length).toBeGreaterThan(1.5);
  expect(length).toBeLessThan(3);
  await expect
    .poll(() => overview.motionClipVideo.evaluate((v: HTMLVideoElement) => v.muted && !v.paused), { timeout: 10_000 })
    .toBe(true);
  await expect(overview.motionClipTime).toHaveText(/\d{4}-\d{2}-\d{2}/);

  await expect(overview.replay.getByRole('heading', { name: 'Replay' })).toBeVisible({ timeout: 20_000 });
  await overview.replay.scrollIntoViewIfNeeded();
  const box = overview.replayFrame.locator('[data-castboard-player]');
  await expect(box).toHaveAttribute('data-state', 'playing', { timeout: 30_000 });
  const video = overview.replayFrame.locator('video');
  // The seek bar covers the window: several seconds once the stream has run a while.
  const window = () =>
    video.evaluate((v: HTMLVideoElement) =>
      v.seekable.length ? v.seekable.end(v.seekable.length - 1) - v.seekable.start(0) : 0,
    );
  await expect.poll(window, { timeout: 30_000 }).toBeGreaterThan(6);
  // Back to the start of the window, and it plays from there.
  const back = await video.evaluate((v: HTMLVideoElement) => {
    const target = v.seekable.start(0) + 0.5;
    v.currentTime = target;
    return target;
  });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 })
    .toBeGreaterThan(back + 0.5);
  const behind = await video.evaluate((v: HTMLVideoElement) => v.seekable.end(v.seekable.length - 1) - v.currentTime);
  expect(behind).toBeGreaterThan(3);
  await shot(page, testInfo, '01-overview');
  expect(consoleErrors.filter((e) => !/status of 404/.test(e))).toEqual([]);
});
