-- Rollback of 20261203150050_history_proof_columns_are_append_only_too.sql: the append-only rule no longer covers
-- the proof columns (as 20261203140100 left it). Run it with:
--   npm run db:rollback -- 20261203150050
set lock_timeout = '3s';
set statement_timeout = '1min';

create or replace function private.keep_status_history_append_only() returns trigger
language plpgsql
volatile
security definer -- looks up parents through RLS to recognise the foreign keys' own actions
set search_path = ''
as $$
begin
  if tg_op = 'TRUNCATE' then
    raise exception 'peer_mentor_status_history is append-only: TRUNCATE is not allowed'
      using errcode = 'PM201';
  elsif tg_op = 'DELETE' then
    -- The one delete allowed is mentor_id's ON DELETE CASCADE: by then the mentor is gone.
    if not exists (select 1 from public.peer_mentors where id = old.mentor_id) then
      return old;
    end if;
    raise exception 'peer_mentor_status_history is append-only: rows cannot be deleted (history row %)', old.id
      using errcode = 'PM201',
            hint = 'history goes only with its mentor (GDPR erasure: delete the peer_mentors row)';
  end if;

  -- UPDATE: only ON DELETE SET NULL of changed_by / job_run_id, once that user or job run is gone.
  if new.id = old.id
     and new.mentor_id = old.mentor_id
     and new.previous_status is not distinct from old.previous_status
     and new.new_status = old.new_status
     and new.changed_at = old.changed_at
     and new.reason is not distinct from old.reason
     and (new.changed_by is not distinct from old.changed_by
          or (new.changed_by is null and not exists (select 1 from public.users where id = old.changed_by)))
     and (new.job_run_id is not distinct from old.job_run_id
          or (new.job_run_id is null and not exists (select 1 from public.job_runs where id = old.job_run_id))) then
    return new;
  end if;
  raise exception 'peer_mentor_status_history is append-only: rows cannot be updated (history row %)', old.id
    using errcode = 'PM201';
end;
$$;
comment on function private.keep_status_history_append_only() is
  'Refuses UPDATE, DELETE and TRUNCATE on the history for every role, the owner included, except the foreign keys'' own actions (cascade on mentor deletion; set null when a user or job run is deleted).';
