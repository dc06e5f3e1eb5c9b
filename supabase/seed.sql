-- Demo data for local development (`npm start`, `npm run db:reset`), and the fixture of the client tests
-- (tests/support/data-api.ts) and of the tamper-evidence command tests (tests/support/history-fixture.ts); the
-- pgTAP files build their own. Fixed ids so the examples in README.md and docs/ can be pasted.
--
--   Nordic Peer Support (org a…01)              Baltic Mentors (org a…02)
--     Oslo       coordinator Cora                 Riga     coordinator Carl
--     Bergen     coordinator Cora, Colin          Tallinn  (coordinator Ida, membership inactive)
--     Tromsø     no coordinator (org fallback)
--     Narvik     coordinator Sara, who is also one of its mentors
--
--   Mentors: Mia (Oslo), Max (Oslo + Bergen: multi-chapter), Tor (Tromsø), Rita (Riga),
--            Tiia (Tallinn, certification already lapsed), Colin is also a mentor in Riga,
--            Nils and Sara (Narvik).
--
--   Who is responsible for whom (private.responsibilities; docs/rules.md "Who may do what"):
--     Mia -> Cora; Max -> Cora, Colin; Rita -> Carl; Colin (as a mentor) -> Carl; Nils -> Sara;
--     Tor -> Cora, Colin, Sara (Tromsø has no coordinator: the organisation's coordinators, the fallback);
--     Tiia -> Carl (Tallinn's only coordinator membership is inactive: the fallback);
--     Sara -> Cora, Colin (nobody coordinates itself: Narvik's only other coordinator is Sara, so the fallback).

insert into auth.users (id, email, aud, role, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
values
  ('c0000000-0000-4000-8000-000000000001', 'cora@example.org',  'authenticated', 'authenticated', '{}', '{"full_name":"Cora Coordinator"}',  now(), now()),
  ('c0000000-0000-4000-8000-000000000002', 'colin@example.org', 'authenticated', 'authenticated', '{}', '{"full_name":"Colin Coordinator"}', now(), now()),
  ('c0000000-0000-4000-8000-000000000003', 'carl@example.org',  'authenticated', 'authenticated', '{}', '{"full_name":"Carl Coordinator"}',  now(), now()),
  ('c0000000-0000-4000-8000-000000000004', 'ida@example.org',   'authenticated', 'authenticated', '{}', '{"full_name":"Ida Idle"}',          now(), now()),
  ('d0000000-0000-4000-8000-000000000001', 'mia@example.org',   'authenticated', 'authenticated', '{}', '{"full_name":"Mia Mentor"}',        now(), now()),
  ('d0000000-0000-4000-8000-000000000002', 'max@example.org',   'authenticated', 'authenticated', '{}', '{"full_name":"Max Multi"}',         now(), now()),
  ('d0000000-0000-4000-8000-000000000003', 'tor@example.org',   'authenticated', 'authenticated', '{}', '{"full_name":"Tor Tromsø"}',        now(), now()),
  ('d0000000-0000-4000-8000-000000000004', 'rita@example.org',  'authenticated', 'authenticated', '{}', '{"full_name":"Rita Riga"}',         now(), now()),
  ('d0000000-0000-4000-8000-000000000005', 'tiia@example.org',  'authenticated', 'authenticated', '{}', '{"full_name":"Tiia Tallinn"}',      now(), now()),
  ('c0000000-0000-4000-8000-000000000005', 'sara@example.org',  'authenticated', 'authenticated', '{}', '{"full_name":"Sara Solo"}',         now(), now()),
  ('d0000000-0000-4000-8000-000000000006', 'nils@example.org',  'authenticated', 'authenticated', '{}', '{"full_name":"Nils Narvik"}',       now(), now())
on conflict (id) do nothing;

insert into public.users (id, full_name, email)
select id, raw_user_meta_data ->> 'full_name', email
  from auth.users
 where id in (
   'c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002',
   'c0000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000004',
   'd0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000002',
   'd0000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000004',
   'd0000000-0000-4000-8000-000000000005', 'c0000000-0000-4000-8000-000000000005',
   'd0000000-0000-4000-8000-000000000006')
on conflict (id) do nothing;

insert into public.organizations (id, name) values
  ('a0000000-0000-4000-8000-000000000001', 'Nordic Peer Support'),
  ('a0000000-0000-4000-8000-000000000002', 'Baltic Mentors')
on conflict (id) do nothing;

insert into public.chapters (id, organization_id, name) values
  ('b0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'Oslo'),
  ('b0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'Bergen'),
  ('b0000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000001', 'Tromsø'),
  ('b0000000-0000-4000-8000-000000000004', 'a0000000-0000-4000-8000-000000000002', 'Riga'),
  ('b0000000-0000-4000-8000-000000000005', 'a0000000-0000-4000-8000-000000000002', 'Tallinn'),
  ('b0000000-0000-4000-8000-000000000006', 'a0000000-0000-4000-8000-000000000001', 'Narvik')
on conflict (id) do nothing;

insert into public.chapter_memberships (chapter_id, user_id, role, is_active) values
  ('b0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'coordinator', true),  -- Cora: Oslo
  ('b0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'coordinator', true),  -- Cora: Bergen
  ('b0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000002', 'coordinator', true),  -- Colin: Bergen
  ('b0000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000002', 'peer_mentor', true),  -- Colin: mentor in Riga
  ('b0000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000003', 'coordinator', true),  -- Carl: Riga
  ('b0000000-0000-4000-8000-000000000005', 'c0000000-0000-4000-8000-000000000004', 'coordinator', false), -- Ida: idle
  ('b0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'peer_mentor', true),  -- Mia: Oslo
  ('b0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000002', 'peer_mentor', true),  -- Max: Oslo
  ('b0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000002', 'peer_mentor', true),  -- Max: Bergen
  ('b0000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000003', 'peer_mentor', true),  -- Tor: Tromsø
  ('b0000000-0000-4000-8000-000000000004', 'd0000000-0000-4000-8000-000000000004', 'peer_mentor', true),  -- Rita: Riga
  ('b0000000-0000-4000-8000-000000000005', 'd0000000-0000-4000-8000-000000000005', 'peer_mentor', true),  -- Tiia: Tallinn
  ('b0000000-0000-4000-8000-000000000006', 'c0000000-0000-4000-8000-000000000005', 'coordinator', true),  -- Sara: Narvik
  ('b0000000-0000-4000-8000-000000000006', 'c0000000-0000-4000-8000-000000000005', 'peer_mentor', true),  -- Sara: mentor in Narvik
  ('b0000000-0000-4000-8000-000000000006', 'd0000000-0000-4000-8000-000000000006', 'peer_mentor', true)   -- Nils: Narvik
on conflict do nothing;

insert into public.peer_mentors (id, user_id, certification_expires_at) values
  ('e0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', now() + interval '300 days'),
  ('e0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000002', now() + interval '200 days'),
  ('e0000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000003', now() + interval '100 days'),
  ('e0000000-0000-4000-8000-000000000004', 'd0000000-0000-4000-8000-000000000004', now() + interval '30 days'),
  ('e0000000-0000-4000-8000-000000000005', 'd0000000-0000-4000-8000-000000000005', now() - interval '1 day'),
  ('e0000000-0000-4000-8000-000000000006', 'c0000000-0000-4000-8000-000000000002', now() + interval '400 days'),
  ('e0000000-0000-4000-8000-000000000007', 'c0000000-0000-4000-8000-000000000005', now() + interval '250 days'),
  ('e0000000-0000-4000-8000-000000000008', 'd0000000-0000-4000-8000-000000000006', now() + interval '20 days')
on conflict (id) do nothing;
