// Settings and fixed paths of `npm run rehearse`, validated up front.
import path from 'node:path';
import { z } from 'zod';
import { ROOT } from '../scripts/lib/database.ts';

export const USAGE =
  'Usage: npm run rehearse   (environment: DATABASE_URL (a server to create a scratch database on; ' +
  'default: a throwaway cluster), REHEARSE_MENTORS=1000000 (e.g. 20000 while developing), REHEARSE_CHAPTERS=2000, ' +
  'REHEARSE_SAMPLE_MS=20, REHEARSE_KEEP=0 (1: keep the scratch database on DATABASE_URL\'s server))';

export const REPORT_FILE = path.join(ROOT, 'rehearse', 'report.json');
/** The same run as a Markdown table, for rehearse/README.md's summary (git-ignored, like report.json). */
export const SUMMARY_FILE = path.join(ROOT, 'rehearse', 'report.md');
export const SEED_FILE = path.join(ROOT, 'rehearse', 'seed.sql');
export const SUPABASE_CLI = path.join(ROOT, 'node_modules', '.bin', 'supabase');
export const BASELINE = '20261126100000';

/** Target: no step holds or waits for ACCESS EXCLUSIVE on peer_mentors longer than this. */
export const TARGET_ACCESS_EXCLUSIVE_MS = 1000;
/** Target: no step makes the writer wait for a lock longer than this (Supabase's authenticated timeout is 8 s). */
export const TARGET_WRITER_WAIT_MS = 1000;
/** Lock modes on peer_mentors that make its writers (INSERT/UPDATE: ROW EXCLUSIVE) wait. */
export const WRITE_BLOCKING = new Set(['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock']);

const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);
const envSchema = z
  .object({
    REHEARSE_MENTORS: int(1_000_000, 100),
    REHEARSE_CHAPTERS: int(2_000, 1),
    REHEARSE_SAMPLE_MS: int(20, 5),
    REHEARSE_KEEP: z.enum(['0', '1']).default('0'),
  })
  .refine((e) => e.REHEARSE_MENTORS >= e.REHEARSE_CHAPTERS, 'REHEARSE_MENTORS must be at least REHEARSE_CHAPTERS');
export type Config = z.infer<typeof envSchema>;

export function parseConfig(argv = process.argv.slice(2), env = process.env): Config {
  const args = argv.filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  if (args.length > 0) throw new Error(`unexpected arguments: ${args.join(' ')}\n${USAGE}`);
  if (env.REHEARSAL_DATABASE_URL) throw new Error(`REHEARSAL_DATABASE_URL is no longer read: set DATABASE_URL, as for every command\n${USAGE}`);
  const given = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('REHEARSE_') && v !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    throw new Error(`${parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`).join('; ')}\n${USAGE}`);
  }
  return parsed.data;
}
