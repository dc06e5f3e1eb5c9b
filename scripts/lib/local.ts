// The long-lived local database of `npm start`: Supabase's local port (54322), data kept between runs.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { ROOT } from './database.ts';

export const LOCAL_PORT = z.coerce.number().int().min(1).max(65535).parse(process.env.LOCAL_DB_PORT ?? 54322);

/** Outside the checkout when we are root, because the `postgres` OS user that runs the server must reach it. */
export const LOCAL_DATA_DIR =
  process.env.LOCAL_PGDATA ??
  (process.getuid?.() === 0
    ? path.join('/var/tmp', `peer-mentor-pause-${createHash('sha1').update(ROOT).digest('hex').slice(0, 8)}`, 'data')
    : path.join(ROOT, '.local', 'pgdata'));
