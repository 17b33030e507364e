// HubSpot's official Node SDK (@hubspot/api-client) against the emulated HubSpot: every assertion is on what
// the SDK returns after its own deserialisation (Dates parsed, typed models, its ApiException on errors).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@hubspot/api-client";
import { startEmulator } from "./emulator.mjs";
import { refused as refusedBy, unique as uniqueBy } from "./expect.mjs";

let emu;
let hubspot;
const retrying = (retries = 3) =>
  new Client({
    accessToken: emu.hubspot.token,
    basePath: emu.hubspot.base_url,
    numberOfApiCallRetries: retries,
  });

before(async () => {
  emu = await startEmulator();
  hubspot = new Client({
    accessToken: emu.hubspot.token,
    basePath: emu.hubspot.base_url,
    numberOfApiCallRetries: 0,
  });
});

after(() => emu?.stop());

/** HubSpot's SDK reports a refusal as an ApiException with the HTTP status as `code`. */
const refused = (f) => refusedBy(f, (e) => typeof e.code === "number");
const unique = (what) => uniqueBy(what);

test("contacts getPage: repeated properties, paging, Dates parsed", async () => {
  const page = await hubspot.crm.contacts.basicApi.getPage(5, undefined, ["email", "firstname", "phone"]);
  assert.equal(page.results.length, 5);
  const c = page.results[0];
  assert.match(c.id, /^\d+$/);
  assert.ok(c.createdAt instanceof Date && !Number.isNaN(c.createdAt.getTime()));
  assert.ok(c.updatedAt instanceof Date);
  assert.ok("email" in c.properties && "firstname" in c.properties && "phone" in c.properties);
  assert.ok(page.paging.next.after);
  const next = await hubspot.crm.contacts.basicApi.getPage(5, page.paging.next.after, ["email"]);
  assert.notEqual(next.results[0].id, c.id);
  assert.ok(Number(next.results[0].id) > Number(page.results[4].id));
});

test("contacts getPage with associations=companies lists each contact's companies", async () => {
  const page = await hubspot.crm.contacts.basicApi.getPage(50, undefined, ["email"], undefined, [
    "companies",
  ]);
  const linked = page.results.filter((c) => c.associations?.companies?.results?.length);
  assert.ok(linked.length > 0, "no contact came with its companies");
  const a = linked[0].associations.companies.results[0];
  assert.match(a.id, /^\d+$/);
  assert.equal(typeof a.type, "string");
});

test("companies getAll follows every page (the SDK's own paging loop)", async () => {
  const all = await hubspot.crm.companies.getAll(25, undefined, ["name", "domain"]);
  assert.ok(all.length > 50, `only ${all.length}`);
  assert.equal(new Set(all.map((c) => c.id)).size, all.length);
  assert.ok(all.every((c) => c.createdAt instanceof Date));
});

test("contacts getById with properties and associations", async () => {
  const page = await hubspot.crm.contacts.basicApi.getPage(1, undefined, ["email"]);
  const id = page.results[0].id;
  const c = await hubspot.crm.contacts.basicApi.getById(id, ["email", "lastname"], undefined, ["companies"]);
  assert.equal(c.id, id);
  assert.equal(c.properties.email, page.results[0].properties.email);
  assert.ok("lastname" in c.properties);
  assert.equal(c.archived, false);
});

test("contacts getById by idProperty=email", async () => {
  const page = await hubspot.crm.contacts.basicApi.getPage(1, undefined, ["email"]);
  const { id, properties } = page.results[0];
  const c = await hubspot.crm.contacts.basicApi.getById(
    properties.email,
    ["email"],
    undefined,
    undefined,
    false,
    "email",
  );
  assert.equal(c.id, id);
});

test("contacts getById of a missing id is a 404 ApiException with HubSpot's body", async () => {
  const e = await refused(() => hubspot.crm.contacts.basicApi.getById("999999999"));
  assert.equal(e.code, 404);
  assert.equal(e.body.status, "error");
  assert.equal(e.body.category, "OBJECT_NOT_FOUND");
  assert.match(e.body.correlationId, /^[0-9a-f-]{36}$/);
});

