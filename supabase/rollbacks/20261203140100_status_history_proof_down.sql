-- Rollback of 20261203140100_status_history_proof.sql: the history loses its proof columns (and the proofs in them), the encoding functions and private.prove_status_history(). The role status_history_writer is dropped unless another database of the cluster still uses it. Run it (after 20261203140120's and 20261203140110's) with:
--   npm run db:rollback -- 20261203140100
-- squawk-ignore-file ban-drop-column
set lock_timeout = '3s';
set statement_timeout = '10min';

-- The history only (DROP COLUMN's ACCESS EXCLUSIVE), with NOWAIT, retried for up to a minute: see 20261203140100.
do $$
declare
  v_deadline timestamptz := pg_catalog.clock_timestamp() + interval '1 minute';
begin
  loop
    begin
      lock table public.peer_mentor_status_history in access exclusive mode nowait;
      exit;
    exception when lock_not_available then
      if pg_catalog.clock_timestamp() > v_deadline then
        lock table public.peer_mentor_status_history in access exclusive mode;
        exit;
      end if;
      perform pg_catalog.pg_sleep(0.02);
    end;
  end loop;
end
$$;

drop function if exists private.prove_status_history();

drop function if exists private.status_history_proof(bytea, bigint, uuid, public.mentor_status, public.mentor_status, timestamptz, text, bytea, bytea, text);
drop function if exists private.status_history_pseudonym(uuid);
alter table public.peer_mentor_status_history
  drop column if exists changed_by_pseudonym,
  drop column if exists job_run_pseudonym,
  drop column if exists proof_origin,
  drop column if exists proof;

-- The role is the cluster's: dropped only where nothing else (another database's objects) depends on it.
do $$
begin
  drop role if exists status_history_writer;
exception when dependent_objects_still_exist then
  raise notice 'status_history_writer is still used by another database of this cluster: kept';
end
$$;
