// What a sales team's workspace accumulates beside its records, added to the demo workspace after
// everything else (so every earlier ID stays the same): an owner and an amount on each pipeline
// entry, saved views of the pipeline, stage histories moved by different members, meetings with
// call recordings and transcripts, and comment threads on a deal, a pipeline entry and a company.
import type {
  Actor,
  AttributeDef,
  EntryRow,
  RecordRow,
  Row,
  StoredValue,
  TranscriptSegment,
  ValueData,
  WorkspaceMember,
} from './model.ts';
import { memberActor, type WorkspaceSeedBuilder } from './seed-builder.ts';

const at = (iso: string) => iso.replace(/\.\d+Z$|Z$/, '.000000000Z');

export function seedSalesActivity(b: WorkspaceSeedBuilder): void {
  const store = b.store;
  const member = (email: string): WorkspaceMember => {
    const found = store.memberByEmail(email);
    if (!found) throw new Error(`seed member ${email} not found`);
    return found;
  };
  const dana = member('demo@example.com');
  const sam = member('sam.rivera@example.com');
  const priya = member('priya.shah@example.com');
  const marcus = member('marcus.lee@example.com');

  const companies = store.requireObject('companies');
  const people = store.requireObject('people');
  const deals = store.requireObject('deals');
  const pipeline = store.requireList('sales_pipeline');
  const record = (objectId: string, name: string) => {
    const found = store.recordsOf(objectId).find((r) => store.recordText(r) === name);
    if (!found) throw new Error(`seed record ${name} not found`);
    return found;
  };
  const email = (person: Row): string => {
    for (const values of person.values.values()) {
      for (const v of values) if (v.data.type === 'email-address') return v.data.email_address;
    }
    throw new Error('seed person without email');
  };
  const entryOf = (deal: Row): EntryRow => {
    const found = store.entriesOf(pipeline.id).find((e) => e.parent_record_id === deal.id);
    if (!found) throw new Error('seed deal not in the pipeline');
    return found;
  };

  // ---- an owner and an amount on each pipeline entry (the deal's owner and value) ----
  const l = { kind: 'list', id: pipeline.id } as const;
  const entryOwner = b.attribute(l, { title: 'Owner', slug: 'owner', type: 'actor-reference', system: false });
  const entryAmount = b.attribute(l, {
    title: 'Amount',
    slug: 'amount',
    type: 'currency',
    system: false,
    currency: 'USD',
  });
  const dealOwner = store.requireAttribute({ kind: 'object', id: deals.id }, 'owner');
  const dealValue = store.requireAttribute({ kind: 'object', id: deals.id }, 'value');
  for (const entry of store.entriesOf(pipeline.id)) {
    const deal = store.records.get(entry.parent_record_id);
    if (!deal) continue;
    const ctx = { now: entry.created_at, actor: entry.created_by };
    const owner = store.valuesOf(dealOwner, deal)[0]?.data;
    if (owner?.type === 'actor-reference') store.setValues(entry, entryOwner, [owner], ctx);
    const value = store.valuesOf(dealValue, deal)[0]?.data;
    if (value?.type === 'currency') store.setValues(entry, entryAmount, [value], ctx);
  }

  // ---- saved views of the pipeline ----
  const views: { title: string; filter: Record<string, unknown> | null }[] = [
    { title: 'All deals', filter: null },
    { title: 'Negotiation', filter: { stage: 'Negotiation' } },
    {
      title: "Dana's open deals",
      filter: {
        $and: [
          { owner: { referenced_actor_type: 'workspace-member', referenced_actor_id: dana.id } },
          { $not: { stage: 'Closed won' } },
        ],
      },
    },
  ];
  for (const view of views) {
    const id = b.rng.uuid();
    store.views.set(id, { id, list_id: pipeline.id, created_at: at('2025-10-01T09:00:00Z'), ...view });
  }

  // ---- stage histories: when each move happened and who made it ----
  const acme = record(companies.id, 'Acme Corp');
  const acmeDeal = record(deals.id, 'Acme Corp — Enterprise license');
  const umbrellaDeal = record(deals.id, 'Umbrella Health — Patient portal');
  const dealStage = store.requireAttribute({ kind: 'object', id: deals.id }, 'stage');
  const entryStage = store.requireAttribute(l, 'stage');
  rewriteHistory(store, acmeDeal, dealStage, [
    { title: 'Lead', at: acmeDeal.created_at, by: dana },
    { title: 'In Progress', at: at('2025-09-12T09:30:00Z'), by: sam },
  ]);
  rewriteHistory(store, umbrellaDeal, dealStage, [
    { title: 'Lead', at: umbrellaDeal.created_at, by: dana },
    { title: 'Nurture', at: at('2025-08-29T16:00:00Z'), by: marcus },
    { title: 'In Progress', at: at('2025-10-07T11:45:00Z'), by: priya },
  ]);
  const acmeEntry = entryOf(acmeDeal);
  rewriteHistory(store, acmeEntry, entryStage, [
    { title: 'Prospecting', at: acmeEntry.created_at, by: dana },
    { title: 'Qualified', at: at('2025-10-02T14:20:00Z'), by: sam },
    { title: 'Proposal', at: at('2025-10-15T10:05:00Z'), by: dana },
    { title: 'Negotiation', at: at('2025-11-05T15:10:00Z'), by: priya },
  ]);
  rewriteHistory(store, acmeEntry, entryAmount, [
    { amount: 100_000, at: acmeEntry.created_at, by: dana },
    { amount: 120_000, at: at('2025-11-05T15:12:00Z'), by: priya },
  ]);

  // ---- meetings, call recordings and transcripts ----
  const alice = record(people.id, 'Alice Johnson');
  const ben = record(people.id, 'Ben Carter');
  const chloe = record(people.id, 'Chloe Nguyen');
  const hank = record(people.id, 'Hank Scorpio');
  const bill = record(people.id, 'Bill Lumbergh');
  const alexia = record(people.id, 'Alexia Ashford');
  const globex = record(companies.id, 'Globex Corporation');
  const initech = record(companies.id, 'Initech');
  const umbrella = record(companies.id, 'Umbrella Health');
  const guest = (person: Row) => ({ email_address: email(person), is_organizer: false, status: 'accepted' as const });
  const host = (m: WorkspaceMember) => ({
    email_address: m.email_address,
    is_organizer: true,
    status: 'accepted' as const,
  });
  const colleague = (m: WorkspaceMember) => ({ ...host(m), is_organizer: false });
  const link = (...rows: { object_id: string; id: string }[]) =>
    rows.map((r) => ({ object_id: r.object_id, record_id: r.id }));
  const meetings: {
    title: string;
    description: string;
    start: string;
    minutes: number;
    organizer: WorkspaceMember;
    participants: Meeting['participants'];
    linked: Meeting['linked_records'];
    recording?: { status: 'completed' | 'processing' | 'failed'; turns?: [string, string][] };
  }[] = [
    {
      title: 'Acme — Enterprise license discovery',
      description: 'Discovery call: team size, current tooling, rollout timeline.',
      start: '2025-09-09T16:00:00Z',
      minutes: 45,
      organizer: dana,
      participants: [host(dana), guest(alice), guest(ben)],
      linked: link(acme, alice, ben, acmeDeal),
      recording: { status: 'completed', turns: DISCOVERY_CALL },
    },
    {
      title: 'Acme — pricing and security follow-up',
      description: 'Walk through the revised proposal and the security questionnaire.',
      start: '2025-11-04T17:00:00Z',
      minutes: 30,
      organizer: dana,
      participants: [host(dana), guest(alice), { ...guest(chloe), status: 'tentative' }],
      linked: link(acme, alice, chloe, acmeDeal),
      recording: { status: 'completed', turns: PRICING_CALL },
    },
    {
      title: 'Acme QBR prep (internal)',
      description: 'Prepare the quarterly business review.',
      start: '2025-11-06T15:00:00Z',
      minutes: 30,
      organizer: dana,
      participants: [host(dana), colleague(sam)],
      linked: link(acme),
    },
    {
      title: 'Globex plant analytics demo',
      description: 'Live demo on sensor data from the Chicago plant.',
      start: '2025-10-21T14:00:00Z',
      minutes: 60,
      organizer: sam,
      participants: [host(sam), guest(hank)],
      linked: link(globex, hank),
      recording: { status: 'processing' },
    },
    {
      title: 'Umbrella Health — HIPAA review',
      description: 'Security and compliance review with the CMO.',
      start: '2025-10-28T18:00:00Z',
      minutes: 45,
      organizer: priya,
      participants: [host(priya), guest(alexia)],
      linked: link(umbrella, alexia, umbrellaDeal),
      recording: { status: 'failed' },
    },
    {
      title: 'Initech renewal kickoff',
      description: 'Renewal scope and timeline.',
      start: '2025-08-14T13:00:00Z',
      minutes: 30,
      organizer: priya,
      participants: [host(priya), guest(bill)],
      linked: link(initech, bill),
      recording: {
        status: 'completed',
        turns: [
          ['Priya Shah', 'Thanks for joining, Bill. The renewal is due at the end of March.'],
          ['Bill Lumbergh', 'Yeah, we are going to need the same seats, plus the reporting add-on.'],
          ['Priya Shah', 'Understood. I will send the renewal quote by Friday.'],
        ],
      },
    },
  ];
  for (const spec of meetings) {
    const id = b.rng.uuid();
    const start = Date.parse(spec.start);
    const end = start + spec.minutes * 60_000;
    const createdAt = at(new Date(start - 7 * 86_400_000).toISOString());
    store.meetings.set(id, {
      id,
      title: spec.title,
      description: spec.description,
      start: at(spec.start),
      end: at(new Date(end).toISOString()),
      timezone: 'America/Los_Angeles',
      participants: spec.participants,
      linked_records: spec.linked,
      created_by_actor: memberActor(spec.organizer),
      created_at: createdAt,
    });
    if (!spec.recording) continue;
    const recordingId = b.rng.uuid();
    store.callRecordings.set(recordingId, {
      id: recordingId,
      meeting_id: id,
      status: spec.recording.status,
      created_by_actor: { type: 'system', id: null },
      created_at: at(new Date(end + 5 * 60_000).toISOString()),
      transcript: timed(spec.recording.turns ?? []),
    });
  }

  // ---- comment threads ----
  const threads: {
    on: { record: RecordRow; entry?: EntryRow };
    comments: [WorkspaceMember, string, string][];
    resolved?: { at: string; by: WorkspaceMember };
  }[] = [
    {
      on: { record: acmeDeal },
      comments: [
        [sam, '2025-11-05T09:12:00Z', 'Legal flagged the liability cap in section 9. Can we accept 2x annual fees?'],
        [
          dana,
          '2025-11-05T10:03:00Z',
          'Yes, 2x is fine for this deal. priya.shah@example.com can you update the order form?',
        ],
        [priya, '2025-11-05T14:40:00Z', 'Done: order form v3 is attached to the deal.'],
      ],
    },
    {
      on: { record: acmeDeal },
      comments: [
        [marcus, '2025-11-06T08:30:00Z', 'Is the 12% multi-year discount approved by finance?'],
        [dana, '2025-11-06T11:15:00Z', 'Approved on Friday, up to 15% for a 3-year term.'],
      ],
      resolved: { at: '2025-11-06T11:20:00Z', by: marcus },
    },
    {
      on: { record: acmeDeal, entry: acmeEntry },
      comments: [[priya, '2025-11-05T15:15:00Z', 'Moved to Negotiation after the pricing call; legal review next.']],
    },
    {
      on: { record: globex },
      comments: [[sam, '2025-10-22T09:00:00Z', 'Hank wants the next demo on their own sensor data.']],
    },
  ];
  for (const thread of threads) {
    const threadId = b.rng.uuid();
    const first = thread.comments[0];
    store.threads.set(threadId, {
      id: threadId,
      record: { object_id: thread.on.record.object_id, record_id: thread.on.record.id },
      entry: thread.on.entry ? { list_id: pipeline.id, entry_id: thread.on.entry.id } : null,
      created_at: at(first?.[1] ?? '2025-11-01T00:00:00Z'),
    });
    for (const [author, when, content] of thread.comments) {
      const id = b.rng.uuid();
      store.comments.set(id, {
        id,
        thread_id: threadId,
        content_plaintext: content,
        author: memberActor(author),
        created_at: at(when),
        resolved_at: thread.resolved ? at(thread.resolved.at) : null,
        resolved_by: thread.resolved ? memberActor(thread.resolved.by) : { type: null, id: null },
      });
    }
  }

  // ---- a meeting recorded in two parts (the recorder was restarted): seeded last, so every id above stays ----
  const initechKickoff = [...store.meetings.values()].find((m) => m.title === 'Initech renewal kickoff');
  if (initechKickoff) {
    const id = b.rng.uuid();
    store.callRecordings.set(id, {
      id,
      meeting_id: initechKickoff.id,
      status: 'completed',
      created_by_actor: { type: 'system', id: null },
      created_at: at('2025-08-14T13:45:00Z'),
      transcript: timed([
        ['Bill Lumbergh', 'Sorry, we got cut off. One more thing: can the add-on start in April?'],
        ['Priya Shah', 'Yes, I will put an April start date on the quote.'],
      ]),
    });
  }
}

