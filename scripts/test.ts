// npm test: the whole suite on a throwaway database (or DATABASE_URL), ending with `N passed, N failed`.
//
//   1. a new cluster (initdb), the Supabase compatibility layer, every migration through the Supabase CLI;
//   2. every pgTAP file under supabase/tests/pgtap with pg_prove (the setup file sorts first);
//   3. the TypeScript tests under tests/ with node's test runner, each file on its own copy of the
//      migrated database (CREATE DATABASE ... TEMPLATE);
//   4. the project checks (type check, generated types up to date, SQL lint);
//   5. the cluster is stopped and deleted.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { acquireTarget, prepare, ROOT, withClient } from './lib/database.ts';
import { run } from './lib/run.ts';

export const TEMPLATE_DATABASE = 'peer_mentor_test_template';

// `npm test -- <path> [<path> …]` runs only the pgTAP and TypeScript files under those paths (and no checks);
// the pgTAP setup file always runs.
const FILTERS = process.argv.slice(2).filter((a) => !a.startsWith('-')).map((a) => path.resolve(a));
const selected = (file: string) =>
  FILTERS.length === 0 || file.includes('00000-setup') || FILTERS.some((f) => file.startsWith(f));

interface Tally {
  name: string;
  passed: number;
  failed: number;
}

function listFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, suffix));
    else if (entry.endsWith(suffix)) out.push(full);
  }
  return out.sort();
}

/** pg_prove's own summary: "Files=F, Tests=T" and, per failing file, "(Wstat: …, Tests: n, Failed: k)". */
export function parsePgProve(output: string, exitCode: number): { passed: number; failed: number } {
  const total = Number(/Files=\d+, Tests=(\d+)/.exec(output)?.[1] ?? 0);
  let failed = 0;
  for (const m of output.matchAll(/\(Wstat: \d+(?: \([^)]*\))? Tests: (\d+) Failed: (\d+)\)/g)) {
    // A file that died or broke its plan without a failing assertion still counts as one failure.
    failed += Math.max(Number(m[2]), 1);
  }
  if (exitCode !== 0 && failed === 0) failed = 1;
  return { passed: Math.max(total - failed, 0), failed };
}

/** node --test's TAP closing lines: "# pass N" and "# fail N". */
export function parseNodeTap(output: string, exitCode: number): { passed: number; failed: number } {
  const passed = Number(/^# pass (\d+)$/m.exec(output)?.[1] ?? 0);
  let failed = Number(/^# fail (\d+)$/m.exec(output)?.[1] ?? 0);
  if (exitCode !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}

async function runPgTap(url: string): Promise<Tally> {
  const files = listFiles(path.join(ROOT, 'supabase', 'tests', 'pgtap'), '.sql').filter(selected).map((f) => path.relative(ROOT, f));
  console.log(`\n== pgTAP: ${files.length} files (pg_prove)`);
  const result = await run('pg_prove', ['--dbname', url, '--ext', '.sql', ...files], {
    cwd: ROOT,
    echo: true,
    allowFailure: true,
    env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' },
  });
  return { name: 'pgTAP', ...parsePgProve(result.stdout + result.stderr, result.code) };
}

async function runNodeTests(url: string): Promise<Tally> {
  const files = listFiles(path.join(ROOT, 'tests'), '.test.ts').filter(selected).map((f) => path.relative(ROOT, f));
  console.log(`\n== TypeScript: ${files.length} files (node --test)`);
  if (files.length === 0) return { name: 'TypeScript', passed: 0, failed: 0 };
  const result = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], {
    cwd: ROOT,
    echo: true,
    allowFailure: true,
    env: { ...process.env, DATABASE_URL: url, TEST_TEMPLATE_DATABASE: TEMPLATE_DATABASE },
  });
  return { name: 'TypeScript', ...parseNodeTap(result.stdout, result.code) };
}

interface Check {
  name: string;
  cmd: string;
  args: string[];
}

const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CHECKS: Check[] = [
  { name: 'TypeScript type check (tsc --noEmit)', cmd: path.join(ROOT, 'node_modules', '.bin', 'tsc'), args: ['--noEmit', '-p', ROOT] },
  { name: 'generated types are up to date (npm run gen:types -- --check)', cmd: TSX, args: [path.join(ROOT, 'scripts', 'gen-types.ts'), '--check'] },
  { name: 'migrations pass the SQL lint (npm run lint:sql)', cmd: TSX, args: [path.join(ROOT, 'scripts', 'lint-sql.ts')] },
];

async function runChecks(url: string): Promise<Tally> {
  const tally: Tally = { name: 'checks', passed: 0, failed: 0 };
  for (const check of CHECKS) {
    console.log(`\n== check: ${check.name}`);
    const result = await run(check.cmd, check.args, {
      cwd: ROOT,
      echo: true,
      allowFailure: true,
      env: { ...process.env, DATABASE_URL: url },
    });
    if (result.code === 0) {
      tally.passed += 1;
      console.log(`ok - ${check.name}`);
    } else {
      tally.failed += 1;
      console.log(`not ok - ${check.name} (exit ${result.code})`);
    }
  }
  return tally;
}

async function main(): Promise<number> {
  const target = await acquireTarget();
  const tallies: Tally[] = [];
  try {
    console.log(`Database: ${target.throwaway ? 'throwaway cluster' : 'DATABASE_URL'} ${target.url}`);
    await prepare(target.url);
    await withClient(target.url, async (c) => {
      await c.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
      await c.query(`create database ${TEMPLATE_DATABASE} template ${c.escapeIdentifier(c.database ?? 'postgres')}`);
    });
    tallies.push(await runPgTap(target.url));
    tallies.push(await runNodeTests(target.url));
    if (FILTERS.length === 0) tallies.push(await runChecks(target.url));
  } finally {
    await withClient(target.url, (c) => c.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`)).catch(() => {});
    await target.release();
  }
  console.log('\n== summary');
  for (const t of tallies) console.log(`${t.name}: ${t.passed} passed, ${t.failed} failed`);
  const passed = tallies.reduce((n, t) => n + t.passed, 0);
  const failed = tallies.reduce((n, t) => n + t.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
