// Reads what the generators need from the PostgreSQL catalog, through `pg`. The queries follow the ones
// `supabase gen types typescript` runs (postgres-meta, now @supabase/postgrest-typegen), narrowed to the
// schemas we expose, plus the check constraints the zod schemas turn into validation.
import pg from 'pg';
import { viewRelationships, type ViewDefinition, type KeyConstraint } from './view-relationships.ts';

export type RelationKind = 'table' | 'foreign_table' | 'view' | 'materialized_view';

export interface Relation {
  id: number;
  schema: string;
  name: string;
  kind: RelationKind;
  /** Views: auto-updatable for INSERT and UPDATE (information_schema's definition). */
  isUpdatable: boolean;
  /** Views: accept INSERT / UPDATE, counting INSTEAD OF triggers and rules. */
  isInsertEnabled: boolean;
  isUpdateEnabled: boolean;
}

export interface Column {
  tableId: number;
  schema: string;
  table: string;
  name: string;
  attnum: number;
  defaultValue: string | null;
  /** The type name (a domain's base type name), e.g. `uuid`, `_text`, `mentor_status`. */
  format: string;
  typeSchema: string;
  /** atttypmod: the declared length of varchar(n) / char(n) is typmod - 4; -1 when none. */
  typmod: number;
  isIdentity: boolean;
  identityGeneration: 'ALWAYS' | 'BY DEFAULT' | null;
  isGenerated: boolean;
  isNullable: boolean;
  isUpdatable: boolean;
}

export interface Relationship {
  foreignKeyName: string;
  schema: string;
  relation: string;
  columns: string[];
  isOneToOne: boolean;
  referencedSchema: string;
  referencedRelation: string;
  referencedColumns: string[];
}

export type ArgMode = 'in' | 'out' | 'inout' | 'variadic' | 'table';

export interface FunctionArg {
  mode: ArgMode;
  name: string;
  typeId: number;
  hasDefault: boolean;
}

export interface PgFunction {
  id: number;
  schema: string;
  name: string;
  args: FunctionArg[];
  /** pg_get_function_arguments() */
  argumentTypes: string;
  identityArgumentTypes: string;
  returnTypeId: number;
  /** pg_get_function_result() */
  returnType: string;
  returnTypeRelationId: number | null;
  isSetReturning: boolean;
  /** The planner's row estimate of a set-returning function (ROWS), else null. */
  prorows: number | null;
}

export interface PgType {
  id: number;
  name: string;
  schema: string;
  format: string;
  enums: string[];
  attributes: { name: string; typeId: number }[];
  typeRelationId: number | null;
}

export interface CheckConstraint {
  tableId: number;
  name: string;
  columns: string[];
  /** pg_get_constraintdef(oid, true), e.g. `CHECK (char_length(status_reason) <= 500)` */
  definition: string;
  validated: boolean;
}

export interface Metadata {
  schemas: string[];
  relations: Relation[];
  columns: Column[];
  relationships: Relationship[];
  functions: PgFunction[];
  types: PgType[];
  checks: CheckConstraint[];
}

const RELATIONS_SQL = `
select c.oid::int8 as id, n.nspname as schema, c.relname as name,
       case c.relkind when 'r' then 'table' when 'p' then 'table' when 'f' then 'foreign_table'
                      when 'v' then 'view' else 'materialized_view' end as kind,
       c.relkind = 'v' and (pg_relation_is_updatable(c.oid, false) & 20) = 20 as is_updatable,
       c.relkind = 'v' and (pg_relation_is_updatable(c.oid, true) & 8) = 8 as is_insert_enabled,
       c.relkind = 'v' and (pg_relation_is_updatable(c.oid, true) & 4) = 4 as is_update_enabled
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
 where n.nspname = any ($1::text[])
   and c.relkind in ('r', 'p', 'f', 'v', 'm')`;

