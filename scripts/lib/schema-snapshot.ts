// "Is the schema the same?", answered one way everywhere: by the equality check of supabase/schemas/ against the
// migrations (tests/schemas_equal_the_migrations.test.ts), the rollback drill, the rehearsal and
// `npm run db:rollback -- --redo`.
//
//   catalogSnapshot(url)   one line per schema object with its definition, owner, ACL (sorted), comment and
//                          settings, read from the catalog (pg_get_*def, no OIDs): what pg_dump --schema-only would
//                          differ on, on every server version (pg_dump 15 refuses PostgreSQL 17), plus what a
//                          dump shows only indirectly: trigger enable state (ENABLE ALWAYS), column position,
//                          publication membership and default privileges.
//   snapshotDiff(a, b)     the lines only one side has.
//   pgDeltaDiff(src, dst)  Supabase's own diff engine (@supabase/pg-delta, `pgdelta diff`), and the SQL that would
//                          turn src into dst (`pgdelta plan` + `render`), between two live databases.
//   environmentSnapshot()  what a run may leave behind outside the schema: databases, schemas, extensions, roles,
//                          row counts, the Realtime publication (npm run supabase-shaped).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { run } from './run.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PGDELTA = path.join(ROOT, 'node_modules', '.bin', 'pgdelta');

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** An ACL as text with its items sorted: the order of aclitems depends on the order of the grants, not their meaning. */
const acl = (column: string) =>
  `coalesce((select pg_catalog.string_agg(a::text, ',' order by a::text) from pg_catalog.unnest(${column}) a), '-')`;

/** The schemas a snapshot leaves out by default: the system's, and the migration history (its rows are data). */
export const DEFAULT_EXCLUDED_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast', 'supabase_migrations'];

