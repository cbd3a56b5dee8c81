/**
 * What `castboard org create` printed when the test server was seeded
 * (scripts/serve.sh stores it as seed.json in the run folder).
 */
import fs from 'node:fs';
import path from 'node:path';
import { e2e } from './env';

export interface Seed {
  organisation: { id: string; name: string; hash: string };
  admin: { id: string; email: string; role: string };
}

/** The main organisation (every package on). */
export function readSeed(): Seed {
  return readSeedFile('seed.json');
}

/** The basic organisation (only the player package). */
export function readBasicSeed(): Seed {
  return readSeedFile('seed-basic.json');
}

function readSeedFile(name: string): Seed {
  const file = path.join(e2e.runDir, name);
  const text = fs.readFileSync(file, 'utf8').trim();
  const seed = JSON.parse(text) as Seed;
  if (!/^[A-Za-z0-9]{5}$/.test(seed.organisation?.hash ?? '')) {
    throw new Error(`${file} has no organisation hash: ${text}`);
  }
  return seed;
}