test("contacts create answers 201 with the created contact", async () => {
  const email = `${unique("ann")}@example.com`;
  const c = await hubspot.crm.contacts.basicApi.create({
    properties: { email, firstname: "Ann", lastname: "Lee" },
    associations: [],
  });
  assert.match(c.id, /^\d+$/);
  assert.equal(c.properties.email, email);
  assert.equal(c.properties.firstname, "Ann");
  assert.ok(c.createdAt instanceof Date);
});

test("contacts create with an e-mail that exists is a 409 naming the existing id", async () => {
  const email = `${unique("dup")}@example.com`;
  const first = await hubspot.crm.contacts.basicApi.create({ properties: { email }, associations: [] });
  const e = await refused(() =>
    hubspot.crm.contacts.basicApi.create({ properties: { email: email.toUpperCase() }, associations: [] }),
  );
  assert.equal(e.code, 409);
  assert.equal(e.body.category, "CONFLICT");
  assert.equal(e.body.message, `Contact already exists. Existing ID: ${first.id}`);
});

test("contacts create with an invalid e-mail is a 400 naming the property", async () => {
  const e = await refused(() =>
    hubspot.crm.contacts.basicApi.create({ properties: { email: "not an email" }, associations: [] }),
  );
  assert.equal(e.code, 400);
  assert.equal(e.body.category, "VALIDATION_ERROR");
  assert.match(e.body.message, /INVALID_EMAIL/);
  assert.match(e.body.message, /"name":"email"/);
});

test("companies create with an association to a contact", async () => {
  const contact = (await hubspot.crm.contacts.basicApi.getPage(1)).results[0];
  const company = await hubspot.crm.companies.basicApi.create({
    properties: { name: unique("Acme"), domain: `${unique("acme")}.example` },
    associations: [
      { to: { id: contact.id }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 280 }] },
    ],
  });
  const linked = await hubspot.crm.associations.v4.basicApi.getPage("companies", company.id, "contacts");
  assert.deepEqual(
    linked.results.map((r) => r.toObjectId),
    [contact.id],
  );
});

test("contacts update changes the property and updatedAt", async () => {
  const c = await hubspot.crm.contacts.basicApi.create({
    properties: { email: `${unique("upd")}@example.com`, jobtitle: "Rep" },
    associations: [],
  });
  const u = await hubspot.crm.contacts.basicApi.update(c.id, { properties: { jobtitle: "Head of Sales" } });
  assert.equal(u.id, c.id);
  assert.equal(u.properties.jobtitle, "Head of Sales");
  assert.ok(u.updatedAt.getTime() >= c.updatedAt.getTime());
});

test("contacts update by idProperty=email", async () => {
  const email = `${unique("byemail")}@example.com`;
  const c = await hubspot.crm.contacts.basicApi.create({ properties: { email }, associations: [] });
  const u = await hubspot.crm.contacts.basicApi.update(email, { properties: { city: "Lyon" } }, "email");
  assert.equal(u.id, c.id);
  assert.equal(u.properties.city, "Lyon");
});

test("contacts archive, then the archived list shows it with archivedAt", async () => {
  const c = await hubspot.crm.contacts.basicApi.create({
    properties: { email: `${unique("gone")}@example.com` },
    associations: [],
  });
  await hubspot.crm.contacts.basicApi.archive(c.id);
  const e = await refused(() => hubspot.crm.contacts.basicApi.getById(c.id));
  assert.equal(e.code, 404);
  const archived = await hubspot.crm.contacts.getAll(100, undefined, undefined, undefined, undefined, true);
  const row = archived.find((r) => r.id === c.id);
  assert.ok(row, "the archived contact is not listed with archived=true");
  assert.equal(row.archived, true);
  assert.ok(row.archivedAt instanceof Date);
});

