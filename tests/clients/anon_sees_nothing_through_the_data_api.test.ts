// Contract: `anon` may do nothing on any of these tables. Through the Data API with only the anon key (nobody
// signed in), every table and view of the generated types, and every function, is refused or empty, and writes
// change nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Database } from '../../types/database.ts';
import { MENTOR, startApiFixture, type ApiFixture } from '../support/data-api.ts';

type Relation = keyof Database['public']['Tables'] | keyof Database['public']['Views'];
type Fn = keyof Database['public']['Functions'];
// Every relation and function of the generated types: a new one that is not listed here fails to compile.
const RELATIONS = ['chapter_memberships', 'chapters', 'coordinator_notifications', 'job_runs', 'organizations',
  'peer_mentor_status_history', 'peer_mentors', 'users', 'coordinator_board', 'mentor_cards',
  'mentor_status_timeline', 'my_mentor_card', 'status_history_digests', 'status_history_erasures'] as const satisfies readonly Relation[];
const FUNCTIONS = ['chapter_status_at', 'claim_coordinator_notifications', 'complete_coordinator_notifications',
  'coordinator_notifications_health', 'coordinators_for_mentor', 'fail_coordinator_notifications', 'mentor_status_at',
  'mentors_expiring_within', 'requeue_coordinator_notifications', 'run_certification_expiry_job',
  'set_mentor_status', 'status_history_digest', 'verify_status_history', 'claim_status_history_digests',
  'complete_status_history_digests', 'fail_status_history_digests', 'requeue_status_history_digests'] as const satisfies readonly Fn[];
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : Exclude<All, Listed>;
const everyRelationListed: Missing<Relation, (typeof RELATIONS)[number]> = true;
const everyFunctionListed: Missing<Fn, (typeof FUNCTIONS)[number]> = true;
void everyRelationListed;
void everyFunctionListed;

let f: ApiFixture;
before(async () => (f = await startApiFixture('clients_anon')));
after(async () => f?.close());

test('anon reads no table or view', async () => {
  for (const relation of RELATIONS) {
    const { data, error, status } = await f.anon.from(relation as 'peer_mentors').select('*');
    assert.equal(data, null, `${relation}: no data`);
    assert.equal(error?.code, '42501', `${relation}: permission denied`);
    assert.equal(status, 401, `${relation}: PostgREST answers anon's permission error with 401`);
  }
});

test('anon calls no function', async () => {
  for (const fn of FUNCTIONS) {
    const { data, error } = await f.anon.rpc(fn, {} as never);
    assert.equal(data, null, `${fn}: no data`);
    // 42501 when the call reaches the function's privileges; PGRST202 when PostgREST finds no function taking
    // no arguments (its schema cache lists only functions the API roles could call, anon included).
    assert.ok(['42501', 'PGRST202'].includes(error?.code ?? ''), `${fn}: refused (${error?.code} ${error?.message})`);
  }
  const withArgs = await f.anon.rpc('set_mentor_status', { p_mentor_id: MENTOR.mia, p_status: 'paused' });
  assert.equal(withArgs.error?.code, '42501', 'set_mentor_status with its arguments: permission denied');
});

test('anon writes nothing', async () => {
  const update = await f.anon.from('peer_mentors').update({ status: 'paused' }).eq('id', MENTOR.mia);
  assert.equal(update.error?.code, '42501');
  const insert = await f.anon.from('organizations').insert({ name: 'Anon Org' });
  assert.equal(insert.error?.code, '42501');
  const remove = await f.anon.from('peer_mentors').delete().eq('id', MENTOR.mia);
  assert.equal(remove.error?.code, '42501');
  const [row] = await f.sql(`select status, (select count(*)::int from public.organizations where name = 'Anon Org') as orgs
                               from public.peer_mentors where id = $1`, [MENTOR.mia]);
  assert.deepEqual(row, { status: 'active', orgs: 0 });
});

test('a request without the apikey, or with a key that is not the project\'s, never reaches the database', async () => {
  const missing = await fetch(`${f.api.restUrl}/peer_mentors`);
  assert.equal(missing.status, 401);
  assert.deepEqual(await missing.json(), { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' });
  const wrong = await fetch(`${f.api.restUrl}/peer_mentors`, { headers: { apikey: 'not-a-key' } });
  assert.equal(wrong.status, 401);
  assert.equal(((await wrong.json()) as { message: string }).message, 'Invalid API key');
});
