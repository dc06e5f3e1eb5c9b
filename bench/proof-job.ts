// (P2) the certification-expiry job pausing every mentor of the organisation without coordinators, the proof
// included, vs the same writes by hand (triggers off, no proof, no outbox): the loop of (1), other variants.
import type { Config } from './config.ts';
import { byHand, jobCall, jobPhases, runVariants, type JobVariant } from './job.ts';
import { DISABLE_USER_TRIGGERS, type BenchDatabase } from './setup.ts';
import { compare, log, side, type Measured } from './util.ts';

const VARIANTS: JobVariant[] = [
  { key: 'job', label: 'the job, proof included (triggers)', setup: [], notifications: false, run: jobCall },
  { key: 'by_hand', label: 'by hand, triggers off, no proof', setup: DISABLE_USER_TRIGGERS, notifications: false, run: byHand('by-hand/expiry-history-only.sql') },
];

export async function benchProofJob(db: BenchDatabase, cfg: Config, asOf: string): Promise<Measured> {
  const n = cfg.BENCH_PROOF_MENTORS.toLocaleString('en');
  log(`(P2) certification-expiry job with the proof, ${n} mentors, no coordinators, ${cfg.BENCH_JOB_REPEATS} repetitions`);
  const job = await runVariants(db.url, cfg, asOf, VARIANTS, cfg.BENCH_PROOF_MENTORS);
  log('    per-statement timing (auto_explain, one instrumented run, rolled back)');
  const phases = await jobPhases(db.adminUrl ?? db.url, asOf);
  const sd = (key: string) => side(VARIANTS.find((v) => v.key === key)!.label, 'ms', job.samples[key]!);
  const rows = [
    compare('no coordinators', 'proof_expiry_job_vs_by_hand', `(P2) expiry job pausing ${n} mentors, proof included, vs the same writes by hand`,
      sd('job'), sd('by_hand'), 'job time / by-hand time with triggers disabled (lower is better)', { op: '<=', value: 1.1 }),
  ];
  return { rows, details: { proofExpiryJob: { asOf, writesPerRun: job.writes, statements: phases.statements } } };
}
