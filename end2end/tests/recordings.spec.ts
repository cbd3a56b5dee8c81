/**
 * Recording from the real stream: a stream recorded as a whole, published to by a real
 * encoder (320×180) for a few seconds, lists its recording in the VOD card as soon as
 * the media server has closed it and Castboard has remuxed it (through the live events,
 * no reload); the recording plays in the overview's dialog (the browser decodes frames
 * of 320×180) and downloads as an attachment under its own name.
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
    tags: [`rec-${Date.now()}`],
    processing: { recording: { enabled: true, duration_s: null } },
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

test('a recording appears when the stream ends, plays in the overview and downloads', async ({ page, consoleErrors }, testInfo) => {
  await signInAs(page, 'admin');
  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await expect(overview.vod.getByTestId('vod-empty')).toBeVisible();

  // Six seconds of video; the stream ends when the encoder does.
  encoder = Encoder.publish(stream.name, 6);
  expect(await encoder.exit()).toBe(0);
  encoder = null;

  await expect(overview.recordings).toHaveCount(1, { timeout: 30_000 });
  const row = overview.recordings.first();
  const fileName = (await row.getByTestId('vod-file').innerText()).trim();
  expect(fileName).toMatch(new RegExp(`^${stream.name}-\\d{13}\\.mp4$`));
  await expect(row.getByTestId('vod-duration')).toHaveText(/^0:0[5-7]$/);
  await expect(row.getByTestId('vod-size')).toHaveText(/\d/);
  await shot(page, testInfo, '01-listed');

  // Played in the dialog: the browser decodes the recording's own frames.
  await row.getByTestId('vod-play').click();
  await expect(overview.recordingPlayer).toBeVisible();
  await expect(overview.recordingPlayer.getByRole('heading')).toHaveText(fileName);
  await expect
    .poll(
      () =>
        overview.recordingVideo.evaluate((v: HTMLVideoElement) =>
          v.currentTime > 0.5 ? `${v.videoWidth}x${v.videoHeight}` : 'not yet',
        ),
      { timeout: 15_000 },
    )
    .toBe('320x180');
  await shot(page, testInfo, '02-playing');
  await page.keyboard.press('Escape');
  await expect(overview.recordingPlayer).toBeHidden();
  await expect(overview.recordingVideo).toHaveCount(0);

  // Downloaded under its own name.
  const download = page.waitForEvent('download');
  await row.getByTestId('vod-download').click();
  expect((await download).suggestedFilename()).toBe(fileName);
  expect(consoleErrors).toEqual([]);
});
