// The benchmark's knobs (environment variables), validated. bench/README.md documents every one.
import { z } from 'zod';

export const PARTS = ['job', 'pgbench', 'rls', 'timetravel', 'org', 'relation', 'bulkreads', 'proofrow', 'proofjob', 'digest', 'verify'] as const;
/** The parts measured on the "no coordinators" shape (issue 19's four rows). */
export const PROOF_PARTS = ['proofrow', 'proofjob', 'digest', 'verify'] as const;
export type Part = (typeof PARTS)[number];

export const USAGE =
  'Usage: npm run bench   (environment: DATABASE_URL (a server to create the benchmark databases on; default: a throwaway cluster), BENCH_MENTORS=100000, BENCH_CHAPTERS=1000, ' +
  'BENCH_HISTORY=1000000, BENCH_ORG_MENTORS=BENCH_MENTORS, BENCH_ORG_CHAPTERS=BENCH_CHAPTERS, ' +
  'BENCH_ORG_COORDINATOR_EVERY=1000, BENCH_ROUNDS=5, BENCH_REPEATS=3, BENCH_JOB_REPEATS=3, ' +
  'BENCH_RELATION_REPEATS=11, BENCH_IMPORT_ROWS=10000, BENCH_SECONDS=10, BENCH_CLIENTS=2, ' +
  'BENCH_PROOF_MENTORS=BENCH_MENTORS, BENCH_PROOF_HISTORY=1000000, BENCH_PROOF_STEPS=250000,500000, BENCH_PROOF_ROUNDS=5, ' +
  'BENCH_VERIFY_REPEATS=3, ' +
  `BENCH_ONLY=${PARTS.join(',')}, BENCH_KEEP=0 (1: keep the databases on DATABASE_URL's server))`;

const int = (def: number, min: number) => z.coerce.number().int().min(min).default(def);

const envSchema = z
  .object({
    BENCH_MENTORS: int(100_000, 100),
    BENCH_CHAPTERS: int(1_000, 10),
    BENCH_HISTORY: int(1_000_000, 100),
    BENCH_ORG_MENTORS: int(0, 0),
    BENCH_ORG_CHAPTERS: int(0, 0),
    BENCH_ORG_COORDINATOR_EVERY: int(1000, 2),
    BENCH_ROUNDS: int(5, 1),
    BENCH_REPEATS: int(3, 1),
    BENCH_JOB_REPEATS: int(3, 1),
    BENCH_RELATION_REPEATS: int(11, 1),
    BENCH_IMPORT_ROWS: int(10_000, 10),
    BENCH_SECONDS: int(10, 1),
    BENCH_CLIENTS: int(2, 1),
    BENCH_PROOF_MENTORS: int(0, 0),
    BENCH_PROOF_HISTORY: int(1_000_000, 100),
    BENCH_PROOF_STEPS: z
      .string()
      .default('250000,500000')
      .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean).map(Number))
      .pipe(z.array(z.number().int().positive())),
    BENCH_PROOF_ROUNDS: int(5, 1),
    BENCH_VERIFY_REPEATS: int(3, 1),
    BENCH_KEEP: z.enum(['0', '1']).default('0'),
    BENCH_ONLY: z
      .string()
      .default(PARTS.join(','))
      .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.enum(PARTS)).min(1)),
  })
  .transform((e) => ({
    ...e,
    BENCH_ORG_MENTORS: e.BENCH_ORG_MENTORS || e.BENCH_MENTORS,
    BENCH_ORG_CHAPTERS: e.BENCH_ORG_CHAPTERS || e.BENCH_CHAPTERS,
    BENCH_PROOF_MENTORS: e.BENCH_PROOF_MENTORS || e.BENCH_MENTORS,
  }))
  .refine((e) => e.BENCH_PROOF_HISTORY >= e.BENCH_PROOF_MENTORS, 'BENCH_PROOF_HISTORY must be at least BENCH_PROOF_MENTORS (one row per mentor)')
  .refine((e) => e.BENCH_PROOF_MENTORS >= e.BENCH_CHAPTERS, 'BENCH_PROOF_MENTORS must be at least BENCH_CHAPTERS')
  .refine((e) => e.BENCH_HISTORY >= e.BENCH_MENTORS, 'BENCH_HISTORY must be at least BENCH_MENTORS (one row per mentor)')
  .refine((e) => e.BENCH_MENTORS >= e.BENCH_CHAPTERS, 'BENCH_MENTORS must be at least BENCH_CHAPTERS')
  .refine((e) => e.BENCH_ORG_MENTORS >= e.BENCH_ORG_CHAPTERS, 'BENCH_ORG_MENTORS must be at least BENCH_ORG_CHAPTERS')
  .refine((e) => e.BENCH_ORG_CHAPTERS >= e.BENCH_ORG_COORDINATOR_EVERY, 'BENCH_ORG_CHAPTERS must be at least BENCH_ORG_COORDINATOR_EVERY')
  .refine((e) => e.BENCH_IMPORT_ROWS <= e.BENCH_ORG_MENTORS, 'BENCH_IMPORT_ROWS must be at most BENCH_ORG_MENTORS');

export type Config = z.infer<typeof envSchema>;

export function parseConfig(argv: string[] = process.argv.slice(2)): Config {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  if (argv.length > 0) throw new Error(`unexpected arguments: ${argv.join(' ')}\n${USAGE}`);
  if (process.env.BENCH_DATABASE_URL) throw new Error(`BENCH_DATABASE_URL is no longer read: set DATABASE_URL, as for every command\n${USAGE}`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('BENCH_') && v !== ''));
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`${parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`).join('; ')}\n${USAGE}`);
  }
  return parsed.data;
}

export const wants = (cfg: Config, part: Part) => cfg.BENCH_ONLY.includes(part);
