import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

// src/platform/paths.ts and dist/src/platform/paths.js sit at different depths; the repo root is the folder
// holding package.json in both cases.
const here = fileURLToPath(new URL('.', import.meta.url));
export const repoRoot = here.includes('/dist/') ? join(here, '../../..') : join(here, '../..');

export const paths = {
  root: repoRoot,
  migrations: join(repoRoot, 'migrations'),
  services: join(repoRoot, 'services'),
  calendars: join(repoRoot, 'calendars'),
};
