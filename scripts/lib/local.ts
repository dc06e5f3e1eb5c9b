// The long-lived local database of `npm start`: the port from supabase/config.toml ([db] port, Supabase's
// local 54322 by default), data kept between runs, one data directory per PostgreSQL major version.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { readDbConfig } from './config.ts';
import { ROOT } from './database.ts';

const config = readDbConfig();

export const LOCAL_PORT = config.port;
export const LOCAL_MAJOR = config.majorVersion;

/** What a busy port's error tells the user to do. */
export const LOCAL_PORT_HINT =
  `The local database's port comes from supabase/config.toml:\n  [db]\n  port = ${LOCAL_PORT}\n` +
  'Stop the program using it, or set another port there (e.g. port = 54329) and run the command again; ' +
  'npm start, npm run db:stop and npm run db:reset all read it from there.';

/**
 * Outside the checkout when we are root, because the `postgres` OS user that runs the server must reach it.
 * Named by major version (and shape: `sb` = supabase_admin superuser, postgres not one), so a cluster from an
 * older layout or another version is never reused by mistake.
 */
export const LOCAL_DATA_DIR =
  process.env.LOCAL_PGDATA ??
  (process.getuid?.() === 0
    ? path.join('/var/tmp', `peer-mentor-pause-${createHash('sha1').update(ROOT).digest('hex').slice(0, 8)}`, `pg${LOCAL_MAJOR}-sb`)
    : path.join(ROOT, '.local', `pg${LOCAL_MAJOR}-sb`));
