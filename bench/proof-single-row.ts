// (P1) single-row audited changes with the proof, in the organisation without coordinators, 2 clients, durable
// commits (pgbench, the loop of (3)), vs the same history rows written by hand without a proof; medians of
// BENCH_PROOF_ROUNDS rounds (durable commits are noisy).
import type { Config } from './config.ts';
import { pgbenchRounds, type PgbenchVariant } from './single-row.ts';
import { compare, log, side, type Measured } from './util.ts';

const VARIANTS: PgbenchVariant[] = [
  { key: 'audited', label: 'audited, proof included (triggers on)', script: 'pgbench/flip-status.sql', disable: false },
  { key: 'by_hand', label: 'triggers off, history rows by hand, no proof', script: 'by-hand/flip-status-history-only.pgbench.sql', disable: true },
];

export async function benchProofSingleRow(url: string, cfg: Config): Promise<Measured> {
  log(`(P1) single-row changes with the proof, no coordinators: pgbench, ${cfg.BENCH_CLIENTS} clients, ${cfg.BENCH_SECONDS} s a run, ${cfg.BENCH_PROOF_ROUNDS} rounds`);
  const runs = await pgbenchRounds(url, cfg, VARIANTS, cfg.BENCH_PROOF_ROUNDS, cfg.BENCH_PROOF_MENTORS);
  const sd = (key: string) => side(VARIANTS.find((v) => v.key === key)!.label, 'tps', runs[key]!.map((r) => r.tps));
  const rows = [
    compare('no coordinators', 'proof_single_row_vs_by_hand',
      `(P1) single-row audited changes, proof included, ${cfg.BENCH_CLIENTS} clients, durable commits, vs history rows by hand without a proof`,
      sd('audited'), sd('by_hand'), 'audited tps / by-hand tps (higher is better)', { op: '>=', value: 0.85 }),
  ];
  return { rows, details: { proofSingleRow: { clients: cfg.BENCH_CLIENTS, seconds: cfg.BENCH_SECONDS, rounds: cfg.BENCH_PROOF_ROUNDS, runs } } };
}
