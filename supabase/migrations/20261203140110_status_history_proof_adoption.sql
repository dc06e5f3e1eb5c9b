-- Issue 19, step 1 (second of three, see 20261203140100's header): the rows that exist are proven, once, with no
-- lock that makes a writer wait. Behaviour as private.prove_status_history(): each row without a proof gets the
-- pseudonyms of its changed_by / job_run_id, proof_origin 'adopted' and its proof, chained on its predecessor's
-- (by (changed_at, id), per mentor), rows that have one are left alone. The difference is the locking:
--   * the chains are computed in a temporary table, position by position, not in the history;
--   * the history is then written by one UPDATE that takes ROW EXCLUSIVE, as the app's own writers do, and the
--     rows' own locks. Its append-only trigger stays on (ALTER TABLE ... DISABLE TRIGGER would take SHARE ROW
--     EXCLUSIVE until commit, i.e. stop every writer of peer_mentors for the whole migration): it lets this UPDATE
--     through, since it changes none of the columns it guards (id, mentor, statuses, changed_at, reason, actors).
-- History rows are append-only and status_changed_at grows per mentor, so the app, still on the old triggers,
-- only adds rows at the end of chains, without a proof: a second pass proves those committed during the first,
-- and 20261203140120 proves the last few under its short lock before its writers prove their own rows.
-- Waits for it: only a transaction deleting a mentor or a user whose history rows it is updating (the cascade and
-- ON DELETE SET NULL write those rows), for the rest of this transaction.
set lock_timeout = '3s';
set statement_timeout = '30min';

do $$
declare
  v_positions bigint;
begin
  -- One sort and hash per pass over up to every history row: more memory than the default, for this transaction.
  perform pg_catalog.set_config('work_mem', '64MB', true);
  for v_pass in 1..2 loop
    -- Every row of each mentor that has a row without a proof, with its chain position; a first row's proof (no
    -- predecessor) is computed here. Dynamic statements: the temporary table is made and dropped per pass.
    execute '
      create temporary table status_history_adoption_140110 on commit drop as
      select c.id, c.mentor_id, c.position, c.unproven, c.changed_by_pseudonym, c.job_run_pseudonym,
             c.previous_status, c.new_status, c.changed_at, c.reason,
             case when c.unproven and c.position = 1
                  then private.status_history_proof(null, c.id, c.mentor_id, c.previous_status, c.new_status,
                         c.changed_at, c.reason, c.changed_by_pseudonym, c.job_run_pseudonym, ''adopted'')
                  else c.proof end as proof
        from (select h.id, h.mentor_id, h.proof is null as unproven, h.proof,
                     private.status_history_pseudonym(h.changed_by) as changed_by_pseudonym,
                     private.status_history_pseudonym(h.job_run_id) as job_run_pseudonym,
                     h.previous_status, h.new_status, h.changed_at, h.reason,
                     pg_catalog.row_number() over (partition by h.mentor_id order by h.changed_at, h.id) as position
                from public.peer_mentor_status_history h
               where h.mentor_id in (select u.mentor_id from public.peer_mentor_status_history u where u.proof is null)) c';
    execute 'create index on pg_temp.status_history_adoption_140110 (mentor_id, position)';
    execute 'analyze pg_temp.status_history_adoption_140110';
    execute 'select coalesce(pg_catalog.max(a.position), 0) from pg_temp.status_history_adoption_140110 a where a.unproven'
      into v_positions;
    -- Later positions, each chained on the one before (computed in the pass before, or stored).
    for p in 2..v_positions loop
      execute '
        update pg_temp.status_history_adoption_140110 a
           set proof = private.status_history_proof(pa.proof, a.id, a.mentor_id, a.previous_status, a.new_status,
                         a.changed_at, a.reason, a.changed_by_pseudonym, a.job_run_pseudonym, ''adopted'')
          from pg_temp.status_history_adoption_140110 pa
         where a.position = $1
           and a.unproven
           and pa.mentor_id = a.mentor_id
           and pa.position = a.position - 1'
        using p;
    end loop;
    -- One UPDATE of the history: ROW EXCLUSIVE, as the app's writers; rows proven meanwhile are left alone.
    execute '
      update public.peer_mentor_status_history h
         set changed_by_pseudonym = a.changed_by_pseudonym,
             job_run_pseudonym = a.job_run_pseudonym,
             proof_origin = ''adopted'',
             proof = a.proof
        from pg_temp.status_history_adoption_140110 a
       where a.unproven
         and h.id = a.id
         and h.proof is null';
    execute 'drop table pg_temp.status_history_adoption_140110';
  end loop;
end
$$;
