-- set_mentor_status: a status change that says when it changed nothing. Issue 17.
--
-- Through the Data API an UPDATE of a mentor the caller may not see (not its own row, not a mentor it is
-- responsible for) or that does not exist is not an error: RLS filters the row out and the statement changes
-- 0 rows, which PostgREST answers with 204 (or `[]` with `.select()`). An app that ignores the row count cannot
-- tell that from "done". This function changes one mentor's status and reason and returns the row as it now is,
-- or raises PM401 when no row was changed. PM401 is the same for "not yours" and "not there": telling them apart
-- would reveal that a mentor the caller may not see exists (contract: nothing reachable by an API role reveals
-- mentors it may not see, not even their existence).
--
-- security invoker: it is exactly the caller's UPDATE, so RLS, the column grants and the status rules (PM101,
-- PM102, PM104, ...) apply unchanged, and the history and the notifications are written by the triggers as for a
-- direct update. Direct updates keep working. Executable by authenticated and service_role, not by anon.
-- A new function only: no table is changed, no lock beyond the catalog's.
set lock_timeout = '3s';
set statement_timeout = '10min';

create function public.set_mentor_status(p_mentor_id uuid, p_status public.mentor_status, p_reason text default null)
returns public.peer_mentors
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_row public.peer_mentors;
begin
  update public.peer_mentors pm
     set status = p_status,
         status_reason = p_reason
   where pm.id = p_mentor_id
  returning pm.* into v_row;
  if not found then
    raise exception 'no mentor % that you may change (not yours, or not there)', coalesce(p_mentor_id::text, 'null')
      using errcode = 'PM401',
            hint = 'a signed-in caller changes its own mentor row, or the mentors it is responsible for as a coordinator; an id it may not see looks the same as one that does not exist';
  end if;
  return v_row;
end;
$$;
comment on function public.set_mentor_status(uuid, public.mentor_status, text) is
  'Sets one mentor''s status and status_reason (null clears the reason) as the caller, exactly as a direct UPDATE would (RLS, column grants, status rules, history, notifications), and returns the mentor row as it now is. PM401 when the caller may not change that mentor or it does not exist (the same error for both, so it reveals nothing). Setting the status it already has with the same reason changes nothing and returns the row.';

revoke all on function public.set_mentor_status(uuid, public.mentor_status, text) from public, anon, authenticated, service_role;
grant execute on function public.set_mentor_status(uuid, public.mentor_status, text) to authenticated, service_role;