type Meeting = import('./model.ts').Meeting;
type Step = { at: string; by: WorkspaceMember } & ({ title: string } | { amount: number });

/**
 * Replaces an attribute's value on a row by a history of values: each step active from its time,
 * written by its member, until the next; the last step is the current value.
 */
function rewriteHistory(store: WorkspaceSeedBuilder['store'], row: Row, attribute: AttributeDef, steps: Step[]): void {
  const data = (step: Step): ValueData => {
    if ('amount' in step) return { type: 'currency', currency_value: step.amount };
    const status = attribute.statuses.find((s) => s.title === step.title);
    if (!status) throw new Error(`seed status ${step.title} not found`);
    return { type: 'status', status_id: status.id };
  };
  const values: StoredValue[] = steps.map((step) => ({
    active_from: step.at,
    created_by_actor: memberActor(step.by) satisfies Actor,
    data: data(step),
  }));
  const current = values.pop();
  if (!current) return;
  row.values.set(attribute.id, [current]);
  const history = store.history.get(row.id) ?? new Map<string, StoredValue[]>();
  store.history.set(row.id, history);
  history.set(
    attribute.id,
    values.map((v, i) => ({ ...v, active_until: values[i + 1]?.active_from ?? current.active_from })),
  );
}

/** Speaker turns as Attio's speech segments: a few seconds each, consecutive. */
function timed(turns: [string, string][]): TranscriptSegment[] {
  let clock = 2;
  return turns.map(([speaker, speech]) => {
    const start = clock;
    clock += Math.max(2, Math.round(speech.split(' ').length / 2.5));
    return { speaker, speech, start_time: start, end_time: clock };
  });
}

