-- Rollback of 20261203140200_status_history_digests_and_verification.sql: drops the digests (and their heads), the digest, verification and publishing functions and their types. Digests already copied out of the database stay valid records of the history as it was. Run it with:
--   npm run db:rollback -- 20261203140200
-- squawk-ignore-file ban-drop-table,ban-drop-column
set lock_timeout = '3s';
set statement_timeout = '10min';

drop function if exists public.status_history_digest();
drop function if exists public.verify_status_history(jsonb);
drop function if exists public.claim_status_history_digests(integer, interval);
drop function if exists public.complete_status_history_digests(bigint[], uuid);
drop function if exists public.fail_status_history_digests(bigint[], uuid, text);
drop function if exists public.requeue_status_history_digests(bigint[]);
drop type if exists public.claimed_status_history_digest;
drop type if exists public.failed_status_history_digest;
drop function if exists private.status_history_digest_root(bigint, timestamptz, bigint, bigint, bigint, bigint, bytea, bytea, bytea);
drop function if exists private.status_history_erasures_hash(bigint, bigint);
drop function if exists private.status_history_heads_hash(bigint);
drop table if exists private.status_history_digest_heads;
drop table if exists public.status_history_digests;
drop function if exists private.keep_status_history_digests_append_only();
