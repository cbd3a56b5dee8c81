/**
 * The media figures (`make bench`, never part of `make test`): a release server with its
 * own nginx-rtmp, started by scripts/media-bench.sh (which sets BENCH_MEDIA_URL,
 * BENCH_MEDIA_RTMP, BENCH_MEDIA_EMAIL and BENCH_MEDIA_PASSWORD).
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './bench-media',
  outputDir: './test-results/bench-media',
  workers: 1,
  retries: 0,
  timeout: 600_000,
  reporter: [['list']],
  use: {
    baseURL: process.env.BENCH_MEDIA_URL ?? 'http://127.0.0.1:23201',
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
    },
  },
});
