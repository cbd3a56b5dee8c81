/**
 * Media figures, measured on the real path: ffmpeg → nginx-rtmp → Castboard → Chromium.
 *
 * - live badge: to the row's badge turning "Live" in an open stream list (a
 *   MutationObserver stamps the moment with the page's clock) from the encoder's publish
 *   (the moment Castboard's publish hook took it, `ingest.last_seen_at`), and from
 *   starting the encoder (ffmpeg's start-up and connection included); one machine, one
 *   clock;
 * - cut: from the lock request to the encoder's exit (it is disconnected);
 * - stalled encoder: from freezing a live encoder (SIGSTOP: connected, sending nothing) to
 *   its stream's state `ended` in the API, with the default update interval (5 s);
 * - glass-to-glass per latency mode: the wall clock now minus the wall clock at which the
 *   frame being shown was captured (hls.js `playingDate`, from the playlists'
 *   PROGRAM-DATE-TIME, which Castboard writes from the fragments' epoch names).
 *
 * Prints p50/p95 per figure with the target; fails only when a figure cannot be taken.
 */
import { test, expect, type APIRequestContext, type Page } from '@playwright/test';
import { Encoder } from '../support/encoder';

const RTMP = process.env.BENCH_MEDIA_RTMP ?? 'rtmp://127.0.0.1:43202/live';
const EMAIL = process.env.BENCH_MEDIA_EMAIL ?? 'bench-media@castboard.test';
const PASSWORD = process.env.BENCH_MEDIA_PASSWORD ?? 'bench-media-password';
const CSRF = { 'X-Requested-With': 'castboard' };
const RUNS = Number(process.env.BENCH_MEDIA_RUNS ?? '10');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at];
}

function report(what: string, values: number[], target: string): void {
  const p50 = percentile(values, 50);
  const p95 = percentile(values, 95);
  console.log(
    `media-bench: ${what}: p50 ${Math.round(p50)} ms, p95 ${Math.round(p95)} ms ` +
      `(n=${values.length}, target ${target})`,
  );
}

async function signIn(request: APIRequestContext): Promise<void> {
  const answer = await request.post('/api/v1/auth/login', { data: { email: EMAIL, password: PASSWORD }, headers: CSRF });
  expect(answer.status(), await answer.text()).toBe(200);
}

async function createStream(request: APIRequestContext, tag: string): Promise<{ id: string; name: string }> {
  const answer = await request.post('/api/v1/streams', { data: { tags: [tag] }, headers: CSRF });
  expect(answer.status(), await answer.text()).toBe(201);
  return answer.json();
}

async function state(request: APIRequestContext, id: string): Promise<string> {
  const answer = await request.get(`/api/v1/streams/${id}`);
  return (await answer.json()).state;
}

test('publish to live badge, and lock to encoder cut', async ({ page }) => {
  await signIn(page.request);
  const badge: number[] = [];
  const fromStart: number[] = [];
  const cut: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const tag = `bench-${Date.now()}-${run}`;
    const stream = await createStream(page.request, tag);
    await page.goto(`/streams?tag=${tag}`);
    const row = page.locator(`[data-testid="stream-row"][data-stream-name="${stream.name}"]`);
    await expect(row.getByTestId('state-badge')).toHaveText('Created', { timeout: 45_000 });
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'open');
    await page.evaluate((name) => {
      const w = window as unknown as { liveAt: number | null };
      w.liveAt = null;
      const observer = new MutationObserver(() => {
        const b = document.querySelector(`[data-stream-name="${name}"] [data-testid="state-badge"]`);
        if (b && b.textContent === 'Live' && w.liveAt === null) {
          w.liveAt = Date.now();
          observer.disconnect();
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    }, stream.name);
    const started = Date.now();
    const encoder = Encoder.publish(stream.name, 60, RTMP);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { liveAt: number | null }).liveAt), { timeout: 20_000 })
      .not.toBeNull();
    const liveAt = await page.evaluate(() => (window as unknown as { liveAt: number }).liveAt);
    const published = await page.request.get(`/api/v1/streams/${stream.id}`);
    const seen = Date.parse((await published.json()).ingest.last_seen_at);
    badge.push(liveAt - seen);
    fromStart.push(liveAt - started);

    // Let it run a moment, then lock: the encoder is disconnected.
    await page.waitForTimeout(1500);
    const locking = Date.now();
    const locked = await page.request.post(`/api/v1/streams/${stream.id}/lock`, { headers: CSRF });
    expect(locked.status()).toBe(200);
    await encoder.exit();
    cut.push(Date.now() - locking);
    await encoder.stop();
    expect(await state(page.request, stream.id)).toBe('locked');
  }
  report('publish to live badge', badge, '≤ 500 ms');
  report('encoder start to live badge (ffmpeg start-up included)', fromStart, '–');
  report('lock to encoder cut', cut, '≤ 1000 ms');
});

test('a stalled encoder ends its stream', async ({ page }) => {
  await signIn(page.request);
  const ended: number[] = [];
  for (let run = 0; run < 3; run++) {
    const stream = await createStream(page.request, `bench-stall-${Date.now()}-${run}`);
    const encoder = Encoder.publish(stream.name, 60, RTMP);
    try {
      await expect.poll(() => state(page.request, stream.id), { timeout: 20_000 }).toBe('live');
      await page.waitForTimeout(2000);
      const frozen = Date.now();
      process.kill(encoder.pid as number, 'SIGSTOP');
      await expect
        .poll(() => state(page.request, stream.id), { timeout: 60_000, intervals: [100] })
        .toBe('ended');
      ended.push(Date.now() - frozen);
    } finally {
      process.kill(encoder.pid as number, 'SIGKILL');
      await encoder.exit();
    }
  }
  report('stalled encoder to ended', ended, '≤ 5000 ms (the update interval)');
});

async function glassToGlass(page: Page, id: string, mode: string): Promise<number[]> {
  await page.goto(`/embed?group.id=${id}&playback.latencyControlMode=${mode}`);
  const box = page.locator('[data-castboard-player]');
  await expect(box).toHaveAttribute('data-state', 'playing', { timeout: 30_000 });
  // Catch-up settles first.
  await page.waitForTimeout(10_000);
  const samples: number[] = [];
  for (let i = 0; i < 40; i++) {
    const behind = await box.evaluate((b) => {
      const hls = (b.parentElement as unknown as { castboardPlayer: { hls: { playingDate: Date | null } } }).castboardPlayer
        .hls;
      return hls.playingDate ? Date.now() - hls.playingDate.getTime() : null;
    });
    if (behind !== null) {
      samples.push(behind);
    }
    await page.waitForTimeout(500);
  }
  expect(samples.length).toBeGreaterThan(20);
  return samples;
}

test('glass-to-glass latency per latency mode', async ({ page }) => {
  await signIn(page.request);
  const stream = await createStream(page.request, `bench-g2g-${Date.now()}`);
  const encoder = Encoder.publish(stream.name, 300, RTMP);
  try {
    await expect.poll(() => state(page.request, stream.id), { timeout: 20_000 }).toBe('live');
    const targets: Record<string, string> = {
      fastadaptive: '≤ 3000 ms',
      balancedadaptive: 'between the two',
      classic: '≤ 8000 ms',
    };
    for (const mode of ['fastadaptive', 'balancedadaptive', 'classic']) {
      report(`glass-to-glass ${mode}`, await glassToGlass(page, stream.id, mode), targets[mode]);
    }
  } finally {
    await encoder.stop();
  }
});
