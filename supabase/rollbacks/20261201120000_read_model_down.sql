-- Rollback of 20261201120000_read_model.sql: drops the read model's views, function and private helpers. Nothing else depends on it; no table changes. Run it with:
--   npm run db:rollback -- 20261201120000
set lock_timeout = '3s';
set statement_timeout = '10min';

drop function if exists public.mentors_expiring_within(integer);
drop view if exists public.my_mentor_card;
drop view if exists public.coordinator_board;
drop view if exists public.mentor_cards;
drop view if exists public.mentor_status_timeline;
drop function if exists private.history_job_name(bigint);
drop function if exists private.history_actor_name(bigint);
drop function if exists private.mentor_directory(uuid);
