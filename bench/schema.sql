-- Benchmark scaffolding, created in the benchmark's own database only (never a migration).
--
--   bench.uuid_of(kind, n)          deterministic ids, so pgbench scripts and the report can name rows
--   bench.mentor_snapshot / marks   what `reset.sql` restores between repetitions
--   bench.time_reads(...)           runs one query many times server-side and returns ms per execution
--   grants                          the service role may read the responsibility relation (baselines)
create schema bench;
comment on schema bench is 'Benchmark scaffolding (npm run bench). Never part of the migrations.';

create function bench.uuid_of(p_kind text, p_n bigint) returns uuid
language sql
immutable
parallel safe
set search_path = ''
as $$
  select pg_catalog.md5(p_kind || ':' || p_n)::uuid;
$$;
comment on function bench.uuid_of(text, bigint) is 'Deterministic uuid for the n-th seeded row of a kind (mentor, mentor-user, coordinator, chapter, org).';

create table bench.mentor_snapshot (
  id uuid primary key,
  status public.mentor_status not null,
  status_reason text,
  status_changed_at timestamptz
);
comment on table bench.mentor_snapshot is 'The mentors as seeded; reset.sql puts them back without writing history.';

create table bench.trigger_states (
  relid regclass not null,
  tgname name not null,
  tgenabled "char" not null,
  primary key (relid, tgname)
);
comment on table bench.trigger_states is
  'The user triggers of the benchmarked tables as shipped (O enabled, A enabled always, R replica, D disabled); bench.restore_triggers() puts them back after a measurement disabled or swapped some.';

create procedure bench.restore_triggers()
language plpgsql
set search_path = ''
as $$
declare
  r record;
begin
  for r in
    select s.relid, s.tgname, s.tgenabled
      from bench.trigger_states s
      join pg_catalog.pg_trigger t on t.tgrelid = s.relid and t.tgname = s.tgname
     where t.tgenabled <> s.tgenabled
  loop
    execute pg_catalog.format('alter table %s %s trigger %I', r.relid,
      case r.tgenabled when 'O' then 'enable' when 'A' then 'enable always' when 'R' then 'enable replica' else 'disable' end,
      r.tgname);
  end loop;
end;
$$;
comment on procedure bench.restore_triggers() is 'Puts every trigger recorded in bench.trigger_states back in its recorded state.';

create table bench.marks (
  name text primary key,
  value bigint not null
);
comment on table bench.marks is 'High-water marks of the seeded data (history and notification ids); reset.sql deletes everything above them.';

-- Runs p_sql p_iterations times, cycling through p_claims (request.jwt.claims) and p_mentors ($1) /
-- p_coordinators ($2), and returns milliseconds per execution. Two modes:
--   p_prepared = false: plpgsql EXECUTE, planned every time (an ad-hoc query), every row fetched;
--   p_prepared = true:  PREPARE once, then EXECUTE the prepared statement (the plan cache at work, as for
--                       PostgREST, which prepares its statements); the rows are produced and discarded.
-- Security invoker: the caller's role and RLS apply.
create function bench.time_reads(
  p_sql text,
  p_claims text[],
  p_mentors uuid[],
  p_coordinators uuid[],
  p_iterations integer,
  p_prepared boolean
) returns double precision
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_started timestamptz;
  v_n integer := pg_catalog.array_length(p_claims, 1);
  v_k integer;
  v_row record;
  v_rows bigint := 0;
begin
  if p_prepared then
    if exists (select 1 from pg_catalog.pg_prepared_statements where name = 'bench_timed') then
      deallocate bench_timed;
    end if;
    execute 'prepare bench_timed(uuid, uuid) as ' || p_sql;
  end if;
  v_started := pg_catalog.clock_timestamp();
  for i in 0 .. p_iterations - 1 loop
    v_k := i % v_n + 1;
    perform pg_catalog.set_config('request.jwt.claims', p_claims[v_k], true);
    if p_prepared then
      execute pg_catalog.format('execute bench_timed(%L, %L)', p_mentors[v_k], p_coordinators[v_k]);
      v_rows := v_rows + 1;
    else
      for v_row in execute p_sql using p_mentors[v_k], p_coordinators[v_k] loop
        v_rows := v_rows + 1;
      end loop;
    end if;
  end loop;
  if p_prepared then
    deallocate bench_timed;
  end if;
  if v_rows = 0 then
    raise exception 'bench.time_reads: the query returned no rows at all: %', p_sql;
  end if;
  return extract(epoch from pg_catalog.clock_timestamp() - v_started) * 1000.0 / p_iterations;
end;
$$;
comment on function bench.time_reads(text, text[], uuid[], uuid[], integer, boolean) is
  'Milliseconds per execution of p_sql (unprepared: planning + execution + fetching; prepared: execution of a prepared statement), cycling through the given claims and parameters.';

grant usage on schema bench to authenticated, service_role;
grant execute on function bench.time_reads(text, text[], uuid[], uuid[], integer, boolean) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- The service role's baselines read the same responsibility relation as RLS does (private.responsibilities
-- and its two tables). The migrations grant it to nobody; in the benchmark's database only, the service role
-- (BYPASSRLS) may read it, so "the equivalent explicit filter" is written against the same data.
-- ---------------------------------------------------------------------------------------------------------
do $$
begin
  if pg_catalog.to_regclass('private.responsibilities') is not null then
    grant usage on schema private to service_role;
    grant select on private.responsibilities, private.mentor_scopes, private.coordinator_scopes to service_role;
  end if;
end
$$;
