/**
 * Browser tests of the dashboard against the real server.
 *
 * Chromium is Debian's (/usr/bin/chromium): never `npx playwright install`. The server is
 * started by scripts/serve.sh on a fresh database seeded with `castboard org create`.
 * Needs the server binary (`cargo build`) and the app (`trunk build --release`) built.
 */
import { defineConfig, devices } from '@playwright/test';
import { e2e } from './support/env';

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: './tests',
  // Runs on another port (several at once while developing) keep their own artifacts:
  // Playwright empties its output folder when it starts.
  outputDir: e2e.port === 23117 ? './test-results' : `./test-results-${e2e.port}`,
  // One server and one organisation for the whole run: specs take turns.
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./reporters/summary-line.ts']],
  use: {
    baseURL: e2e.baseUrl,
    headless: true,
    // Every test leaves a final screenshot in test-results/ (specs add step shots).
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: chromiumArgs,
    },
  },
  projects: [
    {
      name: 'desktop',
      use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 } },
    },
    {
      name: 'phone',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      },
    },
  ],
  webServer: {
    command: 'sh ./scripts/serve.sh',
    url: `${e2e.baseUrl}/api/v1/openapi.json`,
    // A fresh database every run, so never attach to a server that is already up.
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      CASTBOARD_BIN: e2e.bin,
      E2E_PORT: String(e2e.port),
      E2E_RUN_DIR: e2e.runDir,
      E2E_ASSETS_DIR: e2e.assetsDir,
      E2E_ORG_NAME: e2e.orgName,
      E2E_ADMIN_EMAIL: e2e.adminEmail,
      E2E_ADMIN_PASSWORD: e2e.adminPassword,
      E2E_BASIC_ORG_NAME: e2e.basicOrgName,
      E2E_BASIC_ADMIN_EMAIL: e2e.basicAdminEmail,
      E2E_EMPTY_ADMIN_EMAIL: e2e.emptyAdminEmail,
      E2E_INGEST_SECRET: e2e.ingestSecret,
      E2E_RTMP_PORT: String(e2e.rtmpPort),
      ...(process.env.E2E_SERVER_LOG ? { E2E_SERVER_LOG: process.env.E2E_SERVER_LOG } : {}),
    },
  },
});
