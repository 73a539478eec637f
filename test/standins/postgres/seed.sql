-- A small sales team and its CRM. Fixed ids, so tests and examples can name rows.
-- Three reps sign in: alice, bob and carol (their auth.users ids are in server.ts as SEED_USERS).
-- Deals, notes and tasks are split between them; companies and contacts are the team's.

insert into auth.users (id, email, raw_user_meta_data) values
  ('11111111-1111-4111-8111-111111111111', 'alice@example.com', '{"full_name": "Alice Martin"}'),
  ('22222222-2222-4222-8222-222222222222', 'bob@example.com', '{"full_name": "Bob Nguyen"}'),
  ('33333333-3333-4333-8333-333333333333', 'carol@example.com', '{"full_name": "Carol Diaz"}');

insert into public.sales (id, first_name, last_name, email, administrator, user_id) values
  (1, 'Alice', 'Martin', 'alice@example.com', true, '11111111-1111-4111-8111-111111111111'),
  (2, 'Bob', 'Nguyen', 'bob@example.com', false, '22222222-2222-4222-8222-222222222222'),
  (3, 'Carol', 'Diaz', 'carol@example.com', false, '33333333-3333-4333-8333-333333333333');

insert into public.tags (id, name, color) values
  (1, 'football-fan', '#eddcd2'),
  (2, 'holiday-card', '#fff1e6'),
  (3, 'influencer', '#fde2e4'),
  (4, 'manager', '#dbe7e4');

insert into public.companies (id, name, sector, size, website, city, state_abbr, country, revenue, sales_id, description) values
  (1, 'Acme Logistics', 'Transportation', 250, 'https://acme-logistics.example', 'Chicago', 'IL', 'USA', '$50M', 1, 'Regional freight and warehousing.'),
  (2, 'Bluebird Health', 'Healthcare', 500, 'https://bluebird.example', 'Boston', 'MA', 'USA', '$120M', 2, 'Clinics across New England.'),
  (3, 'Cobalt Software', 'Technology', 50, 'https://cobalt.example', 'Austin', 'TX', 'USA', '$8M', 1, 'Scheduling software for field teams.'),
  (4, 'Dune Outfitters', 'Retail', 10, 'https://dune.example', 'Phoenix', 'AZ', 'USA', '$2M', 3, 'Outdoor gear shops.'),
  (5, 'Evergreen Energy', 'Energy', 250, 'https://evergreen.example', 'Portland', 'OR', 'USA', '$75M', 2, 'Solar installations.'),
  (6, 'Fjord Analytics', 'Technology', 50, 'https://fjord.example', 'Oslo', null, 'Norway', '$6M', 1, 'Data pipelines for shipping.'),
  (7, 'Granite Builders', 'Construction', 500, 'https://granite.example', 'Denver', 'CO', 'USA', '$200M', 3, 'Commercial construction.'),
  (8, 'Harbor Foods', 'Food & Beverage', 250, 'https://harbor.example', 'Seattle', 'WA', 'USA', '$40M', 2, 'Seafood distribution.'),
  (9, 'Iris Media', 'Media', 10, 'https://iris.example', 'Brooklyn', 'NY', 'USA', '$1M', 1, 'Podcast studio.'),
  (10, 'Juniper Finance', 'Financial Services', 50, 'https://juniper.example', 'Charlotte', 'NC', 'USA', '$15M', 3, 'Small-business lending.');

