// "Incorrect policies could silently block legitimate status updates": through the Data API, an UPDATE of a mentor
// the caller may not see or change matches no row, which is not an error (204, `data: null`). Two ways for an app
// to tell "not yours, or not there" from "done", both tested here: ask for the changed rows back with .select()
// (an empty array means nothing changed), or call set_mentor_status, which returns the new state or raises PM401.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MENTOR, startApiFixture, USER, type ApiFixture } from '../support/data-api.ts';

let f: ApiFixture;
before(async () => (f = await startApiFixture('clients_blocked')));
after(async () => f?.close());

async function statusOf(mentorId: string): Promise<string> {
  const [row] = await f.sql<{ status: string }>('select status from public.peer_mentors where id = $1', [mentorId]);
  return row!.status;
}

test('a plain update of a mentor the caller may not see "succeeds" and changes nothing', async () => {
  // Carl coordinates Riga; Mia is in Oslo.
  const { data, error, status } = await f.as(USER.carl).from('peer_mentors').update({ status: 'paused' }).eq('id', MENTOR.mia);
  assert.equal(error, null, 'no error');
  assert.equal(status, 204);
  assert.equal(data, null);
  assert.equal(await statusOf(MENTOR.mia), 'active', 'yet nothing changed');
});

test('with .select(), the same update returns no row: blocked, told apart from done', async () => {
  const supabase = f.as(USER.carl);
  const mentorId = MENTOR.mia;
  // #region readme: a blocked update, with .select()
  const { data: changed, error } = await supabase
    .from('peer_mentors')
    .update({ status: 'paused', status_reason: 'Not my mentor' })
    .eq('id', mentorId)
    .select('id')
  const blocked = !error && changed.length === 0 // not yours, or not there: nothing changed
  // #endregion
  assert.equal(blocked, true);
  assert.equal(await statusOf(MENTOR.mia), 'active');
  const done = await supabase.from('peer_mentors').update({ status: 'paused', status_reason: 'Mine' }).eq('id', MENTOR.rita).select('id');
  assert.deepEqual(done.data, [{ id: MENTOR.rita }], 'and a done update returns the changed row');
});

test('set_mentor_status returns the new state of a mentor the caller may change', async () => {
  const supabase = f.as(USER.cora);
  const mentorId = MENTOR.mia;
  // #region readme: set_mentor_status
  const { data: mentor, error } = await supabase.rpc('set_mentor_status', {
    p_mentor_id: mentorId,
    p_status: 'inactive',
    p_reason: 'Moved to Bergen',
  })
  // mentor: the peer_mentors row as it now is; error.code 'PM401': not yours, or not there (nothing changed)
  // #endregion
  assert.equal(error, null);
  assert.equal(mentor?.id, MENTOR.mia);
  assert.equal(mentor?.status, 'inactive');
  assert.equal(mentor?.status_reason, 'Moved to Bergen');
  assert.ok(mentor?.status_changed_at, 'with the time the database set');
  const [last] = await f.sql(`select new_status, reason, changed_by from public.peer_mentor_status_history where mentor_id = $1
                               order by changed_at desc, id desc limit 1`, [MENTOR.mia]);
  assert.deepEqual(last, { new_status: 'inactive', reason: 'Moved to Bergen', changed_by: USER.cora }, 'the history is written as for a direct update');
});

test('set_mentor_status raises PM401 (status 400) for a mentor the caller may not change, and changes nothing', async () => {
  const { data, error, status } = await f.as(USER.carl).rpc('set_mentor_status', { p_mentor_id: MENTOR.max, p_status: 'paused' });
  assert.equal(data, null);
  assert.equal(status, 400);
  assert.equal(error?.code, 'PM401');
  assert.equal(error?.message, `no mentor ${MENTOR.max} that you may change (not yours, or not there)`);
  assert.match(error!.hint!, /an id it may not see looks the same as one that does not exist/);
  assert.equal(await statusOf(MENTOR.max), 'active');
});

test('set_mentor_status answers an unknown id exactly as a mentor the caller may not see', async () => {
  const unknown = 'e0000000-0000-4000-8000-0000000000ff';
  const hidden = await f.as(USER.carl).rpc('set_mentor_status', { p_mentor_id: MENTOR.max, p_status: 'paused' });
  const missing = await f.as(USER.carl).rpc('set_mentor_status', { p_mentor_id: unknown, p_status: 'paused' });
  assert.equal(hidden.error?.code, 'PM401');
  assert.equal(missing.error?.code, hidden.error?.code);
  assert.equal(missing.status, hidden.status);
  assert.equal(missing.error?.message.replace(unknown, '<id>'), hidden.error?.message.replace(MENTOR.max, '<id>'), 'same message');
  assert.equal(missing.error?.hint, hidden.error?.hint, 'same hint');
});

test('set_mentor_status lets a mentor pause itself, and keeps the status rules (PM101)', async () => {
  const nils = f.as(USER.nils);
  const paused = await nils.rpc('set_mentor_status', { p_mentor_id: MENTOR.nils, p_status: 'paused', p_reason: 'Exams' });
  assert.equal(paused.error, null);
  assert.equal(paused.data?.status, 'paused');
  const inactive = await nils.rpc('set_mentor_status', { p_mentor_id: MENTOR.nils, p_status: 'inactive' });
  assert.equal(inactive.error?.code, 'PM101');
  assert.equal(await statusOf(MENTOR.nils), 'paused');
});

test('set_mentor_status works for the service role, for any mentor, and is PM401 for none', async () => {
  const ok = await f.service.rpc('set_mentor_status', { p_mentor_id: MENTOR.tor, p_status: 'inactive', p_reason: 'Left' });
  assert.equal(ok.error, null);
  assert.equal(ok.data?.status, 'inactive');
  const none = await f.service.rpc('set_mentor_status', { p_mentor_id: 'e0000000-0000-4000-8000-0000000000ff', p_status: 'paused' });
  assert.equal(none.error?.code, 'PM401');
});
