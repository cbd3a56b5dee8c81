/**
 * Ingest health with the real encoder: ffmpeg publishes 320×180 at 10 fps (H264, a
 * keyframe every second, AAC) to the server's own nginx-rtmp, which the server reads
 * every second. The list's row gets a health dot and the bitrate, the overview's card
 * the status, the figures and a sparkline, all from the server's events; a frozen
 * encoder (SIGSTOP: connected, sending nothing) reads "no data for N s", unhealthy; an
 * ended stream's card says health is read while live.
 */
import { test, expect } from '../support/fixtures';
import { Api, signInAs, type StreamJson } from '../support/api';
import { Encoder } from '../support/encoder';
import { expectNoSeriousA11yViolations, shot } from '../support/a11y';
import { StreamListPage } from '../pages/StreamListPage';
import { StreamOverviewPage } from '../pages/StreamOverviewPage';

// Real video: one browser size is enough, and the media specs take turns.
test.skip(({ isMobile }) => isMobile, 'media specs run on the desktop project');

let api: Api | undefined;
let stream: StreamJson;
let encoder: Encoder | null = null;

test.beforeEach(async () => {
  api = await Api.as();
  stream = await api.createStream({ tags: [`health-${Date.now()}`] });
});

test.afterEach(async () => {
  if (encoder) {
    await encoder.stop();
    encoder = null;
  }
  await api?.dispose();
  api = undefined;
});

test('a live ingest reads healthy in the list and the overview, unhealthy when it stalls, and not live once ended', async ({
  page,
  consoleErrors,
}, testInfo) => {
  // Publishing, the first fragments and a stall of a few seconds take their time.
  test.setTimeout(150_000);
  await signInAs(page, 'admin');

  // Not live: the card says when health is read.
  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  await expect(overview.health.notLive).toHaveText(
    'Health is read while the stream is live: bitrate, frame rate, keyframe interval and more, every second.',
  );
  await expect(overview.health.status).toHaveCount(0);

  // The list follows the encoder: live, then a dot and a bitrate.
  const list = new StreamListPage(page);
  await list.goto(`tag=${stream.tags[0]}`);
  await list.expectRows([stream.name]);
  await expect(list.liveStatus).toHaveAttribute('data-state', 'open');
  const row = list.row(stream.name);
  await expect(list.health(row)).toHaveCount(0);
  encoder = Encoder.publish(stream.name);
  await expect(list.badge(row)).toHaveText('Live', { timeout: 20_000 });
  await expect(list.health(row)).toHaveAttribute('data-status', 'healthy', { timeout: 15_000 });
  await expect(list.healthDot(row)).toHaveAttribute('aria-label', 'Ingest healthy');
  await expect(list.healthDot(row)).toHaveAttribute('title', 'Ingest healthy');
  await expect(list.bitrate(row)).toHaveText(/^[1-9][\d,]* kbit\/s$/, { timeout: 15_000 });
  await shot(page, testInfo, '01-list-live');

  // The overview, opened while live: the readings so far, then every second.
  await overview.goto(stream.id);
  const health = overview.health;
  await expect(health.status).toHaveText('Healthy', { timeout: 20_000 });
  await expect(health.status).toHaveAttribute('data-status', 'healthy');
  await expect(health.noIssues).toBeVisible();
  await expect(health.video).toHaveText(/^320×180 · H264 /);
  await expect(health.fps).toHaveText('10 fps (declared 10)', { timeout: 15_000 });
  await expect(health.audio).toHaveText('AAC LC · mono · 44.1 kHz');
  await expect(health.keyframes).toHaveText('1 s (declared: not sent by the encoder)');
  await expect(health.dropped).toHaveText('0');
  await expect(health.lastData).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(0 s ago\)$/);
  await expect.poll(() => health.kbps(), { timeout: 15_000 }).toBeGreaterThan(0);
  // The line grows with the readings (one a second).
  const before = await health.sparklinePoints();
  expect(before).toBeGreaterThanOrEqual(1);
  await expect.poll(() => health.sparklinePoints(), { timeout: 10_000 }).toBeGreaterThan(before + 1);
  await expect(health.sparkline).toHaveAttribute('aria-label', /^Bitrate of the last five minutes, peak [1-9][\d,]* kbit\/s$/);
  await shot(page, testInfo, '02-overview-healthy');
  await expectNoSeriousA11yViolations(page, testInfo, 'overview-health');

  // The encoder freezes: connected, nothing arrives.
  encoder.pause();
  await expect(health.status).toHaveText('Unhealthy', { timeout: 15_000 });
  await expect(health.issues.first()).toHaveText(/^no data for \d+ s$/);
  await expect(health.issues.first()).toHaveAttribute('data-code', 'no_data');
  await expect(health.lastData).toHaveText(/ \([3-9]\d* s ago\)$/);
  await shot(page, testInfo, '03-overview-stalled');

  // The list, loaded now, shows it too, the worst issue in the dot's label.
  await list.goto(`tag=${stream.tags[0]}`);
  await expect(list.health(row)).toHaveAttribute('data-status', 'unhealthy');
  await expect(list.healthDot(row)).toHaveAttribute('aria-label', /^Ingest unhealthy: no data for \d+ s$/);
  await shot(page, testInfo, '04-list-stalled');

  // Ended: no health in the list, and the card says when it is read.
  await overview.goto(stream.id);
  await expect(health.status).toHaveText('Unhealthy', { timeout: 20_000 });
  await encoder.stop();
  encoder = null;
  await expect(overview.stateBadge).toHaveText('Ended', { timeout: 20_000 });
  await expect(health.notLive).toBeVisible();
  await expect(health.status).toHaveCount(0);
  await shot(page, testInfo, '05-overview-ended');
  // The preview asks for the playlist before the first fragment: 404s are its waiting.
  expect(consoleErrors.filter((e) => !/status of 404/.test(e))).toEqual([]);
});

test('when the last minutes cannot be loaded the card says so and follows the readings from now', async ({ page, consoleErrors }) => {
  await signInAs(page, 'admin');
  // The server fails the history (as a failing server would); the readings still come.
  await page.route(`**/api/v1/streams/${stream.id}/health`, (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'unavailable', message: 'The service is busy; try again.' } }),
    }),
  );
  const overview = new StreamOverviewPage(page);
  await overview.goto(stream.id);
  encoder = Encoder.publish(stream.name);
  const note = page.getByTestId('health-history-failed');
  await expect(note).toHaveText(
    'The readings of the last minutes could not be loaded (The service is busy; try again.); the line starts with the readings from now on.',
    { timeout: 30_000 },
  );
  await expect(page.getByTestId('health-status')).toHaveAttribute('data-status', 'healthy', { timeout: 30_000 });
  // The failed request is logged by the browser; nothing else is.
  expect(consoleErrors.filter((e) => !e.includes('503'))).toEqual([]);
});
