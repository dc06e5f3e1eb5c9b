// Small helpers every measurement module uses: statistics, timing, logging, SQL files, the report row.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ROOT, withClient } from '../scripts/lib/database.ts';
import { withDatabase } from '../scripts/lib/url.ts';

export const BENCH_DIR = path.join(ROOT, 'bench');
export const RESULTS_FILE = path.join(BENCH_DIR, 'results.json');

/** A SQL file under bench/. */
export const sqlFile = (name: string) => readFileSync(path.join(BENCH_DIR, name), 'utf8');

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Runs one query, adding the SQL to the error so a failure says what failed. */
export async function q<R extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.ClientBase,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  try {
    return await client.query<R>(text, values);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${message}\n-- while running:\n${text.trim().slice(0, 2000)}`);
  }
}

/** Runs fn in a transaction on c: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(c: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await q(c, 'begin');
  try {
    const result = await fn();
    await q(c, 'commit');
    return result;
  } catch (err) {
    await q(c, 'rollback');
    throw err;
  }
}

export { withClient };

/** The same server and credentials, another database (scripts/lib/url.ts). */
export const urlForDatabase = withDatabase;

/** Rotates xs by k: run i of a repeated measurement starts with a different variant. */
export const rotate = <T>(xs: readonly T[], k: number): T[] => xs.map((_, i) => xs[(i + k) % xs.length]!);

export interface Side {
  label: string;
  unit: string;
  samples: number[];
  median: number;
}

export interface Target {
  op: '<=' | '>=';
  value: number;
  /** 'ratio' (default): the target bounds ours / baseline; 'absolute': it bounds ours' median, in its unit. */
  kind?: 'ratio' | 'absolute';
}

export interface Row {
  key: string;
  shape: 'current' | 'large organisation' | 'bulk import' | 'no coordinators';
  title: string;
  ours: Side;
  baseline: Side | null;
  /** ours / baseline (times: lower is better; throughput: higher is better); null for an absolute row. */
  ratio: number | null;
  ratioMeaning: string;
  target: Target | null;
  pass: boolean | null;
  note?: string;
}

export function side(label: string, unit: string, samples: number[]): Side {
  return { label, unit, samples: samples.map((s) => round(s)), median: round(median(samples)) };
}

export function compare(
  shape: Row['shape'],
  key: string,
  title: string,
  ours: Side,
  baseline: Side,
  ratioMeaning: string,
  target: Target | null,
  note?: string,
): Row {
  const ratio = round(ours.median / baseline.median);
  const pass = target === null ? null : target.op === '<=' ? ratio <= target.value : ratio >= target.value;
  return { key, shape, title, ours, baseline, ratio, ratioMeaning, target, pass, ...(note ? { note } : {}) };
}

/** A row with an absolute target (e.g. <= 50 ms); a baseline, when given, is shown with its ratio for information. */
export function absolute(shape: Row['shape'], key: string, title: string, ours: Side, target: Target | null, note?: string, baseline?: Side): Row {
  const pass = target === null ? null : target.op === '<=' ? ours.median <= target.value : ours.median >= target.value;
  return {
    key, shape, title, ours, baseline: baseline ?? null, ratio: baseline ? round(ours.median / baseline.median) : null,
    ratioMeaning: baseline ? `median ${ours.unit}; ratio ours / ${baseline.label}, for information` : `median ${ours.unit}`,
    target: target ? { ...target, kind: 'absolute' } : null, pass, ...(note ? { note } : {}),
  };
}

export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

export function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** Node types and index names of a JSON plan. */
export function planShape(tree: PlanNode) {
  const nodeTypes = new Set<string>();
  const indexes = new Set<string>();
  walk(tree, (n) => {
    nodeTypes.add(n['Node Type']);
    if (n['Index Name']) indexes.add(n['Index Name']);
  });
  return {
    nodeTypes: [...nodeTypes],
    indexes: [...indexes],
    hasSort: nodeTypes.has('Sort') || nodeTypes.has('Incremental Sort'),
  };
}

/** What one measurement module hands back: its report rows and the details for results.json. */
export interface Measured {
  rows: Row[];
  details: Record<string, unknown>;
}