const DISCOVERY_CALL: [string, string][] = [
  ['Dana Demo', 'Thanks for making the time. Could you tell me how your team tracks deployments today?'],
  ['Alice Johnson', 'We have about forty engineers and we track everything in spreadsheets and a wiki.'],
  ['Alice Johnson', 'It does not scale: nobody knows which version runs where.'],
  ['Ben Carter', 'From procurement, anything over one hundred thousand needs a security review first.'],
  ['Dana Demo', 'Understood. The Enterprise license includes SSO, audit logs and a dedicated success manager.'],
  ['Alice Johnson', 'SSO is a must. Audit logs too, our auditors asked for them last year.'],
  ['Dana Demo', 'I will send a proposal for eighty seats and the security documentation this week.'],
  ['Ben Carter', 'Please include a multi-year option, we usually prefer three-year terms.'],
];

const PRICING_CALL: [string, string][] = [
  [
    'Dana Demo',
    'Welcome back. I sent the revised proposal on Monday: one hundred twenty thousand a year for eighty seats.',
  ],
  ['Alice Johnson', 'Thanks. Good news first: the budget for Q1 is approved.'],
  ['Alice Johnson', 'We still need the SSO and audit-log documentation before legal signs off.'],
  ['Chloe Nguyen', 'On security, I need your SOC 2 Type II report and the data retention policy.'],
  ['Dana Demo', 'I can share the SOC 2 report today under NDA.'],
  ['Dana Demo', 'The retention policy is configurable: thirty, ninety or three hundred sixty-five days.'],
  ['Chloe Nguyen', 'Ninety days would work for us. Where is the data hosted?'],
  ['Dana Demo', 'In the EU or the US, your choice. Most customers your size pick the US region.'],
  ['Chloe Nguyen', 'US is fine. I will also need a penetration test summary.'],
  ['Dana Demo', 'I will include the latest penetration test summary with the SOC 2 report.'],
  ['Alice Johnson', 'On price, Ben asked whether the multi-year discount still stands.'],
  ['Dana Demo', 'Yes: twelve percent off for a three-year term, paid annually.'],
  ['Alice Johnson', 'Could you go to fifteen percent if we sign before the end of the quarter?'],
  ['Dana Demo', 'I will need finance approval for fifteen percent; I will get back to you by Friday.'],
  ['Alice Johnson', 'Great. Then the only open item on our side is the liability cap in section nine.'],
  ['Dana Demo', 'Our legal team can accept two times annual fees as the cap.'],
  ['Alice Johnson', 'That should work. I will loop in our counsel.'],
  ['Chloe Nguyen', 'One more thing: do you support SCIM provisioning?'],
  ['Dana Demo', 'Yes, SCIM is included in the Enterprise license.'],
  ['Chloe Nguyen', 'Perfect, that removes a blocker for IT.'],
  ['Dana Demo', 'So next steps: I send SOC 2, the pen test summary and the SSO docs today.'],
  ['Dana Demo', 'And I confirm the fifteen percent discount with finance by Friday.'],
  ['Alice Johnson', 'And we target signature before the end of the quarter.'],
  ['Dana Demo', 'Sounds good. Thanks, both of you.'],
];