test("deals getPage through the generic objects API", async () => {
  const page = await hubspot.crm.objects.basicApi.getPage("deals", 10, undefined, [
    "dealname",
    "amount",
    "dealstage",
    "pipeline",
  ]);
  assert.equal(page.results.length, 10);
  assert.ok(page.results.every((d) => typeof d.properties.dealname === "string"));
});

test("notes getPage with associations through the generic objects API", async () => {
  const page = await hubspot.crm.objects.basicApi.getPage(
    "notes",
    20,
    undefined,
    ["hs_note_body", "hs_timestamp"],
    undefined,
    ["contacts"],
  );
  assert.ok(page.results.length > 0);
  assert.ok(page.results.some((n) => n.associations?.contacts?.results?.length));
});

test("objects getById of a note", async () => {
  const first = (await hubspot.crm.objects.basicApi.getPage("notes", 1)).results[0];
  const note = await hubspot.crm.objects.basicApi.getById("notes", first.id, ["hs_note_body"]);
  assert.equal(note.id, first.id);
  assert.equal(typeof note.properties.hs_note_body, "string");
});

test("contacts batch read, with an unknown id reported as an error", async () => {
  const ids = (await hubspot.crm.contacts.basicApi.getPage(3)).results.map((c) => c.id);
  const res = await hubspot.crm.contacts.batchApi.read({
    inputs: ids.map((id) => ({ id })),
    properties: ["email"],
    propertiesWithHistory: [],
  });
  assert.equal(res.status, "COMPLETE");
  assert.deepEqual(res.results.map((r) => r.id).sort(), [...ids].sort());
  assert.ok(res.startedAt instanceof Date && res.completedAt instanceof Date);
});

test("contacts batch create and batch update", async () => {
  const inputs = [1, 2, 3].map((i) => ({
    properties: { email: `${unique(`b${i}`)}@example.com`, firstname: `B${i}` },
    associations: [],
  }));
  const created = await hubspot.crm.contacts.batchApi.create({ inputs });
  assert.equal(created.status, "COMPLETE");
  assert.equal(created.results.length, 3);
  const updated = await hubspot.crm.contacts.batchApi.update({
    inputs: created.results.map((r) => ({ id: r.id, properties: { lastname: "Batch" } })),
  });
  assert.equal(updated.results.length, 3);
  assert.ok(updated.results.every((r) => r.properties.lastname === "Batch"));
});

test("contacts batch create with one existing e-mail is refused whole with a 409", async () => {
  const email = `${unique("bx")}@example.com`;
  await hubspot.crm.contacts.basicApi.create({ properties: { email }, associations: [] });
  const e = await refused(() =>
    hubspot.crm.contacts.batchApi.create({
      inputs: [
        { properties: { email }, associations: [] },
        { properties: { email: `${unique("by")}@example.com` }, associations: [] },
      ],
    }),
  );
  assert.equal(e.code, 409);
  assert.match(e.body.message, /already exists/);
});

test("contacts batch upsert by e-mail creates and updates", async () => {
  const existing = `${unique("up1")}@example.com`;
  const made = await hubspot.crm.contacts.basicApi.create({
    properties: { email: existing },
    associations: [],
  });
  const fresh = `${unique("up2")}@example.com`;
  const res = await hubspot.crm.contacts.batchApi.upsert({
    inputs: [
      { idProperty: "email", id: existing, properties: { firstname: "Old" } },
      { idProperty: "email", id: fresh, properties: { firstname: "New" } },
    ],
  });
  const byEmail = Object.fromEntries(res.results.map((r) => [r.properties.email, r]));
  assert.equal(byEmail[existing].id, made.id);
  assert.equal(byEmail[existing]._new, false);
  assert.equal(byEmail[fresh]._new, true);
});

test("contacts batch archive", async () => {
  const c = await hubspot.crm.contacts.basicApi.create({
    properties: { email: `${unique("ba")}@example.com` },
    associations: [],
  });
  await hubspot.crm.contacts.batchApi.archive({ inputs: [{ id: c.id }] });
  assert.equal((await refused(() => hubspot.crm.contacts.basicApi.getById(c.id))).code, 404);
});

