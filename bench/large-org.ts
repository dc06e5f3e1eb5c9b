// (7) The large organisation: rounds of "pause every active mentor, then resume them", through the triggers
// and by hand, each side of each round on a fresh connection, interleaved. Round 1 runs right after the bulk
// load, before any ANALYZE; the tables grow every round (history, outbox), and each later round runs on
// statistics gathered after the rounds before it.
import pg from 'pg';
import type { Config } from './config.ts';
import { DISABLE_USER_TRIGGERS, type BenchDatabase } from './setup.ts';
import { absolute, compare, log, q, round, side, sqlFile, timed, withClient, type Measured, type Row } from './util.ts';

interface RoundSide {
  pauseMs: number;
  resumeMs: number;
  history: number;
  notifications: number;
}

const PAUSE = `update public.peer_mentors set status = 'paused', status_reason = $1 where status = 'active'`;
const RESUME = `update public.peer_mentors set status = 'active', status_reason = null where status = 'paused'`;

async function written(c: pg.ClientBase) {
  const { rows } = await q(c, `select (select count(*) from public.peer_mentor_status_history)::bigint as history,
                                      (select count(*) from public.coordinator_notifications)::bigint as notifications`);
  return { history: Number(rows[0]!.history), notifications: Number(rows[0]!.notifications) };
}

/** Plans of the statements (nested ones included) that ran longer than 200 ms: auto_explain without ANALYZE,
 *  so nothing is instrumented but the top of each statement; loaded alike on both sides. */
async function capturePlans(c: pg.ClientBase, plans: string[]) {
  const superuser = (await q(c, `select rolsuper from pg_roles where rolname = current_user`)).rows[0]?.rolsuper === true;
  if (!superuser) return;
  c.on('notice', (n) => {
    if (n.message?.includes('Query Text')) plans.push(n.message);
  });
  await q(c, `load 'auto_explain'`);
  for (const [k, v] of Object.entries({
    'auto_explain.log_min_duration': '200ms', 'auto_explain.log_analyze': 'off', 'auto_explain.log_nested_statements': 'on',
    'auto_explain.log_level': 'notice',
  })) {
    await q(c, `select set_config($1, $2, false)`, [k, v]);
  }
}

async function ours(url: string, reason: string, plans: string[]): Promise<RoundSide> {
  return withClient(url, async (c) => {
    const before = await written(c);
    await capturePlans(c, plans);
    const pauseMs = await timed(() => q(c, PAUSE, [reason]));
    const resumeMs = await timed(() => q(c, RESUME));
    const after = await written(c);
    return { pauseMs, resumeMs, history: after.history - before.history, notifications: after.notifications - before.notifications };
  });
}

async function byHand(url: string, reason: string, plans: string[]): Promise<RoundSide> {
  const pause = sqlFile('by-hand/pause-all.sql');
  const resume = sqlFile('by-hand/resume-all.sql');
  await withClient(url, async (admin) => { for (const ddl of DISABLE_USER_TRIGGERS) await q(admin, ddl); });
  try {
    return await withClient(url, async (c) => {
      const before = await written(c);
      await capturePlans(c, plans);
      const pauseMs = await timed(() => q(c, pause, [reason]));
      const resumeMs = await timed(() => q(c, resume));
      const after = await written(c);
      return { pauseMs, resumeMs, history: after.history - before.history, notifications: after.notifications - before.notifications };
    });
  } finally {
    await withClient(url, (admin) => q(admin, 'call bench.restore_triggers()'));
  }
}