// Adapted from information_schema.columns, as postgres-meta does.
const COLUMNS_SQL = `
select c.oid::int8 as table_id, nc.nspname as schema, c.relname as table, a.attname as name, a.attnum::int as attnum,
       case when a.atthasdef then pg_get_expr(ad.adbin, ad.adrelid) end as default_value,
       coalesce(bt.typname, t.typname) as format,
       coalesce(nbt.nspname, nt.nspname) as type_schema,
       case when t.typtype = 'd' then t.typtypmod else a.atttypmod end as typmod,
       a.attidentity in ('a', 'd') as is_identity,
       case a.attidentity when 'a' then 'ALWAYS' when 'd' then 'BY DEFAULT' end as identity_generation,
       a.attgenerated <> '' as is_generated,
       not (a.attnotnull or (t.typtype = 'd' and t.typnotnull)) as is_nullable,
       (c.relkind in ('r', 'p')
         or (c.relkind in ('v', 'f') and (
               pg_column_is_updatable(c.oid, a.attnum, false)
               or exists (select 1 from pg_trigger tg
                           where tg.tgrelid = c.oid and tg.tgtype & 64 <> 0 and tg.tgtype & 20 <> 0
                             and not tg.tgisinternal)
               or exists (select 1 from pg_rewrite rw
                           where rw.ev_class = c.oid and rw.is_instead and rw.ev_type in ('2', '3')
                             and rw.ev_qual::text = '<>')))) as is_updatable
  from pg_attribute a
  left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
  join pg_class c on c.oid = a.attrelid
  join pg_namespace nc on nc.oid = c.relnamespace
  join pg_type t on t.oid = a.atttypid
  join pg_namespace nt on nt.oid = t.typnamespace
  left join (pg_type bt join pg_namespace nbt on nbt.oid = bt.typnamespace)
    on t.typtype = 'd' and bt.oid = t.typbasetype
 where nc.nspname = any ($1::text[])
   and c.relkind in ('r', 'p', 'f', 'v', 'm')
   and a.attnum > 0
   and not a.attisdropped`;

// Foreign keys, and whether their columns are also a primary key or unique key of the referencing table
// (one-to-one). Adapted from PostgREST's schema cache, as postgres-meta does.
const RELATIONSHIPS_SQL = `
with pks_uniques_cols as (
  select conrelid, jsonb_agg(column_info.cols) as cols
    from pg_constraint
    join lateral (
      select array_agg(cols.attname order by cols.attnum) as cols
        from (select unnest(conkey) as col) _
        join pg_attribute cols on cols.attrelid = conrelid and cols.attnum = col
    ) column_info on true
   where contype in ('p', 'u')
   group by conrelid
)
select traint.conname as foreign_key_name,
       ns1.nspname as schema, tab.relname as relation, column_info.cols as columns,
       ns2.nspname as referenced_schema, other.relname as referenced_relation, column_info.refs as referenced_columns,
       coalesce(column_info.cols in (select * from jsonb_array_elements(pks_uqs.cols)), false) as is_one_to_one
  from pg_constraint traint
  join lateral (
    select jsonb_agg(cols.attname order by ord) as cols, jsonb_agg(refs.attname order by ord) as refs
      from unnest(traint.conkey, traint.confkey) with ordinality as _(col, ref, ord)
      join pg_attribute cols on cols.attrelid = traint.conrelid and cols.attnum = col
      join pg_attribute refs on refs.attrelid = traint.confrelid and refs.attnum = ref
  ) as column_info on true
  join pg_namespace ns1 on ns1.oid = traint.connamespace
  join pg_class tab on tab.oid = traint.conrelid
  join pg_class other on other.oid = traint.confrelid
  join pg_namespace ns2 on ns2.oid = other.relnamespace
  left join pks_uniques_cols pks_uqs on pks_uqs.conrelid = traint.conrelid
 where traint.contype = 'f'
   and traint.conparentid = 0
   and ns1.nspname = any ($1::text[])`;

// The view definitions (the `_RETURN` rule's query tree) and every primary and foreign key, from which
// the relationships through views are derived (see view-relationships.ts).
const VIEW_DEFINITIONS_SQL = `
select c.oid::int8 as view_id, n.nspname as view_schema, c.relname as view_name, r.ev_action::text as definition
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  join pg_rewrite r on r.ev_class = c.oid and r.rulename = '_RETURN'
 where c.relkind in ('v', 'm')
   and n.nspname = any ($1::text[])`;

const KEY_CONSTRAINTS_SQL = `
select con.conname as name, con.contype as type,
       con.conrelid::int8 as table_id, tn.nspname as table_schema, t.relname as table_name,
       (select array_agg(a.attnum::int order by k.ord) from unnest(con.conkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as table_attnums,
       (select array_agg(a.attname::text order by k.ord) from unnest(con.conkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as table_columns,
       con.confrelid::int8 as referenced_id, rn.nspname as referenced_schema, r.relname as referenced_name,
       (select array_agg(a.attnum::int order by k.ord) from unnest(con.confkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) as referenced_attnums,
       (select array_agg(a.attname::text order by k.ord) from unnest(con.confkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) as referenced_columns
  from pg_constraint con
  join pg_class t on t.oid = con.conrelid
  join pg_namespace tn on tn.oid = t.relnamespace
  left join pg_class r on r.oid = con.confrelid
  left join pg_namespace rn on rn.oid = r.relnamespace
 where con.contype in ('p', 'f')`;