test("contacts search: a filter, string sorts and paging with a total", async () => {
  const res = await hubspot.crm.contacts.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: "email", operator: "HAS_PROPERTY" }] }],
    sorts: ["-createdate"],
    properties: ["email", "createdate"],
    limit: 10,
    after: "0",
  });
  assert.ok(res.total > 10);
  assert.equal(res.results.length, 10);
  const times = res.results.map((r) => r.createdAt.getTime());
  assert.deepEqual(
    times,
    [...times].sort((a, b) => b - a),
    "not sorted by createdate descending",
  );
  assert.ok(res.paging.next.after);
});

test("companies search with object sorts and an EQ filter", async () => {
  const one = (await hubspot.crm.companies.basicApi.getPage(1, undefined, ["name"])).results[0];
  const res = await hubspot.crm.companies.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: "name", operator: "EQ", value: one.properties.name }] }],
    sorts: [{ propertyName: "hs_lastmodifieddate", direction: "ASCENDING" }],
    properties: ["name"],
    limit: 100,
  });
  assert.ok(res.results.some((r) => r.id === one.id));
});

test("deals search on hs_lastmodifieddate GTE (an incremental pull)", async () => {
  const res = await hubspot.crm.deals.searchApi.doSearch({
    filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: "0" }] }],
    sorts: ["hs_lastmodifieddate"],
    properties: ["dealname"],
    limit: 200,
  });
  assert.ok(res.total > 0);
  const times = res.results.map((r) => r.updatedAt.getTime());
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  );
});

test("search over its per-second limit: the SDK's own retry succeeds", async () => {
  const client = retrying();
  const body = { filterGroups: [], sorts: [], properties: ["email"], limit: 1 };
  const all = await Promise.all(
    Array.from({ length: 9 }, () => client.crm.contacts.searchApi.doSearch(body)),
  );
  assert.equal(all.length, 9);
  assert.ok(all.every((r) => r.results.length === 1));
});

test("search without the retry: a 429 with the secondly-limit message", async () => {
  const body = { filterGroups: [], sorts: [], properties: ["email"], limit: 1 };
  const settled = await Promise.allSettled(
    Array.from({ length: 9 }, () => hubspot.crm.contacts.searchApi.doSearch(body)),
  );
  const refusedOnes = settled.filter((s) => s.status === "rejected").map((s) => s.reason);
  assert.ok(refusedOnes.length > 0, "nine searches at once were all accepted");
  assert.ok(
    refusedOnes.every((e) => e.code === 429 && e.body.message === "You have reached your secondly limit."),
  );
  await new Promise((r) => setTimeout(r, 1100));
});

test("contacts merge keeps the primary and answers the merged contact", async () => {
  const a = await hubspot.crm.contacts.basicApi.create({
    properties: { email: `${unique("ma")}@example.com` },
    associations: [],
  });
  const b = await hubspot.crm.contacts.basicApi.create({
    properties: { email: `${unique("mb")}@example.com`, phone: "+1 555 0100" },
    associations: [],
  });
  const merged = await hubspot.crm.contacts.basicApi.merge({ primaryObjectId: a.id, objectIdToMerge: b.id });
  assert.equal(merged.id, a.id);
  assert.equal((await refused(() => hubspot.crm.contacts.basicApi.getById(b.id))).code, 404);
});

test("associations v4: createDefault, getPage, archive", async () => {
  const contact = await hubspot.crm.contacts.basicApi.create({
    properties: { email: `${unique("as")}@example.com` },
    associations: [],
  });
  const company = (await hubspot.crm.companies.basicApi.getPage(1)).results[0];
  const made = await hubspot.crm.associations.v4.basicApi.createDefault(
    "contacts",
    contact.id,
    "companies",
    company.id,
  );
  assert.equal(made.status, "COMPLETE");
  const page = await hubspot.crm.associations.v4.basicApi.getPage("contacts", contact.id, "companies");
  assert.deepEqual(
    page.results.map((r) => r.toObjectId),
    [company.id],
  );
  assert.ok(
    page.results[0].associationTypes.some(
      (t) => t.category === "HUBSPOT_DEFINED" && typeof t.typeId === "number",
    ),
  );
  await hubspot.crm.associations.v4.basicApi.archive("contacts", contact.id, "companies", company.id);
  const after = await hubspot.crm.associations.v4.basicApi.getPage("contacts", contact.id, "companies");
  assert.equal(after.results.length, 0);
});

