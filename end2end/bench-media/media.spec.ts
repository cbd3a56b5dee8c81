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
 *   PROGRAM-DATE-TIME, which Castboard writes from the fragments' epoch names);
 * - a group of a passthrough and one 160×90 transcode (thumbnails every 10 s): from the
 *   publish hook (`ingest.last_seen_at`) and from the encoder's start to every member
 *   `live`, the transcoder `running` and the rendition's playlist served (polled every
 *   50 ms), and to the first thumbnail (`assets.thumbnail.updated_at`);
 * - on one such group live: the CPU share of the transcoder's ffmpeg and of the ingest
 *   encoder (utime + stime from /proc/<pid>/stat over wall time, 20 s), the thumbnail's
 *   age sampled every second for 30 s, and in Chromium (an EventSource on
 *   /api/v1/events) each `stream.health` of the passthrough, the page's clock at receipt
 *   minus the reading's time `health.at`.
 *
 * Prints p50/p95 per figure with the target; fails only when a figure cannot be taken.
 */
import { test, expect, type APIRequestContext, type Page } from '@playwright/test';
import { Encoder } from '../support/encoder';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

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

const GROUP_RUNS = Number(process.env.BENCH_MEDIA_GROUP_RUNS ?? '4');
const TINY = { width: 160, height: 90, bitrate_kbps: 150, framerate: 10 };
const THUMBNAIL_INTERVAL_S = 10;

type Member = { id: string; name: string };

/** A group of a passthrough and one 160×90 transcode, thumbnails every 10 s on both. */
async function createGroup(request: APIRequestContext, tag: string): Promise<Member[]> {
  const answer = await request.post('/api/v1/streams', {
    data: {
      tags: [tag],
      transcodes: [TINY],
      processing: { thumbnails: { enabled: true, interval_s: THUMBNAIL_INTERVAL_S } },
    },
    headers: CSRF,
  });
  expect(answer.status(), await answer.text()).toBe(201);
  const group = await answer.json();
  expect(group.members).toHaveLength(2);
  return group.members.map((m: Member) => ({ id: m.id, name: m.name }));
}

async function streamObject(request: APIRequestContext, id: string): Promise<any> {
  return (await request.get(`/api/v1/streams/${id}`)).json();
}

/** Pids of Castboard's transcoder ffmpeg publishing to `streamname` (from /proc, as server/tests/media.rs). */
function transcoderPids(streamname: string): number[] {
  const target = `/${streamname}?transcoder=`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`).toString().split('\0');
    } catch {
      continue;
    }
    if (args[0]?.endsWith('ffmpeg') && args.some((a) => a.includes(target))) {
      pids.push(Number(entry));
    }
  }
  return pids;
}

/** CPU time (user + system) of `pid` so far, in seconds, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`).toString();
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / CLOCK_TICKS;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function reportPercent(what: string, values: number[], target: string): void {
  const p50 = percentile(values, 50);
  const p95 = percentile(values, 95);
  console.log(
    `media-bench: ${what}: p50 ${p50.toFixed(1)} %, p95 ${p95.toFixed(1)} % of a core ` +
      `(n=${values.length}, target ${target})`,
  );
}

