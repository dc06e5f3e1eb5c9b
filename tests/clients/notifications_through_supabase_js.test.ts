// Coordinator notifications as apps and the dispatcher use them through the Data API: a coordinator reads and
// marks its own as read; the dispatcher (service role) claims and completes them through .rpc().
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MENTOR, startApiFixture, USER, type ApiFixture } from '../support/data-api.ts';

let f: ApiFixture;
/** Cora's notification of Mia's pause. */
let notificationId: number;
before(async () => {
  f = await startApiFixture('clients_notifications');
  const { error } = await f.as(USER.mia).from('peer_mentors').update({ status: 'paused', status_reason: 'Exams until June' }).eq('user_id', USER.mia);
  assert.equal(error, null);
  const [row] = await f.sql<{ id: string }>(`select id from public.coordinator_notifications where coordinator_id = $1`, [USER.cora]);
  notificationId = Number(row!.id);
});
after(async () => f?.close());

/** The columns a coordinator may read (contract: never the dispatcher's bookkeeping). */
const COORDINATOR_COLUMNS = 'id, history_id, coordinator_id, created_at, dispatched_at, read_at';

test('a coordinator reads its own notifications, and only its own', async () => {
  const { data, error } = await f.as(USER.cora).from('coordinator_notifications').select(COORDINATOR_COLUMNS);
  assert.equal(error, null);
  assert.deepEqual(data?.map((n) => [n.id, n.coordinator_id, n.read_at]), [[notificationId, USER.cora, null]]);
  const colin = await f.as(USER.colin).from('coordinator_notifications').select('id');
  assert.deepEqual(colin.data, [], 'Colin is not responsible for Mia: nothing');
});

test('a coordinator marks a notification read', async () => {
  const supabase = f.as(USER.cora);
  // #region readme: a coordinator marks a notification read
  const { data: read, error } = await supabase
    .from('coordinator_notifications')
    .update({ read_at: new Date().toISOString() })
    .eq('id', notificationId)
    .select('id, read_at')
    .single()
  // #endregion
  assert.equal(error, null);
  assert.equal(read?.id, notificationId);
  assert.ok(read?.read_at, 'read_at is set');
});

test('a coordinator cannot mark a notification dispatched', async () => {
  const { error, status } = await f.as(USER.cora).from('coordinator_notifications')
    .update({ dispatched_at: new Date().toISOString() }).eq('id', notificationId);
  assert.equal(status, 403);
  assert.equal(error?.code, '42501');
});

// The column grants on coordinator_notifications (20261203130000): coordinators read only id, history_id,
// coordinator_id, created_at, dispatched_at, read_at.
test("a coordinator cannot read the dispatcher's columns (errors, claims, attempts)", async () => {
  const cora = f.as(USER.cora);
  for (const column of ['last_error', 'claim_token', 'attempts', 'claimed_at', 'claim_lease', 'next_attempt_at', 'last_failed_at', 'dead_at']) {
    const { data, error, status } = await cora.from('coordinator_notifications').select(column);
    assert.equal(status, 403, `${column}: refused`);
    assert.equal(error?.code, '42501', `${column}: permission denied`);
    assert.equal(data, null);
  }
  const star = await cora.from('coordinator_notifications').select('*');
  assert.equal(star.error?.code, '42501', 'select * is refused too (it names the dispatcher\'s columns)');
  const allowed = await cora.from('coordinator_notifications').select(COORDINATOR_COLUMNS);
  assert.equal(allowed.error, null, 'the six columns stay readable');
});

test('the service role claims and completes notifications through .rpc', async () => {
  const supabase = f.service;
  // #region readme: the dispatcher claims and completes notifications
  const { data: claimed, error: claimError } = await supabase.rpc('claim_coordinator_notifications', { p_limit: 10 })
  // … deliver each one, then confirm the delivered ones with the claim's token:
  const { data: completed, error: completeError } = await supabase.rpc('complete_coordinator_notifications', {
    p_claim_token: claimed![0]!.claim_token!,
    p_ids: claimed!.map((n) => n.id!),
  })
  // #endregion
  assert.equal(claimError, null);
  assert.deepEqual(claimed?.map((n) => [n.id, n.coordinator_id, n.mentor_id, n.new_status, n.reason]),
    [[notificationId, USER.cora, MENTOR.mia, 'paused', 'Exams until June']]);
  assert.equal(completeError, null);
  assert.equal(completed, 1);
  const [row] = await f.sql(`select dispatched_at is not null as dispatched from public.coordinator_notifications where id = $1`, [notificationId]);
  assert.deepEqual(row, { dispatched: true });
  const again = await supabase.rpc('claim_coordinator_notifications', { p_limit: 10 });
  assert.deepEqual(again.data, [], 'a dispatched notification is never handed out again');
});

test('the service role reports a failed send through .rpc, and reads the queue health', async () => {
  await f.sql(`update public.peer_mentors set status = 'paused', status_reason = 'x' where id = $1`, [MENTOR.tor]);
  const { data: claimed } = await f.service.rpc('claim_coordinator_notifications', { p_limit: 10 });
  assert.ok(claimed && claimed.length > 0);
  const { data: failed, error } = await f.service.rpc('fail_coordinator_notifications', {
    p_claim_token: claimed[0]!.claim_token!, p_ids: claimed.map((n) => n.id!), p_error: 'HTTP 500 from the webhook',
  });
  assert.equal(error, null);
  assert.deepEqual(failed?.map((n) => [n.attempts, n.last_error, n.dead_at]), claimed.map(() => [1, 'HTTP 500 from the webhook', null]));
  const health = await f.service.rpc('coordinator_notifications_health');
  assert.equal(health.error, null);
  assert.equal(health.data?.retrying_count, claimed.length);
});

// Realtime does not run here (docs/data-api.md), but what it would send a coordinator is decided in the database:
// Realtime streams the rows of tables in the supabase_realtime publication (pgTAP realtime/) to a subscriber only
// as far as the subscriber's role may SELECT them: RLS for the rows, the column privileges for the columns. So the
// columns of a coordinator's live notification are the columns authenticated may read.
test('a coordinator\'s live (Realtime) notification could carry only the six columns it may read', async () => {
  const rows = await f.sql<{ column_name: string }>(`
    select a.attname as column_name from pg_catalog.pg_attribute a
     where a.attrelid = 'public.coordinator_notifications'::regclass and a.attnum > 0 and not a.attisdropped
       and pg_catalog.has_column_privilege('authenticated', a.attrelid, a.attnum, 'SELECT')
     order by a.attnum`);
  assert.deepEqual(rows.map((r) => r.column_name).sort(), COORDINATOR_COLUMNS.split(', ').sort());
  const [published] = await f.sql(`select count(*)::int as n from pg_catalog.pg_publication_tables
                                    where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'coordinator_notifications'`);
  assert.deepEqual(published, { n: 1 }, 'and the table is published');
});