// Engagements: each kind its own object (calls, emails, meetings, tasks), with HubSpot's properties and
// its default association type ids to contacts (call 194, email 198, meeting 200, task 204).
for (const [object, typeId, properties, check] of [
  [
    "calls",
    194,
    { hs_call_title: "Proposal call", hs_call_direction: "OUTBOUND", hs_call_duration: "95000" },
    "hs_call_direction",
  ],
  [
    "emails",
    198,
    { hs_email_subject: "Re: pricing", hs_email_direction: "INCOMING_EMAIL", hs_email_text: "Friday?" },
    "hs_email_direction",
  ],
  [
    "meetings",
    200,
    {
      hs_meeting_title: "Demo",
      hs_meeting_start_time: "2026-10-05T15:00:00.000Z",
      hs_meeting_end_time: "2026-10-05T16:00:00.000Z",
      hs_meeting_outcome: "COMPLETED",
    },
    "hs_meeting_outcome",
  ],
  ["tasks", 204, { hs_task_subject: "Send it", hs_task_status: "NOT_STARTED" }, "hs_task_status"],
]) {
  test(`${object}: created on a contact through the SDK's own ${object} API, read, listed, archived`, async () => {
    const api = hubspot.crm.objects[object].basicApi;
    const contact = (await hubspot.crm.contacts.basicApi.getPage(1)).results[0];
    const made = await api.create({
      properties: { hs_timestamp: "2026-10-01T09:30:00.000Z", ...properties },
      associations: [
        {
          to: { id: contact.id },
          types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: typeId }],
        },
      ],
    });
    assert.match(made.id, /^\d+$/);
    assert.ok(made.createdAt instanceof Date);
    assert.equal(made.properties[check], properties[check]);
    const read = await api.getById(made.id, Object.keys(properties), undefined, ["contacts"]);
    assert.equal(read.properties[check], properties[check]);
    assert.deepEqual(
      read.associations.contacts.results.map((r) => r.id),
      [contact.id],
    );
    const linked = await hubspot.crm.associations.v4.basicApi.getPage(object, made.id, "contacts");
    assert.ok(linked.results[0].associationTypes.some((t) => t.typeId === typeId));
    const page = await api.getPage(100, undefined, [check]);
    assert.ok(page.results.some((r) => r.id === made.id));
    const found = await hubspot.crm.objects[object].searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: "0" }] }],
      sorts: ["hs_lastmodifieddate"],
      properties: [check],
      limit: 100,
    });
    assert.ok(found.results.some((r) => r.id === made.id));
    const schema = await hubspot.crm.properties.coreApi.getByName(object, check);
    assert.ok(schema.options.some((o) => o.value === properties[check]) || schema.options.length === 0);
    await api.archive(made.id);
    await refused(() => api.getById(made.id));
  });
}

test("a value a HubSpot-defined picklist lacks is refused with INVALID_OPTION, naming the property", async () => {
  const e = await refused(() =>
    hubspot.crm.objects.meetings.basicApi.create({
      properties: { hs_timestamp: "2026-10-01T09:30:00.000Z", hs_meeting_outcome: "completed" },
      associations: [],
    }),
  );
  assert.equal(e.code, 400);
  assert.match(e.body.message, /INVALID_OPTION/);
  assert.match(e.body.message, /hs_meeting_outcome/);
  const ok = await hubspot.crm.contacts.basicApi.create({
    properties: { email: `${unique("lc")}@example.com`, lifecyclestage: "marketingqualifiedlead" },
    associations: [],
  });
  assert.equal(ok.properties.lifecyclestage, "marketingqualifiedlead");
  await refused(() =>
    hubspot.crm.contacts.basicApi.update(ok.id, { properties: { lifecyclestage: "Hot lead" } }),
  );
});