// Functions (not procedures or aggregates), with every argument including OUT and TABLE ones.
const FUNCTIONS_SQL = `
with functions as (
  select p.*,
         coalesce(p.proargmodes, array_fill('i'::"char", array[cardinality(coalesce(p.proallargtypes, p.proargtypes::oid[]))])) as arg_modes,
         coalesce(p.proargnames, array_fill(''::text, array[cardinality(coalesce(p.proallargtypes, p.proargtypes::oid[]))])) as arg_names,
         coalesce(p.proallargtypes, p.proargtypes::oid[]) as arg_types,
         array_cat(array_fill(false, array[p.pronargs - p.pronargdefaults]), array_fill(true, array[p.pronargdefaults])) as arg_has_defaults
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
   where n.nspname = any ($1::text[])
     and p.prokind = 'f'
)
select f.oid::int8 as id, n.nspname as schema, f.proname as name,
       coalesce((
         select jsonb_agg(jsonb_build_object(
                  'mode', case a.mode when 'i' then 'in' when 'o' then 'out' when 'b' then 'inout'
                                      when 'v' then 'variadic' else 'table' end,
                  'name', a.name, 'typeId', a.type_id::int8, 'hasDefault', coalesce(a.has_default, false))
                order by a.ord)
           from unnest(f.arg_modes, f.arg_names, f.arg_types, f.arg_has_defaults)
                with ordinality a(mode, name, type_id, has_default, ord)), '[]') as args,
       pg_get_function_arguments(f.oid) as argument_types,
       pg_get_function_identity_arguments(f.oid) as identity_argument_types,
       f.prorettype::int8 as return_type_id,
       pg_get_function_result(f.oid) as return_type,
       nullif(rt.typrelid::int8, 0) as return_type_relation_id,
       f.proretset as is_set_returning_function,
       case when f.proretset then nullif(f.prorows, 0)::float8 end as prorows
  from functions f
  join pg_namespace n on n.oid = f.pronamespace
  left join pg_type rt on rt.oid = f.prorettype
 where rt.typname is distinct from 'trigger'
   and rt.typname is distinct from 'event_trigger'`;

// Every type of every schema (row types and array types included): a column may use any of them.
const TYPES_SQL = `
select t.oid::int8 as id, t.typname as name, n.nspname as schema, format_type(t.oid, null) as format,
       coalesce((select jsonb_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '[]') as enums,
       coalesce((select jsonb_agg(jsonb_build_object('name', a.attname, 'typeId', a.atttypid::int8) order by a.attnum)
                   from pg_class c join pg_attribute a on a.attrelid = c.oid
                  where c.oid = t.typrelid and c.relkind = 'c' and a.attnum > 0 and not a.attisdropped), '[]') as attributes,
       nullif(t.typrelid::int8, 0) as type_relation_id
  from pg_type t
  join pg_namespace n on n.oid = t.typnamespace
 where t.typrelid = 0
    or (select c.relkind in ('c', 'r', 'v', 'm', 'p', 'f') from pg_class c where c.oid = t.typrelid)`;

const CHECKS_SQL = `
select con.conrelid::int8 as table_id, con.conname as name, con.convalidated as validated,
       pg_get_constraintdef(con.oid, true) as definition,
       (select array_agg(a.attname::text order by a.attnum) from pg_attribute a
         where a.attrelid = con.conrelid and a.attnum = any (con.conkey)) as columns
  from pg_constraint con
  join pg_class c on c.oid = con.conrelid
  join pg_namespace n on n.oid = c.relnamespace
 where con.contype = 'c'
   and n.nspname = any ($1::text[])`;

/** int8 as a JS number (oids, identities and counts here are far below 2^53). */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

async function rows<T>(client: pg.Client, sql: string, params: unknown[] = []): Promise<T[]> {
  try {
    return (await client.query(sql, params)).rows as T[];
  } catch (err) {
    throw new Error(`introspection query failed: ${err instanceof Error ? err.message : String(err)}\n${sql}`);
  }
}

