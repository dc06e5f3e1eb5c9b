// npm run bench: the performance benchmark. Prints one table (bench/README.md explains every row) and writes
// bench/results.json. It builds its own databases on DATABASE_URL's server or on a throwaway cluster,
// one per data shape (the current one; a large organisation), and runs each measurement module of
// this folder (bench/) on them. It exits 0 when a target is missed (a benchmark, not a test) and non-zero only when
// something is broken (a failing statement, two sides that disagree about what they read or wrote).
import { acquireTarget } from '../scripts/lib/database.ts';
import { parseConfig, PROOF_PARTS, wants } from './config.ts';
import { benchBulkImportReads } from './bulk-import-reads.ts';
import { digestRow, measureDigest, type DigestTimes } from './digest.ts';
import { finishNoCoordinators, growHistory, seedNoCoordinators } from './no-coordinators.ts';
import { benchProofJob } from './proof-job.ts';
import { benchProofSingleRow } from './proof-single-row.ts';
import { measureVerify, verifyRow } from './verify-history.ts';
import { benchJob } from './job.ts';
import { benchLargeOrg } from './large-org.ts';
import { benchRelation } from './relation.ts';
import { printReport, writeResults } from './report.ts';
import { benchRls, benchRlsLargeOrg } from './rls.ts';
import { createDatabase, dropDatabase, environment, seed, type BenchDatabase } from './setup.ts';
import { benchSingleRow } from './single-row.ts';
import { benchTimeTravel } from './time-travel.ts';
import { log, q, round, withClient, type Measured } from './util.ts';