insert into public.contacts (id, first_name, last_name, title, email_jsonb, status, tags, company_id, sales_id, has_newsletter, first_seen, last_seen) values
  (1, 'Maya', 'Okafor', 'COO', '[{"email": "maya@acme-logistics.example", "type": "Work"}]', 'hot', '{4}', 1, 1, true, '2026-01-10', '2026-11-20'),
  (2, 'Tom', 'Becker', 'Fleet Manager', '[{"email": "tom@acme-logistics.example", "type": "Work"}]', 'warm', '{}', 1, 1, false, '2026-02-02', '2026-10-30'),
  (3, 'Priya', 'Shah', 'CIO', '[{"email": "priya@bluebird.example", "type": "Work"}]', 'warm', '{4}', 2, 2, true, '2026-03-15', '2026-11-18'),
  (4, 'Daniel', 'Kim', 'Procurement Lead', '[{"email": "daniel@bluebird.example", "type": "Work"}]', 'cold', '{}', 2, 2, false, '2026-04-01', '2026-09-12'),
  (5, 'Lena', 'Fischer', 'CEO', '[{"email": "lena@cobalt.example", "type": "Work"}]', 'hot', '{3}', 3, 1, true, '2025-11-20', '2026-11-25'),
  (6, 'Omar', 'Haddad', 'CTO', '[{"email": "omar@cobalt.example", "type": "Work"}]', 'warm', '{}', 3, 1, false, '2026-01-05', '2026-11-02'),
  (7, 'Rosa', 'Alvarez', 'Owner', '[{"email": "rosa@dune.example", "type": "Work"}]', 'in-contract', '{2}', 4, 3, true, '2025-09-09', '2026-11-21'),
  (8, 'Ken', 'Sato', 'VP Operations', '[{"email": "ken@evergreen.example", "type": "Work"}]', 'warm', '{1}', 5, 2, false, '2026-05-19', '2026-11-11'),
  (9, 'Ingrid', 'Larsen', 'Head of Data', '[{"email": "ingrid@fjord.example", "type": "Work"}]', 'hot', '{}', 6, 1, true, '2026-06-01', '2026-11-24'),
  (10, 'Mateo', 'Rossi', 'Project Director', '[{"email": "mateo@granite.example", "type": "Work"}]', 'cold', '{4}', 7, 3, false, '2026-02-14', '2026-08-30'),
  (11, 'Grace', 'Liu', 'CFO', '[{"email": "grace@granite.example", "type": "Work"}]', 'warm', '{}', 7, 3, true, '2026-03-03', '2026-10-15'),
  (12, 'Sam', 'Porter', 'Purchasing', '[{"email": "sam@harbor.example", "type": "Work"}]', 'warm', '{1}', 8, 2, false, '2026-07-07', '2026-11-19'),
  (13, 'Nadia', 'Petrov', 'Founder', '[{"email": "nadia@iris.example", "type": "Work"}]', 'hot', '{3}', 9, 1, true, '2026-08-08', '2026-11-26'),
  (14, 'Felix', 'Wagner', 'Lending Ops', '[{"email": "felix@juniper.example", "type": "Work"}]', 'cold', '{}', 10, 3, false, '2026-04-22', '2026-09-01'),
  (15, 'Ava', 'Johnson', 'Controller', '[{"email": "ava@juniper.example", "type": "Work"}]', 'warm', '{2}', 10, 3, true, '2026-05-05', '2026-11-08'),
  (16, 'Leo', 'Dubois', 'IT Director', '[{"email": "leo@bluebird.example", "type": "Work"}]', 'warm', '{}', 2, 2, false, '2026-06-16', '2026-11-14'),
  (17, 'Chloe', 'Martin', 'Engineer', '[{"email": "chloe@evergreen.example", "type": "Work"}]', 'cold', '{}', 5, 2, false, '2026-07-21', '2026-10-02'),
  (18, 'Hugo', 'Silva', 'Store Manager', '[{"email": "hugo@dune.example", "type": "Work"}]', 'warm', '{}', 4, 3, false, '2026-08-30', '2026-11-03'),
  (19, 'Mila', 'Novak', 'Data Engineer', '[{"email": "mila@fjord.example", "type": "Work"}]', 'warm', '{1}', 6, 1, true, '2026-09-12', '2026-11-22'),
  (20, 'Ethan', 'Brooks', 'Chef', '[{"email": "ethan@harbor.example", "type": "Work"}]', 'cold', '{}', 8, 2, false, '2026-10-01', '2026-11-09');

insert into public.deals (id, name, company_id, contact_ids, category, stage, amount, expected_closing_date, sales_id, index, description) values
  (1, 'Acme fleet tracking', 1, '{1,2}', 'hardware', 'proposal-sent', 48000, '2026-12-20', 1, 0, 'GPS units for 200 trucks.'),
  (2, 'Acme warehouse analytics', 1, '{1}', 'analytics', 'opportunity', 22000, '2027-02-01', 1, 1, null),
  (3, 'Cobalt enterprise plan', 3, '{5,6}', 'software', 'in-negociation', 65000, '2026-12-31', 1, 0, 'Three-year deal.'),
  (4, 'Fjord pipeline audit', 6, '{9,19}', 'services', 'won', 18000, '2026-10-15', 1, 0, null),
  (5, 'Iris studio upgrade', 9, '{13}', 'hardware', 'lost', 9000, '2026-09-30', 1, 0, 'Went with a competitor.'),
  (6, 'Bluebird patient portal', 2, '{3,16}', 'software', 'in-negociation', 120000, '2027-01-15', 2, 0, 'Replaces their 2015 portal.'),
  (7, 'Bluebird device refresh', 2, '{4}', 'hardware', 'opportunity', 35000, '2027-03-01', 2, 1, null),
  (8, 'Evergreen field app', 5, '{8,17}', 'software', 'proposal-sent', 42000, '2026-12-15', 2, 0, null),
  (9, 'Harbor cold-chain sensors', 8, '{12,20}', 'hardware', 'won', 27000, '2026-11-01', 2, 0, 'Pilot in two warehouses.'),
  (10, 'Dune point of sale', 4, '{7,18}', 'software', 'won', 12000, '2026-08-20', 3, 0, null),
  (11, 'Granite site cameras', 7, '{10,11}', 'hardware', 'delayed', 88000, '2027-04-30', 3, 0, 'Budget frozen until Q2.'),
  (12, 'Juniper loan dashboard', 10, '{14,15}', 'analytics', 'opportunity', 30000, '2027-01-31', 3, 0, null);