test('publish to every member of a transcoded group live, and the first thumbnail', async ({ page }) => {
  await signIn(page.request);
  const fromHook: number[] = [];
  const fromStart: number[] = [];
  const transcoderRunning: number[] = [];
  const firstThumbnail: number[] = [];
  for (let run = 0; run < GROUP_RUNS; run++) {
    const [pass, trans] = await createGroup(page.request, `bench-group-${Date.now()}-${run}`);
    const started = Date.now();
    const encoder = Encoder.publish(pass.name, 60, RTMP);
    try {
      let hook: number | null = null;
      let running: number | null = null;
      let allLive: number | null = null;
      const deadline = started + 30_000;
      while (allLive === null) {
        expect(Date.now(), 'the group is not all live after 30 s').toBeLessThan(deadline);
        const [p, t] = await Promise.all([streamObject(page.request, pass.id), streamObject(page.request, trans.id)]);
        if (hook === null && p.state === 'live') {
          // Set by the publish hook; refreshed only every 5 s by the update hook.
          hook = Date.parse(p.ingest.last_seen_at);
        }
        if (running === null && t.transcoder?.state === 'running') {
          running = Date.now();
        }
        if (p.state === 'live' && t.state === 'live' && t.transcoder?.state === 'running') {
          const playlist = await page.request.get(`/hls/${trans.id}.m3u8`);
          if (playlist.status() === 200) {
            allLive = Date.now();
            break;
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      fromHook.push(allLive - (hook as number));
      fromStart.push(allLive - started);
      transcoderRunning.push((running as number) - (hook as number));

      // The first thumbnail of the passthrough, from the publish hook (the server's clock).
      await expect
        .poll(async () => (await streamObject(page.request, pass.id)).assets.thumbnail, {
          timeout: 30_000,
          intervals: [100],
        })
        .not.toBeNull();
      const thumbnail = (await streamObject(page.request, pass.id)).assets.thumbnail;
      firstThumbnail.push(Date.parse(thumbnail.updated_at) - (hook as number));
    } finally {
      await encoder.stop();
    }
    await expect.poll(async () => (await streamObject(page.request, pass.id)).state, { timeout: 20_000 }).toBe('ended');
  }
  report('publish (hook) to every member live, transcoder running and its playlist served', fromHook, '–');
  report('encoder start to the same (ffmpeg start-up included)', fromStart, '–');
  report('publish (hook) to the transcoder running (polled)', transcoderRunning, '–');
  report('publish (hook) to the first thumbnail (assets.thumbnail.updated_at)', firstThumbnail, '–');
});

test('CPU per rendition, thumbnail age and health events in the browser, on one live group', async ({ page }) => {
  await signIn(page.request);
  const [pass, trans] = await createGroup(page.request, `bench-live-${Date.now()}`);
  await page.goto('/streams');
  // The browser listens before the stream goes live: every stream.health of the passthrough,
  // the page's clock at receipt minus the reading's time (`health.at`).
  await page.evaluate((id) => {
    const w = window as unknown as { healthDelays: number[] };
    w.healthDelays = [];
    const source = new EventSource('/api/v1/events');
    source.addEventListener('stream.health', (e) => {
      const now = Date.now();
      const data = JSON.parse((e as MessageEvent).data);
      if (data.id === id && data.health?.at) {
        w.healthDelays.push(now - Date.parse(data.health.at));
      }
    });
  }, pass.id);
  const encoder = Encoder.publish(pass.name, 120, RTMP);
  try {
    await expect
      .poll(async () => (await streamObject(page.request, trans.id)).transcoder?.state, { timeout: 30_000 })
      .toBe('running');
    await expect.poll(async () => (await page.request.get(`/hls/${trans.id}.m3u8`)).status(), { timeout: 30_000 }).toBe(200);
    await expect
      .poll(async () => (await streamObject(page.request, pass.id)).assets.thumbnail, { timeout: 30_000 })
      .not.toBeNull();
    const pids = transcoderPids(trans.name);
    expect(pids, 'one transcoder').toHaveLength(1);
    const transcoder = pids[0];
    const ingest = encoder.pid as number;

    // 30 s: the thumbnail's age every second; CPU over the first 20 s (1-second slices
    // for the spread, and the whole window).
    const ages: number[] = [];
    const transcoderSlices: number[] = [];
    const encoderSlices: number[] = [];
    const t0 = performance.now();
    const c0 = { transcoder: cpuSeconds(transcoder), ingest: cpuSeconds(ingest) };
    let last = { at: t0, transcoder: c0.transcoder, ingest: c0.ingest };
    let whole = { transcoder: 0, ingest: 0 };
    for (let i = 1; i <= 30; i++) {
      await new Promise((r) => setTimeout(r, t0 + i * 1000 - performance.now()));
      if (i <= 20) {
        const now = { at: performance.now(), transcoder: cpuSeconds(transcoder), ingest: cpuSeconds(ingest) };
        const wall = (now.at - last.at) / 1000;
        transcoderSlices.push((100 * (now.transcoder - last.transcoder)) / wall);
        encoderSlices.push((100 * (now.ingest - last.ingest)) / wall);
        last = now;
        if (i === 20) {
          const span = (now.at - t0) / 1000;
          whole = {
            transcoder: (100 * (now.transcoder - c0.transcoder)) / span,
            ingest: (100 * (now.ingest - c0.ingest)) / span,
          };
        }
      }
      const thumbnail = (await streamObject(page.request, pass.id)).assets.thumbnail;
      ages.push(Date.now() - Date.parse(thumbnail.updated_at));
    }
    const delays = await page.evaluate(() => (window as unknown as { healthDelays: number[] }).healthDelays);
    expect(delays.length, 'stream.health events in the browser').toBeGreaterThan(15);

    reportPercent(
      `CPU of the 160×90 transcoder (1-s slices; 20 s whole: ${whole.transcoder.toFixed(1)} %)`,
      transcoderSlices,
      '–',
    );
    reportPercent(
      `CPU of the 320×180 ingest encoder, for reference (1-s slices; 20 s whole: ${whole.ingest.toFixed(1)} %)`,
      encoderSlices,
      '–',
    );
    report(
      `thumbnail age (now - assets.thumbnail.updated_at) every second for 30 s, interval ${THUMBNAIL_INTERVAL_S} s`,
      ages,
      `≤ ${THUMBNAIL_INTERVAL_S} s + a grab`,
    );
    report('stream.health reading (health.at) to the browser (EventSource)', delays, '–');
  } finally {
    await encoder.stop();
  }
});
