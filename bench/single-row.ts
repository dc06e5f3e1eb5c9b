// (3) single-row audited status changes under pgbench concurrency, durable commits: audited (the triggers)
// vs the same audit written by hand (triggers off), and vs no audit at all (triggers off).
import path from 'node:path';
import { run } from '../scripts/lib/run.ts';
import { pgBin } from '../scripts/lib/system.ts';
import type { Config } from './config.ts';
import { checkpoint, DISABLE_USER_TRIGGERS, resetState } from './setup.ts';
import { BENCH_DIR, compare, log, q, rotate, side, withClient, type Measured } from './util.ts';

export interface PgbenchRun {
  tps: number;
  latencyMs: number;
  transactions: number;
  failed: number;
}

async function pgbench(url: string, cfg: Config, script: string, mentors: number): Promise<PgbenchRun> {
  const args = ['--no-vacuum', '--protocol=prepared', `--client=${cfg.BENCH_CLIENTS}`, `--jobs=${cfg.BENCH_CLIENTS}`,
    `--time=${cfg.BENCH_SECONDS}`, `--define=mentors=${mentors}`, `--file=${path.join(BENCH_DIR, script)}`, url];
  const { stdout, stderr } = await run(pgBin('pgbench'), args, {
    env: { ...process.env, PGOPTIONS: '-c synchronous_commit=on -c client_min_messages=warning' },
  });
  const out = stdout + stderr;
  const num = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) throw new Error(`could not read ${re} from pgbench output:\n${out}`);
    return Number(m[1]);
  };
  const result = {
    tps: num(/^tps = ([\d.]+)/m),
    latencyMs: num(/^latency average = ([\d.]+) ms/m),
    transactions: num(/^number of transactions actually processed: (\d+)/m),
    failed: num(/^number of failed transactions: (\d+)/m),
  };
  if (result.failed > 0) throw new Error(`pgbench ${script}: ${result.failed} failed transactions\n${out}`);
  return result;
}

export interface PgbenchVariant {
  key: string;
  label: string;
  /** A pgbench script under bench/. */
  script: string;
  /** Run with the user triggers of peer_mentors and the history disabled (a by-hand baseline). */
  disable: boolean;
}

/**
 * Rounds of pgbench runs, one per variant per round, the order rotated every round; VACUUM and CHECKPOINT before
 * each run, the shipped triggers put back after it. Returns every run per variant key.
 */
export async function pgbenchRounds(url: string, cfg: Config, variants: readonly PgbenchVariant[], rounds: number, mentors: number): Promise<Record<string, PgbenchRun[]>> {
  const runs: Record<string, PgbenchRun[]> = Object.fromEntries(variants.map((v) => [v.key, []]));
  await withClient(url, async (c) => {
    await resetState(c);
    for (let rep = 0; rep < rounds; rep++) {
      for (const v of rotate(variants, rep)) {
        await q(c, 'vacuum public.peer_mentors, public.peer_mentor_status_history, public.coordinator_notifications');
        await checkpoint(c);
        if (v.disable) for (const ddl of DISABLE_USER_TRIGGERS) await q(c, ddl);
        try {
          const r = await pgbench(url, cfg, v.script, mentors);
          runs[v.key]!.push(r);
          log(`  rep ${rep + 1}/${rounds} ${v.key.padEnd(10)} ${r.tps.toFixed(0).padStart(6)} tps (${r.latencyMs} ms)`);
        } finally {
          await q(c, 'call bench.restore_triggers()');
        }
      }
    }
    await resetState(c);
  });
  return runs;
}

const VARIANTS = [
  { key: 'audited', label: 'audited (triggers on)', script: 'pgbench/flip-status.sql', disable: false },
  { key: 'by_hand', label: 'triggers off, audit by hand', script: 'by-hand/flip-status.pgbench.sql', disable: true },
  { key: 'no_audit', label: 'triggers off, no audit', script: 'pgbench/flip-status.sql', disable: true },
] as const;

export async function benchSingleRow(url: string, cfg: Config): Promise<Measured> {
  log(`(3) single-row status changes: pgbench, ${cfg.BENCH_CLIENTS} clients, ${cfg.BENCH_SECONDS} s a run, ${cfg.BENCH_REPEATS} rounds`);
  const runs = await pgbenchRounds(url, cfg, VARIANTS, cfg.BENCH_REPEATS, cfg.BENCH_MENTORS);
  const sd = (key: (typeof VARIANTS)[number]['key']) => side(VARIANTS.find((x) => x.key === key)!.label, 'tps', runs[key]!.map((r) => r.tps));
  const rows = [
    compare('current', 'single_row_audited_vs_by_hand', `(3) single-row audited changes, ${cfg.BENCH_CLIENTS} clients, durable commits, vs the audit by hand`,
      sd('audited'), sd('by_hand'), 'audited tps / by-hand-audit tps (higher is better)', { op: '>=', value: 0.9 }),
    compare('current', 'single_row_audited_vs_no_audit', '(3b) the same, vs no audit at all (triggers off)',
      sd('audited'), sd('no_audit'), 'audited tps / unaudited tps (higher is better)', null),
  ];
  return { rows, details: { pgbench: { clients: cfg.BENCH_CLIENTS, seconds: cfg.BENCH_SECONDS, runs } } };
}