insert into public.deal_notes (id, deal_id, type, text, date, sales_id) values
  (1, 1, 'Email', 'Sent the revised quote with volume pricing.', '2026-11-18', 1),
  (2, 1, 'Call', 'Maya wants a pilot on 20 trucks first.', '2026-11-20', 1),
  (3, 3, 'Meeting', 'Legal review of the MSA next week.', '2026-11-24', 1),
  (4, 4, 'Email', 'Signed. Kick-off on Monday.', '2026-10-15', 1),
  (5, 6, 'Meeting', 'Demo to the clinical board went well.', '2026-11-12', 2),
  (6, 6, 'Call', 'Priya asked for SSO with their IdP.', '2026-11-19', 2),
  (7, 8, 'Email', 'Proposal sent; decision by mid-December.', '2026-11-10', 2),
  (8, 9, 'Call', 'Pilot results are good; talking about rollout.', '2026-11-05', 2),
  (9, 10, 'Email', 'Installed in both shops.', '2026-08-25', 3),
  (10, 11, 'Call', 'Mateo says the budget freeze lifts in April.', '2026-10-20', 3),
  (11, 12, 'Meeting', 'First meeting with Felix and Ava.', '2026-11-06', 3),
  (12, 5, 'Email', 'They chose another vendor on price.', '2026-09-30', 1);

insert into public.contact_notes (id, contact_id, text, date, sales_id, status) values
  (1, 1, 'Prefers calls before 10am.', '2026-11-01', 1, 'hot'),
  (2, 5, 'Met at SaaStr; interested in the enterprise plan.', '2026-10-12', 1, 'hot'),
  (3, 9, 'Ingrid is moving to a new team in January.', '2026-11-22', 1, 'warm'),
  (4, 3, 'Priya owns the budget for the portal.', '2026-11-02', 2, 'warm'),
  (5, 8, 'Ken asked for references in energy.', '2026-10-28', 2, 'warm'),
  (6, 12, 'Sam is the day-to-day contact.', '2026-11-15', 2, 'warm'),
  (7, 7, 'Rosa is happy; ask for a testimonial.', '2026-09-15', 3, 'in-contract'),
  (8, 11, 'Grace signs anything above $50k.', '2026-10-16', 3, 'warm'),
  (9, 14, 'Felix prefers email.', '2026-09-01', 3, 'cold'),
  (10, 13, 'Nadia may come back next year.', '2026-10-01', 1, 'hot');

insert into public.tasks (id, contact_id, type, text, due_date, done_date, sales_id) values
  (1, 1, 'Call', 'Agree the pilot scope with Maya.', '2026-12-02', null, 1),
  (2, 5, 'Email', 'Send the MSA redlines to Lena.', '2026-11-28', null, 1),
  (3, 9, 'Meeting', 'Introduce Mila as the new contact.', '2026-12-10', null, 1),
  (4, 3, 'Demo', 'SSO demo for Priya''s team.', '2026-12-03', null, 2),
  (5, 8, 'Email', 'Send two energy references to Ken.', '2026-11-27', '2026-11-26', 2),
  (6, 12, 'Call', 'Plan the rollout with Sam.', '2026-12-05', null, 2),
  (7, 7, 'Email', 'Ask Rosa for a testimonial.', '2026-12-01', null, 3),
  (8, 10, 'Call', 'Check in with Mateo about the budget.', '2027-01-15', null, 3),
  (9, 15, 'Meeting', 'Dashboard requirements with Ava.', '2026-12-08', null, 3),
  (10, 13, 'Email', 'Holiday card to Nadia.', '2026-12-15', null, 1);

-- The ids above were given explicitly: move each identity past them for rows added later.
do $$
declare
  t text;
begin
  foreach t in array array['sales', 'companies', 'contacts', 'tags', 'deals', 'deal_notes', 'contact_notes', 'tasks'] loop
    execute format('select setval(pg_get_serial_sequence(%L, ''id''), (select max(id) from public.%I))', 'public.' || t, t);
  end loop;
end
$$;