const CATALOG_SNAPSHOT = `
with ns as (
  select oid, nspname from pg_catalog.pg_namespace
   where nspname <> all ($1::text[])
     and nspname not like 'pg_temp_%' and nspname not like 'pg_toast_temp_%'
), lines as (
  select 'schema ' || n.nspname || ' owner ' || pg_catalog.pg_get_userbyid(s.nspowner) || ' acl ' || ${acl('s.nspacl')}
         || ' comment ' || coalesce(pg_catalog.obj_description(s.oid, 'pg_namespace'), '-') as line
    from ns n join pg_catalog.pg_namespace s on s.oid = n.oid
  union all
  select 'extension ' || e.extname || ' ' || e.extversion || ' in ' || e.extnamespace::regnamespace::text from pg_catalog.pg_extension e
  union all
  select 'relation ' || c.oid::regclass::text || ' kind ' || c.relkind::text || ' owner ' || pg_catalog.pg_get_userbyid(c.relowner)
         || ' acl ' || ${acl('c.relacl')} || ' rls ' || c.relrowsecurity || '/' || c.relforcerowsecurity
         || ' options ' || coalesce(c.reloptions::text, '-') || ' comment ' || coalesce(pg_catalog.obj_description(c.oid, 'pg_class'), '-')
    from pg_catalog.pg_class c join ns on ns.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c')
  union all
  select 'column ' || c.oid::regclass::text || '.' || a.attname
         || ' #' || pg_catalog.row_number() over (partition by c.oid order by a.attnum)
         || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
         || case when a.attnotnull then ' not null' else '' end
         || coalesce(' default ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), '') || ' identity ' || a.attidentity::text
         || ' generated ' || a.attgenerated::text || ' acl ' || ${acl('a.attacl')}
         || ' comment ' || coalesce(pg_catalog.col_description(c.oid, a.attnum), '-')
    from pg_catalog.pg_class c join ns on ns.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_catalog.pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
   where c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
  union all
  select 'constraint ' || coalesce(r.conrelid::regclass::text, r.contypid::regtype::text) || ' ' || r.conname || ' '
         || pg_catalog.pg_get_constraintdef(r.oid) || case when r.convalidated then '' else ' not valid' end
         || ' comment ' || coalesce(pg_catalog.obj_description(r.oid, 'pg_constraint'), '-')
    from pg_catalog.pg_constraint r join ns on ns.oid = r.connamespace
  union all
  select 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid) || case when i.indisvalid then '' else ' INVALID' end
    from pg_catalog.pg_index i
    join pg_catalog.pg_class c on c.oid = i.indexrelid join ns on ns.oid = c.relnamespace
  union all
  select 'trigger ' || pg_catalog.pg_get_triggerdef(t.oid) || ' enabled ' || t.tgenabled::text
         || ' comment ' || coalesce(pg_catalog.obj_description(t.oid, 'pg_trigger'), '-')
    from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid join ns on ns.oid = c.relnamespace
   where not t.tgisinternal
  union all
  select 'function ' || p.oid::regprocedure::text || ' owner ' || pg_catalog.pg_get_userbyid(p.proowner) || ' acl '
         || ${acl('p.proacl')} || ' comment ' || coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '-') || ' '
         || case when p.prokind in ('f', 'p', 'w') then pg_catalog.pg_get_functiondef(p.oid) else p.prokind::text end
    from pg_catalog.pg_proc p join ns on ns.oid = p.pronamespace
   where not exists (select 1 from pg_catalog.pg_depend dep where dep.classid = 'pg_proc'::regclass and dep.objid = p.oid and dep.deptype = 'e')
  union all
  select 'view ' || c.oid::regclass::text || ' ' || pg_catalog.pg_get_viewdef(c.oid) from pg_catalog.pg_class c
    join ns on ns.oid = c.relnamespace where c.relkind in ('v', 'm')
  union all
  select 'policy ' || pol.polrelid::regclass::text || ' ' || pol.polname || ' ' || pol.polcmd::text || ' ' || pol.polpermissive::text
         || ' to ' || (select pg_catalog.string_agg(case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r) end, ',' order by 1)
                         from unnest(pol.polroles) r)
         || ' using ' || coalesce(pg_catalog.pg_get_expr(pol.polqual, pol.polrelid), '-')
         || ' check ' || coalesce(pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid), '-')
    from pg_catalog.pg_policy pol join pg_catalog.pg_class c on c.oid = pol.polrelid join ns on ns.oid = c.relnamespace
  union all
  select 'type ' || t.oid::regtype::text || ' ' || t.typtype::text || ' owner ' || pg_catalog.pg_get_userbyid(t.typowner)
         || ' acl ' || ${acl('t.typacl')} || ' comment ' || coalesce(pg_catalog.obj_description(t.oid, 'pg_type'), '-')
         || coalesce(' labels ' || (select pg_catalog.string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_catalog.pg_enum e where e.enumtypid = t.oid), '')
         || coalesce(' domain ' || pg_catalog.format_type(t.typbasetype, t.typtypmod), '')
    from pg_catalog.pg_type t join ns on ns.oid = t.typnamespace where t.typtype in ('e', 'd')
  union all
  select 'sequence ' || s.seqrelid::regclass::text || ' ' || pg_catalog.format_type(s.seqtypid, null) || ' ' || s.seqstart
         || ' ' || s.seqincrement || ' ' || s.seqmin || ' ' || s.seqmax || ' ' || s.seqcache || ' ' || s.seqcycle::text
    from pg_catalog.pg_sequence s join pg_catalog.pg_class c on c.oid = s.seqrelid join ns on ns.oid = c.relnamespace
  union all
  select 'publication ' || pt.pubname || ' table ' || pt.schemaname || '.' || pt.tablename
    from pg_catalog.pg_publication_tables pt where pt.schemaname <> all ($1::text[])
  union all
  select 'default acl ' || pg_catalog.pg_get_userbyid(d.defaclrole) || ' ' || coalesce(d.defaclnamespace::regnamespace::text, '-')
         || ' ' || d.defaclobjtype::text || ' ' || ${acl('d.defaclacl')} from pg_catalog.pg_default_acl d
)
select line from lines order by line collate "C"`;

/**
 * The schema as sorted lines, one per object (a function's line holds its whole definition, newlines and all).
 * Leaves out the system schemas and supabase_migrations, plus `excludeSchemas`.
 */
export async function catalogSnapshot(url: string, { excludeSchemas = [] as string[] } = {}): Promise<string[]> {
  const rows = await query<{ line: string }>(url, CATALOG_SNAPSHOT, [[...DEFAULT_EXCLUDED_SCHEMAS, ...excludeSchemas]]);
  return rows.map((r) => r.line);
}

export interface SnapshotDiff {
  /** Lines the expected snapshot has and the actual one lacks. */
  onlyExpected: string[];
  /** Lines the actual snapshot has and the expected one lacks. */
  onlyActual: string[];
}