test("associations v4 batch read: each contact's companies", async () => {
  const ids = (await hubspot.crm.contacts.basicApi.getPage(20)).results.map((c) => c.id);
  const res = await hubspot.crm.associations.v4.batchApi.getPage("contacts", "companies", {
    inputs: ids.map((id) => ({ id })),
  });
  assert.ok(res.results.length > 0);
  const r = res.results[0];
  assert.ok(ids.includes(String(r._from.id)));
  assert.ok(r.to.every((t) => /^\d+$/.test(t.toObjectId)));
});

test("properties getAll for contacts: names, types and options", async () => {
  const res = await hubspot.crm.properties.coreApi.getAll("contacts");
  const email = res.results.find((p) => p.name === "email");
  assert.ok(email, "no email property");
  assert.equal(email.type, "string");
  assert.equal(typeof email.label, "string");
  assert.ok(Array.isArray(email.options));
  assert.ok(res.results.some((p) => p.name === "lifecyclestage" && p.options.length > 0));
  // What HubSpot sets itself is read-only; a standard property beyond the usual ones is writable.
  const byName = Object.fromEntries(res.results.map((p) => [p.name, p]));
  assert.equal(byName.createdate.modificationMetadata.readOnlyValue, true);
  assert.equal(byName.mobilephone.modificationMetadata.readOnlyValue, false);
  assert.equal(byName.mobilephone.hubspotDefined, true);
});

test("properties create: a custom picklist, listed after, written to; a taken name is a 409", async () => {
  const name = uniqueBy("buying_role", "_").toLowerCase();
  const created = await hubspot.crm.properties.coreApi.create("contacts", {
    name,
    label: "Buying role",
    type: "enumeration",
    fieldType: "select",
    groupName: "contactinformation",
    options: [
      { label: "Champion", value: "Champion", displayOrder: 0, hidden: false },
      { label: "User", value: "User", displayOrder: 1, hidden: false },
    ],
  });
  assert.equal(created.name, name);
  assert.equal(created.type, "enumeration");
  assert.deepEqual(
    created.options.map((o) => o.value),
    ["Champion", "User"],
  );
  assert.ok(created.createdAt instanceof Date);
  const listed = await hubspot.crm.properties.coreApi.getByName("contacts", name);
  assert.equal(listed.label, "Buying role");
  const contact = await hubspot.crm.contacts.basicApi.create({
    properties: { email: `${uniqueBy("role")}@example.com`, [name]: "Champion" },
  });
  assert.equal(contact.properties[name], "Champion");
  const taken = await refused(() =>
    hubspot.crm.properties.coreApi.create("contacts", {
      name,
      label: "Again",
      type: "string",
      fieldType: "text",
      groupName: "contactinformation",
    }),
  );
  assert.equal(taken.code, 409);
});

test("a write naming a property that does not exist is refused with PROPERTY_DOESNT_EXIST", async () => {
  const e = await refused(() =>
    hubspot.crm.contacts.basicApi.create({
      properties: { email: `${uniqueBy("nope")}@example.com`, no_such_property: "x" },
    }),
  );
  assert.equal(e.code, 400);
  assert.match(JSON.stringify(e.body), /PROPERTY_DOESNT_EXIST/);
});

test("properties getByName", async () => {
  const p = await hubspot.crm.properties.coreApi.getByName("deals", "dealstage");
  assert.equal(p.name, "dealstage");
  assert.equal(p.type, "enumeration");
});

test("pipelines getAll for deals: stages with probabilities", async () => {
  const res = await hubspot.crm.pipelines.pipelinesApi.getAll("deals");
  assert.ok(res.results.length > 0);
  const p = res.results[0];
  assert.equal(typeof p.id, "string");
  assert.ok(p.stages.length > 0);
  assert.ok(p.stages.every((s) => typeof s.metadata.probability === "string"));
  assert.ok(p.createdAt instanceof Date);
});

