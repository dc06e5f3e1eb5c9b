// What types/schemas.ts is built from: the generator's own metadata (postgres-meta's getGeneratorMetadata, the
// same introspection that prints types/database.ts, so the two files cannot read different schemas), plus the
// three things upstream does not read: check constraints, varchar/char lengths and column-level UPDATE grants.
import { EventEmitter } from 'node:events';
import { PostgresMeta } from '@supabase/postgres-meta';
import { getGeneratorMetadata } from '@supabase/postgres-meta/dist/lib/generators.js';
import { withClient } from '../lib/database.ts';

export type GeneratorMetadata = NonNullable<Awaited<ReturnType<typeof getGeneratorMetadata>>['data']>;
export type Column = GeneratorMetadata['columns'][number];
export type PgType = GeneratorMetadata['types'][number];

export interface CheckConstraint {
  tableId: number;
  name: string;
  /** pg_get_constraintdef(oid, true) */
  definition: string;
  columns: string[];
  validated: boolean;
}

export interface Extras {
  checks: CheckConstraint[];
  /** `${table_id}.${column}` -> atttypmod, for varchar(n) / char(n) columns */
  typmods: Map<string, number>;
  /** `${table_id}` -> the columns each API role may UPDATE (table-level or column-level grant) */
  updatable: Map<string, Map<string, string[]>>;
}

export interface Metadata extends GeneratorMetadata {
  extras: Extras;
}

const API_ROLES = ['anon', 'authenticated', 'service_role'];

export async function readMetadata(url: string, schemas: string[] = ['public']): Promise<Metadata> {
  const pgMeta = new PostgresMeta({ connectionString: url, max: 1 });
  // postgres-meta runs its dozen introspection queries at once on one pool, each adding an error listener:
  // more than Node's default 10, which prints a MaxListenersExceededWarning that means nothing here.
  const defaultMax = EventEmitter.defaultMaxListeners;
  EventEmitter.defaultMaxListeners = 50;
  const { data, error } = await getGeneratorMetadata(pgMeta, { includedSchemas: schemas }).finally(() => {
    EventEmitter.defaultMaxListeners = defaultMax;
  });
  if (error || !data) throw new Error(`postgres-meta could not read the schema: ${error?.message ?? 'no data'}`);
  const extras = await withClient(url, async (client): Promise<Extras> => {
    const checks = await client.query<CheckConstraint>(
      `select c.conrelid::int as "tableId", c.conname as name, pg_get_constraintdef(c.oid, true) as definition,
              array(select a.attname::text from pg_attribute a where a.attrelid = c.conrelid and a.attnum = any (c.conkey)
                     order by a.attname) as columns,
              c.convalidated as validated
         from pg_constraint c join pg_class r on r.oid = c.conrelid join pg_namespace n on n.oid = r.relnamespace
        where c.contype = 'c' and n.nspname = any ($1) order by 1, 2`,
      [schemas],
    );
    const typmods = await client.query<{ key: string; typmod: number }>(
      `select a.attrelid::int || '.' || a.attname as key, a.atttypmod as typmod
         from pg_attribute a join pg_class r on r.oid = a.attrelid join pg_namespace n on n.oid = r.relnamespace
        where n.nspname = any ($1) and a.attnum > 0 and not a.attisdropped and a.atttypmod > 4
          and a.atttypid in ('varchar'::regtype, 'bpchar'::regtype)`,
      [schemas],
    );
    const grants = await client.query<{ table_id: number; role: string; columns: string[] }>(
      `select r.oid::int as table_id, role.rolname as role,
              array(select a.attname::text from pg_attribute a
                     where a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
                       and has_column_privilege(role.oid, r.oid, a.attnum, 'UPDATE')
                     order by a.attname) as columns
         from pg_class r join pg_namespace n on n.oid = r.relnamespace cross join pg_roles role
        where n.nspname = any ($1) and r.relkind in ('r', 'p', 'v') and role.rolname = any ($2)`,
      [schemas, API_ROLES],
    );
    const updatable = new Map<string, Map<string, string[]>>();
    for (const g of grants.rows) {
      const byRole = updatable.get(String(g.table_id)) ?? new Map<string, string[]>();
      byRole.set(g.role, g.columns);
      updatable.set(String(g.table_id), byRole);
    }
    return { checks: checks.rows, typmods: new Map(typmods.rows.map((r) => [r.key, r.typmod])), updatable };
  });
  return { ...data, extras };
}
