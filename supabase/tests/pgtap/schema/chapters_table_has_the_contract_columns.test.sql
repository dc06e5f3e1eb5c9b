-- Contract: chapters (id uuid pk, organization_id uuid not null -> organizations, name text not null).
-- The foreign key and its ON DELETE action: every_foreign_key_has_its_contract_on_delete_action.
begin;
select plan(7);

select has_table('public', 'chapters', 'public.chapters exists');
select col_type_is('public', 'chapters', 'id', 'uuid', 'chapters.id is uuid');
select col_is_pk('public', 'chapters', 'id', 'chapters.id is the primary key');
select col_type_is('public', 'chapters', 'organization_id', 'uuid', 'chapters.organization_id is uuid');
select col_not_null('public', 'chapters', 'organization_id', 'chapters.organization_id is not null');
select col_type_is('public', 'chapters', 'name', 'text', 'chapters.name is text');
select col_not_null('public', 'chapters', 'name', 'chapters.name is not null');

select * from finish();
rollback;