test("pipeline stages getAll", async () => {
  const pipeline = (await hubspot.crm.pipelines.pipelinesApi.getAll("deals")).results[0];
  const stages = await hubspot.crm.pipelines.pipelineStagesApi.getAll("deals", pipeline.id);
  assert.deepEqual(
    stages.results.map((s) => s.id),
    pipeline.stages.map((s) => s.id),
  );
});

test("owners getPage", async () => {
  const res = await hubspot.crm.owners.ownersApi.getPage(undefined, undefined, 100);
  assert.ok(res.results.length > 0);
  const o = res.results[0];
  assert.match(o.email, /@/);
  assert.equal(typeof o.id, "string");
  assert.ok(o.createdAt instanceof Date);
});

test("owners getById", async () => {
  const first = (await hubspot.crm.owners.ownersApi.getPage()).results[0];
  const o = await hubspot.crm.owners.ownersApi.getById(Number(first.id));
  assert.equal(o.email, first.email);
});

test("a wrong token is a 401 ApiException with INVALID_AUTHENTICATION", async () => {
  const bad = new Client({
    accessToken: "pat-na1-wrong",
    basePath: emu.hubspot.base_url,
    numberOfApiCallRetries: 0,
  });
  const e = await refused(() => bad.crm.contacts.basicApi.getPage(1));
  assert.equal(e.code, 401);
  assert.equal(e.body.category, "INVALID_AUTHENTICATION");
});

test("5xx answers: the SDK's own retry succeeds", async () => {
  await emu.admin.faults("hubspot", "error_rate=0.3,seed=3");
  try {
    const client = retrying(6);
    for (let i = 0; i < 6; i++) {
      const page = await client.crm.companies.basicApi.getPage(2);
      assert.equal(page.results.length, 2);
    }
  } finally {
    await emu.admin.faults("hubspot", "");
  }
});

test("apiRequest: account details", async () => {
  const r = await hubspot.apiRequest({ method: "GET", path: "/account-info/v3/details" });
  const body = await r.json();
  assert.equal(typeof body.portalId, "number");
});

test("schemas getAll: the portal's custom object, whose records the generic objects API keeps", async () => {
  const all = await hubspot.crm.schemas.coreApi.getAll();
  const invoices = all.results.find((s) => s.name === "invoices");
  assert.ok(invoices, "no invoices schema");
  assert.equal(invoices.objectTypeId, "2-7100001");
  assert.match(invoices.fullyQualifiedName, /^p\d+_invoices$/);
  assert.deepEqual([invoices.labels.singular, invoices.labels.plural], ["Invoice", "Invoices"]);
  assert.equal(invoices.primaryDisplayProperty, "invoice_number");
  assert.ok(invoices.createdAt instanceof Date);
  assert.equal(invoices.associations[0].toObjectTypeId, "0-2");
  assert.ok(invoices.properties.some((p) => p.name === "amount" && p.type === "number"));
  const number = unique("INV");
  const created = await hubspot.crm.objects.basicApi.create("2-7100001", {
    properties: { invoice_number: number, amount: "12.5" },
    associations: [],
  });
  // By its fully qualified name too, as HubSpot takes either.
  const read = await hubspot.crm.objects.basicApi.getById(invoices.fullyQualifiedName, created.id, [
    "invoice_number",
    "amount",
  ]);
  assert.equal(read.properties.invoice_number, number);
  await hubspot.crm.associations.v4.basicApi.createDefault("2-7100001", created.id, "companies", "1");
  const linked = await hubspot.crm.associations.v4.basicApi.getPage("2-7100001", created.id, "companies");
  assert.deepEqual(
    linked.results.map((a) => String(a.toObjectId)),
    ["1"],
  );
  await refused(() =>
    hubspot.crm.objects.basicApi.create("2-7100001", {
      properties: { no_such_property: "x" },
      associations: [],
    }),
  );
});