async function main(): Promise<void> {
  const cfg = parseConfig();
  const startedAt = new Date();
  log(`config ${JSON.stringify(cfg)}`);
  // Durable like production (fsync, full-page writes, synchronous commit): the per-commit flush is part of
  // what a single-row change costs.
  const target = await acquireTarget('DATABASE_URL', {
    fsync: 'on', full_page_writes: 'on', synchronous_commit: 'on', max_wal_size: '4GB', checkpoint_timeout: '30min',
  });
  const created: BenchDatabase[] = [];
  const all: Measured = { rows: [], details: {} };
  const seeds: Record<string, unknown> = {};
  let env: Record<string, unknown> = {};
  const report = (complete: boolean) => {
    const finishedAt = new Date();
    return writeResults({
      complete,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSeconds: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
      environment: env,
      config: cfg,
      seed: seeds,
      results: all.rows,
      details: all.details,
    });
  };
  // Every module's rows are written as soon as it is done (complete: false), so a failure late in a long run
  // still leaves what was measured.
  const add = (m: Measured) => {
    all.rows.push(...m.rows);
    Object.assign(all.details, m.details);
    report(false);
  };
  try {
    if (['job', 'pgbench', 'rls', 'timetravel'].some((p) => wants(cfg, p as never))) {
      log('current shape: creating and migrating its database');
      const db = await createDatabase(target.url, `peer_mentor_bench_${process.pid}`, target.adminUrl);
      created.push(db);
      env = await environment(db.url, target.throwaway);
      log(`seeding ${cfg.BENCH_MENTORS} mentors, ${cfg.BENCH_CHAPTERS} chapters, ${cfg.BENCH_HISTORY} history rows`);
      seeds.current = await seed(db, 'current', cfg);
      log(`seeded: ${JSON.stringify(seeds.current)}`);
      const asOf = (await withClient(db.url, (c) => q<{ t: string }>(c, `select (now() + interval '10 years')::text as t`))).rows[0]!.t;
      if (wants(cfg, 'rls')) add(await benchRls(db.url, cfg));
      if (wants(cfg, 'timetravel')) add(await benchTimeTravel(db.url, cfg));
      if (wants(cfg, 'job')) add(await benchJob(db, cfg, asOf));
      if (wants(cfg, 'pgbench')) add(await benchSingleRow(db.url, cfg));
    }
    if (wants(cfg, 'org') || wants(cfg, 'relation')) {
      log('large organisation: creating and migrating its database');
      const db = await createDatabase(target.url, `peer_mentor_bench_${process.pid}_org`, target.adminUrl);
      created.push(db);
      if (!env.version) env = await environment(db.url, target.throwaway);
      log(`seeding one organisation, ${cfg.BENCH_ORG_CHAPTERS} chapters (a coordinator in every ${cfg.BENCH_ORG_COORDINATOR_EVERY}th), ${cfg.BENCH_ORG_MENTORS} mentors`);
      seeds.largeOrganisation = await seed(db, 'large organisation', cfg);
      log(`seeded: ${JSON.stringify(seeds.largeOrganisation)}`);
      if (wants(cfg, 'org')) add(await benchLargeOrg(db, cfg));
      if (wants(cfg, 'org')) add(await benchRlsLargeOrg(db.url, cfg));
      if (wants(cfg, 'relation')) add(await benchRelation(db.url, cfg));
    }
    if (wants(cfg, 'bulkreads')) {
      add(await benchBulkImportReads(target.url, target.adminUrl, cfg, created));
      if (!env.version) env = await environment(created[created.length - 1]!.url, target.throwaway);
    }
    if (PROOF_PARTS.some((p) => wants(cfg, p))) {
      log('no coordinators: creating and migrating its database');
      const db = await createDatabase(target.url, `peer_mentor_bench_${process.pid}_proof`, target.adminUrl);
      created.push(db);
      if (!env.version) env = await environment(db.url, target.throwaway);
      log(`seeding one organisation without coordinators, ${cfg.BENCH_CHAPTERS} chapters, ${cfg.BENCH_PROOF_MENTORS} mentors (through the triggers)`);
      seeds.noCoordinators = await seedNoCoordinators(db, cfg);
      log(`seeded: ${JSON.stringify(seeds.noCoordinators)}`);
      if (wants(cfg, 'digest') || wants(cfg, 'verify')) {
        const sizes = [...new Set([...cfg.BENCH_PROOF_STEPS.filter((s) => s > cfg.BENCH_PROOF_MENTORS && s < cfg.BENCH_PROOF_HISTORY), cfg.BENCH_PROOF_HISTORY])].sort((a, b) => a - b);
        log(`(P3)(P4) the history grown through the triggers to ${sizes.map((s) => s.toLocaleString('en')).join(', ')} rows; digest and verify at each`);
        const digests = new Map<number, DigestTimes>();
        const verifies = new Map<number, number[]>();
        const writingSeconds = await growHistory(db.url, cfg, sizes, (rows) => withClient(db.url, async (c) => {
          const d = await measureDigest(c, cfg.BENCH_JOB_REPEATS, rows);
          digests.set(rows, d);
          if (wants(cfg, 'verify')) verifies.set(rows, await measureVerify(c, d.digest, cfg.BENCH_VERIFY_REPEATS, rows));
        }));
        (seeds.noCoordinators as Record<string, unknown>).growthSeconds = round(writingSeconds, 1);
        add({
          rows: [...(wants(cfg, 'digest') ? [digestRow(digests)] : []), ...(wants(cfg, 'verify') ? [verifyRow(verifies)] : [])],
          details: { proofHistory: { digests: Object.fromEntries(digests), verify: Object.fromEntries(verifies) } },
        });
      }
      await finishNoCoordinators(db.url);
      const asOf = (await withClient(db.url, (c) => q<{ t: string }>(c, `select (now() + interval '10 years')::text as t`))).rows[0]!.t;
      if (wants(cfg, 'proofjob')) add(await benchProofJob(db, cfg, asOf));
      if (wants(cfg, 'proofrow')) add(await benchProofSingleRow(db.url, cfg));
    }
    printReport(all);
    console.log(`\nEnvironment: ${String(env.version).split(',')[0]}, ${env.cpus} CPUs (shared), fsync=${env.fsync}, ` +
      `synchronous_commit=${env.synchronous_commit}, full_page_writes=${env.full_page_writes}, jit off for the benchmark databases`);
    const file = report(true);
    console.log(`Wrote ${file}`);
  } finally {
    if (!target.throwaway) {
      for (const db of created) {
        if (cfg.BENCH_KEEP === '1') log(`kept database ${db.name}: ${db.url}`);
        else await dropDatabase(db, target.url);
      }
    }
    await target.release();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
