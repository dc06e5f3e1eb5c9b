-- The history's proof columns are append-only too. keep_status_history_append_only() compared every column the
-- contract lists, but not the four the proof added in 20261203140100 (proof, proof_origin, changed_by_pseudonym,
-- job_run_pseudonym): the owner could rewrite a row's proof with the triggers on, which the contract's
-- "append-only for every role, the owner included (PM201)" forbids (verification would still report it, but
-- the rule is to refuse it). Now a row's proof and what it commits to never change once it has a proof; a row
-- without one (older than the proof, before its adoption) may get one once.
--
-- A function body only: no lock on any table.
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
     -- The proof and what it commits to: set when the row is written (or once, by the adoption of rows older
     -- than the proof), never changed after.
     and (old.proof is null
          or (new.proof = old.proof
              and new.proof_origin is not distinct from old.proof_origin
              and new.changed_by_pseudonym is not distinct from old.changed_by_pseudonym
              and new.job_run_pseudonym is not distinct from old.job_run_pseudonym))
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
  'Refuses UPDATE, DELETE and TRUNCATE on the history for every role, the owner included, except the foreign keys'' own actions (cascade on mentor deletion; set null when a user or job run is deleted). A row''s proof, proof_origin and actor pseudonyms never change once it has a proof.';
