-- Rollback of 20261203130100_functions_are_executable_only_where_granted.sql: PUBLIC's global default EXECUTE on new functions comes back (the per-schema rules of 20261201110000 stay). Functions whose PUBLIC EXECUTE the migration revoked stay revoked: every migration revoked it already, so there is nothing to give back. Run it with:
--   npm run db:rollback -- 20261203130100
set lock_timeout = '3s';
set statement_timeout = '10min';

alter default privileges for role postgres grant execute on functions to public;
