// A refusal reaches the app the way apps see it: supabase-js's `error` (code = the SQLSTATE, message, hint), the
// HTTP status PostgREST maps it to, `data` null, and nothing changed. PostgREST 12 answers a raised custom
// SQLSTATE (PMxxx) with 400, insufficient_privilege (42501) with 403 for a signed-in caller and 401 for anon,
// check_violation (23514) with 400. docs/data-api.md lists what changed after 12.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MENTOR, startApiFixture, USER, type ApiFixture } from '../support/data-api.ts';

let f: ApiFixture;
before(async () => (f = await startApiFixture('clients_refusals')));
after(async () => f?.close());

async function statusOf(mentorId: string): Promise<{ status: string; status_reason: string | null }> {
  const [row] = await f.sql<{ status: string; status_reason: string | null }>('select status, status_reason from public.peer_mentors where id = $1', [mentorId]);
  return row!;
}

test('PM101: a mentor setting itself inactive gets the error, its status 400 and its hint', async () => {
  const supabase = f.as(USER.mia);
  const userId = USER.mia;
  const shown: string[] = [];
  const showError = (text: string) => shown.push(text);
  // #region readme: a refusal reaches the app as an error
  const { data, error, status } = await supabase
    .from('peer_mentors')
    .update({ status: 'inactive' })
    .eq('user_id', userId)
  if (error) showError(`${status} ${error.code}: ${error.message}. ${error.hint}`)
  // 400 PM101: only a coordinator or a system caller may set or lift inactive (mentor e0000000-…: active -> inactive).
  //   nobody coordinates itself: on its own row everyone is a mentor, and a mentor may move its status between active and paused only
  // #endregion
  assert.deepEqual(shown, ['400 PM101: only a coordinator or a system caller may set or lift inactive ' +
    '(mentor e0000000-0000-4000-8000-000000000001: active -> inactive). nobody coordinates itself: on its own row ' +
    'everyone is a mentor, and a mentor may move its status between active and paused only']);
  assert.equal(data, null);
  assert.equal(status, 400);
  assert.equal(error?.code, 'PM101');
  assert.match(error!.message, /^only a coordinator or a system caller may set or lift inactive \(mentor e0000000-0000-4000-8000-000000000001: active -> inactive\)$/);
  assert.match(error!.hint!, /nobody coordinates itself/);
  assert.deepEqual(await statusOf(MENTOR.mia), { status: 'active', status_reason: null }, 'nothing changed');
});

test('PM102: a coordinator setting active a mentor whose certification lapsed gets the error with status 400', async () => {
  await f.sql(`update public.peer_mentors set status = 'paused', status_reason = 'certification_expired' where id = $1`, [MENTOR.tiia]);
  const { error, status } = await f.as(USER.carl).from('peer_mentors').update({ status: 'active', status_reason: null }).eq('id', MENTOR.tiia);
  assert.equal(status, 400);
  assert.equal(error?.code, 'PM102');
  assert.match(error!.message, /expired/);
  assert.ok(error!.hint, 'with a hint');
  assert.deepEqual(await statusOf(MENTOR.tiia), { status: 'paused', status_reason: 'certification_expired' }, 'nothing changed');
});

test('PM104: a reason-only update gets the error with status 400', async () => {
  const { error, status } = await f.as(USER.max).from('peer_mentors').update({ status_reason: 'just a note' }).eq('user_id', USER.max);
  assert.equal(status, 400);
  assert.equal(error?.code, 'PM104');
  assert.ok(error!.hint, 'with a hint');
  assert.deepEqual(await statusOf(MENTOR.max), { status: 'active', status_reason: null }, 'nothing changed');
});

test('42501: a mentor changing its certification date is refused by the column grants with status 403', async () => {
  const { error, status } = await f.as(USER.rita).from('peer_mentors')
    .update({ certification_expires_at: '2099-01-01T00:00:00Z' } as never).eq('user_id', USER.rita);
  assert.equal(status, 403);
  assert.equal(error?.code, '42501');
  assert.match(error!.message, /permission denied for table peer_mentors/);
});

test('23514: a reason over 500 characters is refused by its check with status 400', async () => {
  const { error, status } = await f.as(USER.rita).from('peer_mentors')
    .update({ status: 'paused', status_reason: 'x'.repeat(501) }).eq('user_id', USER.rita);
  assert.equal(status, 400);
  assert.equal(error?.code, '23514');
  assert.match(error!.message, /status_reason_is_short/);
  assert.deepEqual(await statusOf(MENTOR.rita), { status: 'active', status_reason: null }, 'nothing changed');
});

test('PM502 and PM501: the read functions refuse bad arguments with status 400', async () => {
  const cora = f.as(USER.cora);
  const expiring = await cora.rpc('mentors_expiring_within', { p_days: 99999 });
  assert.equal(expiring.status, 400);
  assert.equal(expiring.error?.code, 'PM502');
  const at = await cora.rpc('mentor_status_at', { p_mentor_id: MENTOR.mia, p_at: null as unknown as string });
  assert.equal(at.status, 400);
  assert.equal(at.error?.code, 'PM501');
  assert.ok(at.error?.hint, 'with a hint');
});

test('42501: a signed-in user calling a service-role-only function gets status 403', async () => {
  const { error, status } = await f.as(USER.cora).rpc('claim_coordinator_notifications', { p_limit: 1 });
  assert.equal(status, 403);
  assert.equal(error?.code, '42501');
  assert.match(error!.message, /permission denied for function claim_coordinator_notifications/);
});
