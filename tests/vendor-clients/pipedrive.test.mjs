// Pipedrive's official Node SDK (`pipedrive`, its v1 and v2 APIs) against the emulated Pipedrive. The SDK hands
// back the parsed body and, on an error, throws the parsed error body: assertions are on those.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { v1, v2 } from "pipedrive";
import { startEmulator } from "./emulator.mjs";
import { refused as refusedBy, unique as uniqueBy } from "./expect.mjs";

let emu;
let api;

before(async () => {
  emu = await startEmulator();
  const root = emu.pipedrive.base_url.replace(/\/api\/v1\/?$/, "");
  const c1 = new v1.Configuration({ apiKey: emu.pipedrive.api_token, basePath: `${root}/api/v1` });
  const c2 = new v2.Configuration({ apiKey: emu.pipedrive.api_token, basePath: `${root}/api/v2` });
  api = {
    persons: new v2.PersonsApi(c2),
    organizations: new v2.OrganizationsApi(c2),
    deals: new v2.DealsApi(c2),
    pipelines: new v2.PipelinesApi(c2),
    stages: new v2.StagesApi(c2),
    activities: new v2.ActivitiesApi(c2),
    personsV1: new v1.PersonsApi(c1),
    organizationsV1: new v1.OrganizationsApi(c1),
    dealsV1: new v1.DealsApi(c1),
    notes: new v1.NotesApi(c1),
    users: new v1.UsersApi(c1),
    recents: new v1.RecentsApi(c1),
    personFields: new v1.PersonFieldsApi(c1),
    organizationFields: new v1.OrganizationFieldsApi(c1),
    dealFields: new v1.DealFieldsApi(c1),
    root,
  };
  // The SDK neither paces nor retries: like any real integration, stay inside the 2-second burst window.
  for (const client of Object.values(api)) client.axios?.interceptors.request.use(pace);
});

const sent = [];
/** At most 30 requests in any 2 s (Pipedrive's smallest plan allows 40 per token). */
async function pace(config) {
  for (;;) {
    const now = Date.now();
    while (sent.length && now - sent[0] > 2000) sent.shift();
    if (sent.length < 30) break;
    await new Promise((r) => setTimeout(r, 2000 - (now - sent[0]) + 5));
  }
  sent.push(Date.now());
  return config;
}

after(() => emu?.stop());

/** Pipedrive's SDK throws Pipedrive's error body itself. */
const refused = (f) => refusedBy(f, (e) => e.success === false);
const unique = (what) => uniqueBy(what);