/** Introspects `schemas` (by default only `public`, the schema the Data API exposes). */
export async function introspect(url: string, schemas: string[] = ['public']): Promise<Metadata> {
  const client = new pg.Client({ connectionString: url, types: TYPES });
  await client.connect();
  try {
    // Type names in function signatures and row types are qualified relative to the search path: pin it to
    // Supabase's default, so the output does not depend on the connecting role's settings.
    await client.query(`set search_path = "$user", public, extensions`);
    const found = await rows<{ nspname: string }>(client, 'select nspname from pg_namespace where nspname = any ($1::text[])', [schemas]);
    const missing = schemas.filter((s) => !found.some((f) => f.nspname === s));
    if (missing.length > 0) throw new Error(`schema(s) not found in the database: ${missing.join(', ')}`);

    const relations = (await rows<Record<string, unknown>>(client, RELATIONS_SQL, [schemas])).map(
      (r): Relation => ({
        id: r.id as number,
        schema: r.schema as string,
        name: r.name as string,
        kind: r.kind as RelationKind,
        isUpdatable: r.is_updatable as boolean,
        isInsertEnabled: r.is_insert_enabled as boolean,
        isUpdateEnabled: r.is_update_enabled as boolean,
      }),
    );
    const columns = (await rows<Record<string, unknown>>(client, COLUMNS_SQL, [schemas])).map(
      (r): Column => ({
        tableId: r.table_id as number,
        schema: r.schema as string,
        table: r.table as string,
        name: r.name as string,
        attnum: r.attnum as number,
        defaultValue: r.default_value as string | null,
        format: r.format as string,
        typeSchema: r.type_schema as string,
        typmod: r.typmod as number,
        isIdentity: r.is_identity as boolean,
        identityGeneration: r.identity_generation as Column['identityGeneration'],
        isGenerated: r.is_generated as boolean,
        isNullable: r.is_nullable as boolean,
        isUpdatable: r.is_updatable as boolean,
      }),
    );
    const tableRelationships = (await rows<Record<string, unknown>>(client, RELATIONSHIPS_SQL, [schemas])).map(
      (r): Relationship => ({
        foreignKeyName: r.foreign_key_name as string,
        schema: r.schema as string,
        relation: r.relation as string,
        columns: r.columns as string[],
        isOneToOne: r.is_one_to_one as boolean,
        referencedSchema: r.referenced_schema as string,
        referencedRelation: r.referenced_relation as string,
        referencedColumns: r.referenced_columns as string[],
      }),
    );
    const views = (await rows<Record<string, unknown>>(client, VIEW_DEFINITIONS_SQL, [schemas])).map(
      (r): ViewDefinition => ({
        id: r.view_id as number,
        schema: r.view_schema as string,
        name: r.view_name as string,
        definition: r.definition as string,
      }),
    );
    const keys =
      views.length === 0
        ? []
        : (await rows<Record<string, unknown>>(client, KEY_CONSTRAINTS_SQL)).map(
            (r): KeyConstraint => ({
              name: r.name as string,
              type: r.type as 'p' | 'f',
              tableId: r.table_id as number,
              tableSchema: r.table_schema as string,
              tableName: r.table_name as string,
              tableAttnums: (r.table_attnums as number[] | null) ?? [],
              tableColumns: (r.table_columns as string[] | null) ?? [],
              referencedId: r.referenced_id as number,
              referencedSchema: r.referenced_schema as string | null,
              referencedName: r.referenced_name as string | null,
              referencedAttnums: (r.referenced_attnums as number[] | null) ?? [],
              referencedColumns: (r.referenced_columns as string[] | null) ?? [],
            }),
          );
    const relationships = [
      ...tableRelationships,
      ...viewRelationships(tableRelationships, views, columns, keys, schemas),
    ];
    const functions = (await rows<Record<string, unknown>>(client, FUNCTIONS_SQL, [schemas])).map(
      (r): PgFunction => ({
        id: r.id as number,
        schema: r.schema as string,
        name: r.name as string,
        args: r.args as FunctionArg[],
        argumentTypes: r.argument_types as string,
        identityArgumentTypes: r.identity_argument_types as string,
        returnTypeId: r.return_type_id as number,
        returnType: r.return_type as string,
        returnTypeRelationId: r.return_type_relation_id as number | null,
        isSetReturning: r.is_set_returning_function as boolean,
        prorows: r.prorows as number | null,
      }),
    );
    const types = (await rows<Record<string, unknown>>(client, TYPES_SQL)).map(
      (r): PgType => ({
        id: r.id as number,
        name: r.name as string,
        schema: r.schema as string,
        format: r.format as string,
        enums: r.enums as string[],
        attributes: r.attributes as PgType['attributes'],
        typeRelationId: r.type_relation_id as number | null,
      }),
    );
    const checks = (await rows<Record<string, unknown>>(client, CHECKS_SQL, [schemas])).map(
      (r): CheckConstraint => ({
        tableId: r.table_id as number,
        name: r.name as string,
        columns: (r.columns as string[] | null) ?? [],
        definition: r.definition as string,
        validated: r.validated as boolean,
      }),
    );
    return { schemas: [...schemas], relations, columns, relationships, functions, types, checks };
  } finally {
    await client.end();
  }
}