export async function benchLargeOrg(db: BenchDatabase, cfg: Config): Promise<Measured> {
  // Both sides run on the same kind of connection: as supabase_admin where there is one (auto_explain needs a
  // superuser; a system caller like the owner), else as the owner, without the plan capture.
  const url = db.adminUrl ?? db.url;
  const n = cfg.BENCH_ORG_MENTORS.toLocaleString('en');
  log(`(7) large organisation: ${cfg.BENCH_ROUNDS} rounds of pause/resume of ${n} mentors, triggers vs by hand, fresh connections`);
  const mentors = Number((await withClient(url, (c) => q(c, `select count(*) as n from public.peer_mentors where status = 'active'`))).rows[0]!.n);
  const rounds: Array<{ ours: RoundSide; byHand: RoundSide; order: string }> = [];
  const plans: Record<number, { triggers: string[]; byHand: string[] }> = {};
  for (let r = 1; r <= cfg.BENCH_ROUNDS; r++) {
    const reason = `bench round ${r}`;
    // Round 1 runs right after the bulk load (no VACUUM, no ANALYZE); before every later one, VACUUM ANALYZE
    // (untimed; autovacuum is off for this database, so when it runs is not luck): the statistics then
    // describe tables grown by every earlier round.
    if (r > 1) await withClient(url, (c) => q(c, 'vacuum analyze'));
    const captured: string[] = [];
    const capturedByHand: string[] = [];
    let o: RoundSide;
    let h: RoundSide;
    if (r % 2 === 1) {
      o = await ours(url, reason, captured);
      h = await byHand(url, reason, capturedByHand);
    } else {
      h = await byHand(url, reason, capturedByHand);
      o = await ours(url, reason, captured);
    }
    for (const [label, s] of [['triggers', o], ['by hand', h]] as const) {
      if (s.history !== 2 * mentors) throw new Error(`(7) round ${r} ${label} wrote ${s.history} history rows; expected ${2 * mentors}`);
    }
    if (o.notifications !== h.notifications || o.notifications === 0) {
      throw new Error(`(7) round ${r}: the triggers queued ${o.notifications} notifications, by hand ${h.notifications}`);
    }
    plans[r] = { triggers: captured.map((p) => p.slice(p.indexOf('Query Text'))), byHand: capturedByHand.map((p) => p.slice(p.indexOf('Query Text'))) };
    rounds.push({ ours: o, byHand: h, order: r % 2 === 1 ? 'triggers first' : 'by hand first' });
    log(`  round ${r}: triggers pause ${(o.pauseMs / 1000).toFixed(2)} s + resume ${(o.resumeMs / 1000).toFixed(2)} s, ` +
      `by hand ${(h.pauseMs / 1000).toFixed(2)} s + ${(h.resumeMs / 1000).toFixed(2)} s (${o.notifications} notifications)`);
  }
  const total = (s: RoundSide) => s.pauseMs + s.resumeMs;
  const rows: Row[] = rounds.map((r, i) => compare('large organisation', `large_org_round_${i + 1}`,
    `(7) round ${i + 1}: pause + resume ${n} mentors (${i === 0 ? 'right after the bulk load, before ANALYZE' : `after ${i} round${i > 1 ? 's' : ''}`})`,
    side('triggers', 'ms', [total(r.ours)]), side('by hand, triggers off', 'ms', [total(r.byHand)]),
    'triggers time / by-hand time (lower is better)', { op: '<=', value: 1.5 }));
  const first = total(rounds[0]!.ours);
  const slowdowns = rounds.map((r) => total(r.ours) / first);
  const worst = slowdowns.indexOf(Math.max(...slowdowns));
  rows.push({
    ...absolute('large organisation', 'large_org_slowest_round_vs_first',
      `(7) slowest round (${worst + 1}) vs the first, through the triggers`,
      side('slowest round / first round', 'x', [slowdowns[worst]!]), { op: '<=', value: 1.2 }),
    ratioMeaning: 'the slowest round\'s time / the first round\'s, through the triggers (lower is better)',
  });
  // The same, each round's time divided by its own by-hand baseline: what is left once the machine's load and the
  // tables' growth, common to both sides, are taken out.
  const relative = rounds.map((r) => (total(r.ours) / total(r.byHand)) / (total(rounds[0]!.ours) / total(rounds[0]!.byHand)));
  const worstRelative = relative.indexOf(Math.max(...relative));
  rows.push({
    ...absolute('large organisation', 'large_org_slowest_round_vs_first_relative',
      `(7b) the same, each round relative to its own by-hand time (round ${worstRelative + 1})`,
      side('(ours/by hand) / (ours/by hand in round 1)', 'x', [relative[worstRelative]!]), null),
    ratioMeaning: 'the worst round\'s ours/by-hand ratio divided by round 1\'s (information)',
  });
  return {
    rows,
    details: {
      largeOrganisation: {
        mentors,
        rounds: rounds.map((r, i) => ({
          round: i + 1, order: r.order, slowdownVsFirst: round(slowdowns[i]!),
          triggers: { pauseMs: round(r.ours.pauseMs, 1), resumeMs: round(r.ours.resumeMs, 1), history: r.ours.history, notifications: r.ours.notifications },
          byHand: { pauseMs: round(r.byHand.pauseMs, 1), resumeMs: round(r.byHand.resumeMs, 1), history: r.byHand.history, notifications: r.byHand.notifications },
        })),
        slowTriggerStatementPlans: plans,
      },
    },
  };
}