export function snapshotDiff(expected: readonly string[], actual: readonly string[]): SnapshotDiff {
  const count = (lines: readonly string[]) => {
    const m = new Map<string, number>();
    for (const line of lines) m.set(line, (m.get(line) ?? 0) + 1);
    return m;
  };
  const e = count(expected);
  const a = count(actual);
  const onlyIn = (x: Map<string, number>, y: Map<string, number>) => [...x].filter(([line, n]) => n > (y.get(line) ?? 0)).map(([line]) => line);
  return { onlyExpected: onlyIn(e, a), onlyActual: onlyIn(a, e) };
}

export const sameSnapshot = (d: SnapshotDiff) => d.onlyExpected.length === 0 && d.onlyActual.length === 0;

/** A readable diff: each differing object once, its lines on both sides (long definitions cut to the first difference). */
export function formatSnapshotDiff(d: SnapshotDiff, { expected = 'expected', actual = 'actual', limit = 25 } = {}): string {
  const show = (lines: string[]) =>
    lines.slice(0, limit).map((l) => `    ${l.replace(/\n/g, '\n      ')}`).join('\n') +
    (lines.length > limit ? `\n    … and ${lines.length - limit} more` : '');
  return [
    `  only in ${expected} (${d.onlyExpected.length}):`,
    d.onlyExpected.length ? show(d.onlyExpected) : '    (none)',
    `  only in ${actual} (${d.onlyActual.length}):`,
    d.onlyActual.length ? show(d.onlyActual) : '    (none)',
  ].join('\n');
}

export interface PgDeltaResult {
  same: boolean;
  /** `pgdelta diff`'s summary (verbs, kinds and the objects), without its extraction warnings. */
  summary: string;
  /** The SQL `pgdelta plan` + `render` would run to turn source into desired; empty when the same. */
  sql: string;
}

/** Supabase's diff engine between two live databases: source is what we have, desired what it should be. */
export async function pgDeltaDiff(sourceUrl: string, desiredUrl: string): Promise<PgDeltaResult> {
  const env = { ...process.env, NO_COLOR: '1' };
  const diff = await run(PGDELTA, ['diff', '--source', sourceUrl, '--desired', desiredUrl], { allowFailure: true, env });
  if (diff.code !== 0) throw new Error(`pgdelta diff exited with ${diff.code}:\n${diff.stderr.trim() || diff.stdout.trim()}`);
  const summary = diff.stdout.trim();
  if (/No differences found\./.test(summary)) return { same: true, summary, sql: '' };
  const dir = mkdtempSync(path.join(tmpdir(), 'pgdelta-'));
  try {
    const plan = path.join(dir, 'plan.json');
    await run(PGDELTA, ['plan', '--source', sourceUrl, '--desired', desiredUrl, '--out', plan], { env });
    await run(PGDELTA, ['render', '--plan', plan, '--out', path.join(dir, 'plan.sql'), '--allow-drops'], { env });
    const sql = readFileSync(path.join(dir, 'plan.sql'), 'utf8').replace(/^set local check_function_bodies = off;\s*/m, '').trim();
    return { same: false, summary, sql };
  } catch (err) {
    return { same: false, summary, sql: `(pgdelta plan/render failed: ${err instanceof Error ? err.message : String(err)})` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ENVIRONMENT_SNAPSHOT = `
select jsonb_build_object(
  'databases', (select jsonb_agg(datname order by datname) from pg_database),
  'schemas', (select jsonb_agg(nspname order by nspname) from pg_namespace where nspname not like 'pg_temp_%' and nspname not like 'pg_toast_temp_%'),
  'extensions', (select jsonb_agg(extname || ' ' || extversion order by extname) from pg_extension),
  'roles', (select jsonb_agg(rolname order by rolname) from pg_roles),
  'auth.users', (select count(*) from auth.users),
  'public', (select jsonb_object_agg(c.relname, (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I.%I', n.nspname, c.relname), false, true, '')))[1]::text)
               from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r'),
  'publication', (select jsonb_agg(schemaname || '.' || tablename order by 1) from pg_publication_tables where pubname = 'supabase_realtime')
) as snapshot`;

/** What a run may leave behind besides the schema: databases, schemas, extensions, roles, row counts, the publication. */
export async function environmentSnapshot(url: string): Promise<unknown> {
  return (await query<{ snapshot: unknown }>(url, ENVIRONMENT_SNAPSHOT))[0]!.snapshot;
}