test("v2 getPersons: a page with a next cursor, then the next page", async () => {
  const page = await api.persons.getPersons({ limit: 10 });
  assert.equal(page.success, true);
  assert.equal(page.data.length, 10);
  const p = page.data[0];
  assert.equal(typeof p.id, "number");
  assert.ok(Array.isArray(p.emails));
  assert.match(p.update_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(page.additional_data.next_cursor);
  const next = await api.persons.getPersons({ limit: 10, cursor: page.additional_data.next_cursor });
  assert.ok(next.data[0].id > page.data[9].id);
});

test("v2 getPersons with updated_since sorted by update_time", async () => {
  const page = await api.persons.getPersons({
    updated_since: "2000-01-01T00:00:00Z",
    sort_by: "update_time",
    sort_direction: "asc",
    limit: 100,
  });
  const times = page.data.map((p) => p.update_time);
  assert.deepEqual(times, [...times].sort());
});

test("v2 getPersons limit above 500 is refused", async () => {
  const e = await refused(() => api.persons.getPersons({ limit: 501 }));
  assert.match(e.error, /limit/);
});

test("v2 getPerson by id", async () => {
  const first = (await api.persons.getPersons({ limit: 1 })).data[0];
  const one = await api.persons.getPerson({ id: first.id });
  assert.equal(one.data.id, first.id);
  assert.equal(one.data.name, first.name);
});

test("v2 getPerson of a missing id is a 404 body", async () => {
  const e = await refused(() => api.persons.getPerson({ id: 99999999 }));
  assert.equal(e.success, false);
  assert.match(e.error, /not found/i);
});

test("v2 addPerson with emails and phones", async () => {
  const email = `${unique("p")}@example.com`;
  const res = await api.persons.addPerson({
    AddPersonRequest: {
      name: "Ann Lee",
      emails: [{ value: email, primary: true, label: "work" }],
      phones: [{ value: "+33 1 23 45 67 89", primary: true, label: "work" }],
    },
  });
  assert.equal(res.success, true);
  assert.equal(typeof res.data.id, "number");
  assert.equal(res.data.emails[0].value, email);
  assert.equal(res.data.phones[0].value, "+33 1 23 45 67 89");
});

test("v2 addPerson without a name is refused", async () => {
  const e = await refused(() =>
    api.persons.addPerson({ AddPersonRequest: { emails: [{ value: "x@example.com", primary: true }] } }),
  );
  assert.equal(e.success, false);
  assert.match(e.error, /name/);
});

test("v2 updatePerson (PATCH)", async () => {
  const made = (await api.persons.addPerson({ AddPersonRequest: { name: "Bea Old" } })).data;
  const res = await api.persons.updatePerson({ id: made.id, UpdatePersonRequest: { name: "Bea New" } });
  assert.equal(res.data.id, made.id);
  assert.equal(res.data.name, "Bea New");
});

test("v2 deletePerson answers the deleted id", async () => {
  const made = (await api.persons.addPerson({ AddPersonRequest: { name: "Cy Gone" } })).data;
  const res = await api.persons.deletePerson({ id: made.id });
  assert.equal(res.success, true);
  assert.equal(res.data.id, made.id);
});

test("v2 searchPersons by e-mail, exact", async () => {
  const email = `${unique("s")}@example.com`;
  const made = (
    await api.persons.addPerson({
      AddPersonRequest: { name: "Dee Search", emails: [{ value: email, primary: true }] },
    })
  ).data;
  const res = await api.persons.searchPersons({ term: email, fields: "email", exact_match: true });
  assert.equal(res.success, true);
  const ids = res.data.items.map((i) => i.item.id);
  assert.deepEqual(ids, [made.id]);
  assert.equal(typeof res.data.items[0].result_score, "number");
});

test("v2 getOrganizations and getOrganization", async () => {
  const page = await api.organizations.getOrganizations({ limit: 5 });
  assert.equal(page.data.length, 5);
  const one = await api.organizations.getOrganization({ id: page.data[0].id });
  assert.equal(one.data.name, page.data[0].name);
});

test("v2 addOrganization and updateOrganization", async () => {
  const made = await api.organizations.addOrganization({ AddOrganizationRequest: { name: unique("Acme") } });
  assert.equal(typeof made.data.id, "number");
  const upd = await api.organizations.updateOrganization({
    id: made.data.id,
    UpdateOrganizationRequest: { name: "Acme Renamed" },
  });
  assert.equal(upd.data.name, "Acme Renamed");
});

test("v2 searchOrganization", async () => {
  const name = unique("Zebra Works");
  const made = (await api.organizations.addOrganization({ AddOrganizationRequest: { name } })).data;
  const res = await api.organizations.searchOrganization({ term: name, fields: "name", exact_match: true });
  assert.deepEqual(
    res.data.items.map((i) => i.item.id),
    [made.id],
  );
});

test("v2 getDeals and getDeal: plain ids, value and stage", async () => {
  const page = await api.deals.getDeals({ limit: 5 });
  const d = page.data[0];
  assert.equal(typeof d.stage_id, "number");
  assert.equal(typeof d.pipeline_id, "number");
  const one = await api.deals.getDeal({ id: d.id });
  assert.equal(one.data.title, d.title);
});

test("v2 addDeal and updateDeal", async () => {
  const stage = (await api.stages.getStages({})).data[0];
  const made = await api.deals.addDeal({
    AddDealRequest: { title: unique("Deal"), value: 1200, currency: "EUR", stage_id: stage.id },
  });
  assert.equal(made.data.value, 1200);
  assert.equal(made.data.stage_id, stage.id);
  const upd = await api.deals.updateDeal({ id: made.data.id, UpdateDealRequest: { value: 1500 } });
  assert.equal(upd.data.value, 1500);
});

test("v2 deleteDeal", async () => {
  const made = (await api.deals.addDeal({ AddDealRequest: { title: unique("Gone deal") } })).data;
  const res = await api.deals.deleteDeal({ id: made.id });
  assert.equal(res.data.id, made.id);
});

test("v2 getPipelines", async () => {
  const res = await api.pipelines.getPipelines({});
  assert.equal(res.success, true);
  assert.ok(res.data.length > 0);
  const p = res.data[0];
  assert.equal(typeof p.id, "number");
  assert.equal(typeof p.name, "string");
  assert.equal(typeof p.is_deal_probability_enabled, "boolean");
});

test("v2 getPipeline by id", async () => {
  const first = (await api.pipelines.getPipelines({})).data[0];
  const one = await api.pipelines.getPipeline({ id: first.id });
  assert.equal(one.data.name, first.name);
});

test("v2 getStages of a pipeline", async () => {
  const pipeline = (await api.pipelines.getPipelines({})).data[0];
  const res = await api.stages.getStages({ pipeline_id: pipeline.id });
  assert.ok(res.data.length > 0);
  assert.ok(res.data.every((s) => s.pipeline_id === pipeline.id && typeof s.deal_probability === "number"));
});

test("v2 getStage by id", async () => {
  const first = (await api.stages.getStages({})).data[0];
  const one = await api.stages.getStage({ id: first.id });
  assert.equal(one.data.name, first.name);
});

test("v1 mergePersons: the survivor is the merge_with_id", async () => {
  const a = (await api.persons.addPerson({ AddPersonRequest: { name: "Eve Keep" } })).data;
  const b = (await api.persons.addPerson({ AddPersonRequest: { name: "Eve Merge" } })).data;
  const res = await api.personsV1.mergePersons({ id: b.id, MergePersonsRequest: { merge_with_id: a.id } });
  assert.equal(res.success, true);
  assert.equal(res.data.id, a.id);
  await refused(() => api.persons.getPerson({ id: b.id }));
});

test("v1 mergeOrganizations", async () => {
  const a = (
    await api.organizations.addOrganization({ AddOrganizationRequest: { name: unique("Keep Org") } })
  ).data;
  const b = (
    await api.organizations.addOrganization({ AddOrganizationRequest: { name: unique("Merge Org") } })
  ).data;
  const res = await api.organizationsV1.mergeOrganizations({
    id: b.id,
    MergeOrganizationsRequest: { merge_with_id: a.id },
  });
  assert.equal(res.data.id, a.id);
});

test("v1 mergeDeals", async () => {
  const a = (await api.deals.addDeal({ AddDealRequest: { title: unique("Keep deal") } })).data;
  const b = (await api.deals.addDeal({ AddDealRequest: { title: unique("Merge deal") } })).data;
  const res = await api.dealsV1.mergeDeals({ id: b.id, MergeDealsRequest: { merge_with_id: a.id } });
  assert.equal(res.data.id, a.id);
});

test("v1 getNotes with start/limit paging", async () => {
  const res = await api.notes.getNotes({ start: 0, limit: 5 });
  assert.equal(res.data.length, 5);
  assert.equal(typeof res.data[0].content, "string");
  assert.equal(res.additional_data.pagination.more_items_in_collection, true);
  assert.equal(res.additional_data.pagination.next_start, 5);
});

test("v1 addNote, getNote, updateNote, deleteNote", async () => {
  const person = (await api.persons.getPersons({ limit: 1 })).data[0];
  const made = await api.notes.addNote({
    AddNoteRequest: { content: "Called, wants a demo", person_id: person.id },
  });
  assert.equal(made.data.person_id, person.id);
  const got = await api.notes.getNote({ id: made.data.id });
  assert.equal(got.data.content, "Called, wants a demo");
  const upd = await api.notes.updateNote({ id: made.data.id, NoteRequest: { content: "Demo booked" } });
  assert.equal(upd.data.content, "Demo booked");
  const del = await api.notes.deleteNote({ id: made.data.id });
  assert.equal(del.success, true);
});

test("v2 addActivity of each type on a person, getActivity, updateActivity (PATCH), deleteActivity", async () => {
  const person = (await api.persons.getPersons({ limit: 1 })).data[0];
  for (const type of ["call", "meeting", "task", "email"]) {
    const made = await api.activities.addActivity({
      AddActivityRequest: {
        subject: `${type} ${unique("a")}`,
        type,
        due_date: "2026-10-05",
        due_time: "15:00",
        duration: "01:00",
        person_id: person.id,
        note: "With the CFO",
        done: false,
      },
    });
    assert.equal(made.success, true);
    assert.equal(made.data.type, type);
    assert.equal(made.data.person_id, person.id);
    assert.equal(typeof made.data.update_time, "string");
    const got = await api.activities.getActivity({ id: made.data.id });
    assert.equal(got.data.duration, "01:00");
    const upd = await api.activities.updateActivity({ id: made.data.id, AddActivityRequest: { done: true } });
    assert.equal(upd.data.done, true);
    assert.equal(upd.data.type, type);
    const del = await api.activities.deleteActivity({ id: made.data.id });
    assert.equal(del.data.id, made.data.id);
  }
});

test("v2 getActivities by update time, with a cursor", async () => {
  const person = (await api.persons.getPersons({ limit: 1 })).data[0];
  for (let i = 0; i < 3; i++) {
    await api.activities.addActivity({
      AddActivityRequest: { subject: unique("t"), type: "task", person_id: person.id },
    });
  }
  const first = await api.activities.getActivities({
    updated_since: "2020-01-01T00:00:00Z",
    sort_by: "update_time",
    sort_direction: "asc",
    limit: 2,
  });
  assert.equal(first.data.length, 2);
  const next = first.additional_data.next_cursor;
  assert.ok(next);
  const rest = await api.activities.getActivities({
    updated_since: "2020-01-01T00:00:00Z",
    sort_by: "update_time",
    sort_direction: "asc",
    limit: 500,
    cursor: next,
  });
  assert.ok(rest.data.length >= 1);
  assert.ok(!rest.data.some((a) => first.data.some((b) => b.id === a.id)));
});

test("v2 addActivity with an unknown type or a bad duration is refused", async () => {
  let e = await refused(() =>
    api.activities.addActivity({ AddActivityRequest: { subject: "x", type: "telepathy" } }),
  );
  assert.match(e.error, /type/);
  e = await refused(() =>
    api.activities.addActivity({ AddActivityRequest: { subject: "x", type: "call", duration: "95" } }),
  );
  assert.match(e.error, /duration/);
});

test("v1 addNote dated in the past keeps its add_time", async () => {
  const person = (await api.persons.getPersons({ limit: 1 })).data[0];
  const made = await api.notes.addNote({
    AddNoteRequest: {
      content: "Met at the trade show",
      person_id: person.id,
      add_time: "2025-03-04 10:20:30",
    },
  });
  assert.equal(made.data.add_time, "2025-03-04 10:20:30");
});

test("v1 getCurrentUser", async () => {
  const res = await api.users.getCurrentUser();
  assert.equal(typeof res.data.id, "number");
  assert.match(res.data.email, /@/);
  assert.equal(typeof res.data.company_id, "number");
});

test("v1 getUsers", async () => {
  const res = await api.users.getUsers();
  assert.ok(res.data.length > 0);
  assert.ok(res.data.every((u) => typeof u.id === "number" && typeof u.active_flag === "boolean"));
});

test("v1 getRecents since a moment", async () => {
  const res = await api.recents.getRecents({
    since_timestamp: "2000-01-01 00:00:00",
    items: "person",
    limit: 10,
  });
  assert.equal(res.success, true);
  assert.ok(res.data.length > 0);
  assert.equal(res.data[0].item, "person");
  assert.equal(typeof res.data[0].data.id, "number");
});

test("v1 getPersonFields: keys, names, option lists", async () => {
  const res = await api.personFields.getPersonFields({});
  const email = res.data.find((f) => f.key === "email");
  assert.ok(email);
  assert.equal(typeof email.name, "string");
  assert.equal(typeof email.field_type, "string");
  assert.ok(
    res.data.some((f) => /^[0-9a-f]{40}$/.test(f.key)),
    "no custom field key",
  );
});

test("v1 addPersonField: an enum field with option ids and a new 40-hex key, listed after", async () => {
  const res = await api.personFields.addPersonField({
    CreateFieldRequest: {
      name: uniqueBy("Buying role"),
      field_type: "enum",
      options: [{ label: "Champion" }, { label: "User" }],
    },
  });
  assert.equal(res.success, true);
  assert.match(res.data.key, /^[0-9a-f]{40}$/);
  assert.equal(res.data.field_type, "enum");
  assert.deepEqual(
    res.data.options.map((o) => o.label),
    ["Champion", "User"],
  );
  assert.ok(res.data.options.every((o) => typeof o.id === "number"));
  const listed = await api.personFields.getPersonFields({});
  assert.ok(listed.data.some((f) => f.key === res.data.key));
  const e = await refused(() =>
    api.personFields.addPersonField({ CreateFieldRequest: { name: "No options", field_type: "enum" } }),
  );
  assert.equal(e.success, false);
});

test("v1 getOrganizationFields", async () => {
  const res = await api.organizationFields.getOrganizationFields({});
  assert.ok(res.data.some((f) => f.key === "name"));
});

test("v1 getDealFields", async () => {
  const res = await api.dealFields.getDealFields({});
  assert.ok(res.data.some((f) => f.key === "stage_id"));
});

test("a wrong API token is a 401 body", async () => {
  const bad = new v2.PersonsApi(new v2.Configuration({ apiKey: "wrong", basePath: `${api.root}/api/v2` }));
  const e = await refused(() => bad.getPersons({ limit: 1 }));
  assert.equal(e.errorCode, 401);
  assert.match(e.error, /unauthorized/i);
});

test("over the burst limit: 429 'Request over limit', and a later call succeeds", async () => {
  await new Promise((r) => setTimeout(r, 2100));
  const unpaced = new v1.UsersApi(
    new v1.Configuration({ apiKey: emu.pipedrive.api_token, basePath: `${api.root}/api/v1` }),
  );
  const settled = await Promise.allSettled(Array.from({ length: 60 }, () => unpaced.getCurrentUser()));
  const over = settled.filter((s) => s.status === "rejected").map((s) => s.reason);
  assert.ok(over.length > 0, "60 calls at once were all accepted");
  assert.ok(over.every((e) => e.success === false && e.error === "Request over limit"));
  await new Promise((r) => setTimeout(r, 2100));
  const res = await api.users.getCurrentUser();
  assert.equal(res.success, true);
});
