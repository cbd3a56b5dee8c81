/**
 * Where the browser tests find the server and what they seed it with.
 *
 * Every value can be overridden by an environment variable; the defaults fit a
 * workspace where `cargo build` and `trunk build --release` have run.
 */
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

const port = Number(process.env.E2E_PORT ?? '23117');

export const e2e = {
  port,
  baseUrl: `http://127.0.0.1:${port}`,
  /** The server binary (`castboard`). */
  bin: path.resolve(process.env.CASTBOARD_BIN ?? path.join(repoRoot, 'target', 'debug', 'castboard')),
  /** The built app (`trunk build --release` output). */
  assetsDir: path.resolve(process.env.E2E_ASSETS_DIR ?? path.join(repoRoot, 'dist')),
  /** Holds this run's database and seed output; emptied at every start (one per port). */
  runDir: path.resolve(process.env.E2E_RUN_DIR ?? path.join(os.tmpdir(), `castboard-e2e-${port}`)),
  orgName: 'E2E Org',
  adminEmail: 'admin@e2e.test',
  adminPassword: 'e2e-password-123',
  /** The second organisation: only the player package (for "Upgrade needed"). */
  basicOrgName: 'E2E Basic Org',
  basicAdminEmail: 'basic-admin@e2e.test',
  /** A third organisation that no spec adds anything to (empty states). */
  emptyAdminEmail: 'empty-admin@e2e.test',
  /** The ingest hook secret the server runs with (the media server's part in the flows). */
  ingestSecret: 'e2e-ingest-secret',
  /** Where the server's own media server (nginx-rtmp) takes encoders: the port after the web one. */
  rtmpPort: port + 1,
  rtmpUrl: `rtmp://127.0.0.1:${port + 1}/live`,
} as const;
