/**
 * The dashboard's performance budget (`make bench`, never part of `make test`): the
 * release build against the real server on the 1,000,000-stream benchmark database,
 * started by scripts/ui-bench.sh (which sets BENCH_UI_URL).
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './bench',
  outputDir: './test-results/bench',
  workers: 1,
  retries: 0,
  timeout: 300_000,
  reporter: [['list']],
  use: {
    baseURL: process.env.BENCH_UI_URL ?? 'http://127.0.0.1:23199',
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    },
  },
});
