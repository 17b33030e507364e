// jsforce, the most used JavaScript client of Salesforce, against the emulated org: SOQL with paging,
// sObject CRUD and collections, describe, the updated/deleted feeds, limits and errors, as jsforce parses them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import jsforce from "jsforce";
import { startEmulator } from "./emulator.mjs";
import { refused as refusedBy, unique as uniqueBy } from "./expect.mjs";

let emu;
let conn;

before(async () => {
  emu = await startEmulator();
  conn = connect(emu.salesforce.access_token);
});

after(() => emu?.stop());

/** jsforce reports a refusal as an error carrying Salesforce's errorCode. */
const refused = (f) => refusedBy(f, (e) => typeof e.errorCode === "string");
/** Without separators: names become parts of e-mail addresses and SOQL literals. */
const unique = (what) => uniqueBy(what, "");

const connect = (accessToken, version = "60.0") =>
  new jsforce.Connection({ instanceUrl: emu.salesforce.instance_url, accessToken, version });

test("query: SOQL with WHERE, ORDER BY and LIMIT", async () => {
  const res = await conn.query(
    "SELECT Id, LastName, Email FROM Contact WHERE Email != null ORDER BY LastName LIMIT 7",
  );
  assert.equal(res.done, true);
  assert.equal(res.records.length, 7);
  assert.equal(res.totalSize, 7);
  assert.equal(res.records[0].attributes.type, "Contact");
  assert.match(res.records[0].Id, /^003[A-Za-z0-9]{15}$/);
  const names = res.records.map((r) => r.LastName);
  assert.deepEqual(
    names,
    [...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" })),
  );
});

test("query + queryMore: a paged result with nextRecordsUrl", async () => {
  const first = await conn.query("SELECT Id FROM Contact", {
    autoFetch: false,
    headers: { "Sforce-Query-Options": "batchSize=200" },
  });
  assert.equal(first.done, false);
  assert.ok(first.nextRecordsUrl);
  assert.ok(first.totalSize > first.records.length);
  const more = await conn.queryMore(first.nextRecordsUrl);
  assert.ok(more.records.length > 0);
  assert.notEqual(more.records[0].Id, first.records[0].Id);
});

test("query with autoFetch follows every page", async () => {
  const res = await conn.query("SELECT Id, Name FROM Account").run({ autoFetch: true, maxFetch: 100000 });
  assert.equal(res.records.length, res.totalSize);
  assert.equal(new Set(res.records.map((r) => r.Id)).size, res.totalSize);
});

test("query: SELECT COUNT() gives the total", async () => {
  const all = await conn.query("SELECT Id FROM Opportunity").run({ autoFetch: true, maxFetch: 100000 });
  const res = await conn.query("SELECT COUNT() FROM Opportunity");
  assert.equal(res.totalSize, all.totalSize);
  assert.deepEqual(res.records, []);
});

test("query on SystemModstamp with a datetime literal (an incremental pull)", async () => {
  const res = await conn.query(
    "SELECT Id, SystemModstamp FROM Contact WHERE SystemModstamp > 2000-01-01T00:00:00Z ORDER BY SystemModstamp ASC LIMIT 50",
  );
  const times = res.records.map((r) => Date.parse(r.SystemModstamp));
  assert.ok(times.every((t) => !Number.isNaN(t)));
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  );
});

test("query with IN and a relationship-free filter", async () => {
  const some = (await conn.query("SELECT Id FROM Contact LIMIT 3")).records.map((r) => r.Id);
  const res = await conn.query(`SELECT Id FROM Contact WHERE Id IN ('${some.join("','")}')`);
  assert.deepEqual(res.records.map((r) => r.Id).sort(), [...some].sort());
});

test("a Lead created without a Status takes the picklist's default", async () => {
  const made = await conn.sobject("Lead").create({ LastName: "Newman", Company: "Lead Co" });
  const lead = await conn.sobject("Lead").retrieve(made.id);
  assert.equal(lead.Company, "Lead Co");
  assert.equal(typeof lead.Status, "string");
  assert.ok(lead.Status.length > 0);
});

test("convertLead (SOAP): a lead becomes a contact and an account and points at them", async () => {
  const email = `${unique("convert")}@lead.example`;
  const made = await conn.sobject("Lead").create({
    FirstName: "Cora",
    LastName: "Vance",
    Company: "Vance Works",
    Email: email,
    City: "Lyon",
  });
  const [result] = await conn.soap.convertLead([
    { leadId: made.id, convertedStatus: "Closed - Converted", doNotCreateOpportunity: true },
  ]);
  assert.equal(result.success, true, JSON.stringify(result));
  assert.equal(result.leadId, made.id);
  assert.match(result.contactId, /^003[A-Za-z0-9]{15}$/);
  assert.match(result.accountId, /^001[A-Za-z0-9]{15}$/);
  assert.equal(result.opportunityId, null);
  const lead = await conn.sobject("Lead").retrieve(made.id);
  assert.equal(lead.IsConverted, true);
  assert.equal(lead.Status, "Closed - Converted");
  assert.equal(lead.ConvertedContactId, result.contactId);
  assert.equal(lead.ConvertedAccountId, result.accountId);
  const contact = await conn.sobject("Contact").retrieve(result.contactId);
  assert.equal(contact.Email, email);
  assert.equal(contact.AccountId, result.accountId);
  assert.equal(contact.MailingCity, "Lyon");
  const account = await conn.sobject("Account").retrieve(result.accountId);
  assert.equal(account.Name, "Vance Works");

  // Converted once: converting again fails per lead; the lead takes no more writes.
  const again = await conn.soap.convertLead({ leadId: made.id, convertedStatus: "Closed - Converted" });
  assert.equal(again.success, false);
  assert.equal(again.errors[0].statusCode, "CANNOT_UPDATE_CONVERTED_LEAD");
  const e = await refused(() => conn.sobject("Lead").update({ Id: made.id, Title: "CEO" }));
  assert.equal(e.errorCode, "CANNOT_UPDATE_CONVERTED_LEAD");

  // With an opportunity (the default) and into an existing account.
  const other = await conn.sobject("Lead").create({ LastName: "Ruiz", Company: "Vance Works" });
  const [joined] = await conn.soap.convertLead([
    { leadId: other.id, convertedStatus: "Closed - Converted", accountId: result.accountId },
  ]);
  assert.equal(joined.success, true, JSON.stringify(joined));
  assert.equal(joined.accountId, result.accountId);
  assert.match(joined.opportunityId, /^006[A-Za-z0-9]{15}$/);

  // A status that does not convert is refused.
  const third = await conn.sobject("Lead").create({ LastName: "Ito", Company: "Ito KK" });
  const [bad] = await conn.soap.convertLead([{ leadId: third.id, convertedStatus: "Working - Contacted" }]);
  assert.equal(bad.success, false);
  assert.equal(bad.errors[0].statusCode, "INVALID_STATUS");
});

test("convertLead with a wrong session is a SOAP fault INVALID_SESSION_ID", async () => {
  const bad = connect("00Dwrong!token");
  const e = await refused(() =>
    bad.soap.convertLead({ leadId: "00Q000000000001AAA", convertedStatus: "Closed - Converted" }),
  );
  assert.match(e.errorCode, /INVALID_SESSION_ID/);
});

/** Every record of a jsforce record stream. */
const all = (stream) =>
  new Promise((resolve, reject) => {
    const out = [];
    stream.on("record", (r) => out.push(r));
    stream.on("end", () => resolve(out));
    stream.on("error", reject);
  });

/** jsforce's Bulk API 2.0 client resolves job paths from the instance URL's origin, as a real
 *  org's instance URL is (the emulator serves the org at its root too). */
const atRoot = () =>
  new jsforce.Connection({
    instanceUrl: new URL(emu.salesforce.instance_url).origin,
    accessToken: emu.salesforce.access_token,
    version: "60.0",
  });

test("Bulk API 2.0 query: a job polled to JobComplete, its CSV results read page by page", async () => {
  const rest = await conn.query("SELECT COUNT() FROM Contact");
  const stream = await atRoot().bulk2.query("SELECT Id, LastName, Email, AccountId FROM Contact", {
    pollInterval: 20,
    pollTimeout: 10_000,
  });
  const records = await all(stream);
  assert.equal(records.length, rest.totalSize);
  assert.match(records[0].Id, /^003[A-Za-z0-9]{15}$/);
  assert.ok(records.some((r) => r.Email && r.Email.includes("@")));
  // Paged by hand: maxRecords and the Sforce-Locator header, "null" after the last page.
  const job = await conn.request({
    method: "POST",
    url: `/services/data/v60.0/jobs/query`,
    body: JSON.stringify({ operation: "query", query: "SELECT Id FROM Account" }),
    headers: { "Content-Type": "application/json" },
  });
  assert.equal(job.state, "UploadComplete");
  assert.equal(job.operation, "query");
  let state = job.state;
  while (state !== "JobComplete") {
    state = (await conn.request(`/services/data/v60.0/jobs/query/${job.id}`)).state;
  }
  const base = `${emu.salesforce.instance_url}/services/data/v60.0/jobs/query/${job.id}/results`;
  const page = (locator) =>
    fetch(`${base}?maxRecords=7${locator ? `&locator=${locator}` : ""}`, {
      headers: { Authorization: `Bearer ${emu.salesforce.access_token}` },
    });
  const first = await page();
  assert.equal(first.headers.get("content-type"), "text/csv");
  assert.equal(first.headers.get("sforce-numberofrecords"), "7");
  const next = first.headers.get("sforce-locator");
  assert.notEqual(next, "null");
  assert.match(await first.text(), /^"Id"\n"001/);
  let locator = next;
  let pages = 1;
  while (locator !== "null") {
    locator = (await page(locator)).headers.get("sforce-locator");
    pages += 1;
  }
  assert.ok(pages > 1);
});

test("Bulk API 2.0 ingest: insert, update and delete by CSV, with successful and failed results", async () => {
  const tag = unique("bulk");
  const input = [
    { FirstName: "Ada", LastName: `${tag}a`, Email: `${tag}a@bulk.example` },
    { FirstName: "Bo", LastName: `${tag}b`, Email: "not an e-mail" },
    { FirstName: "Cy", LastName: `${tag}c`, Email: `${tag}c@bulk.example` },
  ];
  const bulk = atRoot().bulk2;
  const made = await bulk.loadAndWaitForResults({
    object: "Contact",
    operation: "insert",
    input,
    pollInterval: 20,
    pollTimeout: 10_000,
  });
  assert.equal(made.successfulResults.length, 2);
  assert.equal(made.failedResults.length, 1);
  assert.equal(made.unprocessedRecords.length, 0);
  const ok = made.successfulResults[0];
  assert.match(ok.sf__Id, /^003[A-Za-z0-9]{15}$/);
  assert.equal(ok.sf__Created, "true");
  assert.equal(ok.LastName, `${tag}a`);
  assert.match(made.failedResults[0].sf__Error, /^INVALID_EMAIL_ADDRESS:/);
  assert.equal(made.failedResults[0].LastName, `${tag}b`);
  const ada = await conn.sobject("Contact").retrieve(ok.sf__Id);
  assert.equal(ada.Email, `${tag}a@bulk.example`);

  const ids = made.successfulResults.map((r) => r.sf__Id);
  const updated = await bulk.loadAndWaitForResults({
    object: "Contact",
    operation: "update",
    input: [
      { Id: ids[0], Title: "Bulk title" },
      { Id: "003000000000000AAA", Title: "gone" },
    ],
    pollInterval: 20,
    pollTimeout: 10_000,
  });
  assert.equal(updated.successfulResults.length, 1);
  assert.equal(updated.successfulResults[0].sf__Created, "false");
  assert.equal(updated.failedResults.length, 1);
  assert.equal((await conn.sobject("Contact").retrieve(ids[0])).Title, "Bulk title");

  const gone = await bulk.loadAndWaitForResults({
    object: "Contact",
    operation: "delete",
    input: ids.map((Id) => ({ Id })),
    pollInterval: 20,
    pollTimeout: 10_000,
  });
  assert.equal(gone.successfulResults.length, 2);
  await refused(() => conn.sobject("Contact").retrieve(ids[1]));
});

test("a malformed query is refused with MALFORMED_QUERY", async () => {
  const e = await refused(() => conn.query("SELEC Id FROM Contact"));
  assert.equal(e.errorCode, "MALFORMED_QUERY");
});

test("an unknown field is refused with INVALID_FIELD", async () => {
  const e = await refused(() => conn.query("SELECT Id, NoSuchField__c FROM Contact"));
  assert.equal(e.errorCode, "INVALID_FIELD");
});

test("find with conditions, sort and limit (jsforce's SOQL builder)", async () => {
  const rows = await conn
    .sobject("Contact")
    .find({ Email: { $ne: null } }, ["Id", "Email", "LastModifiedDate"])
    .sort({ LastModifiedDate: -1 })
    .limit(5);
  assert.equal(rows.length, 5);
  const times = rows.map((r) => Date.parse(r.LastModifiedDate));
  assert.deepEqual(
    times,
    [...times].sort((a, b) => b - a),
  );
});

test("sobject create answers the new id", async () => {
  const res = await conn
    .sobject("Contact")
    .create({ FirstName: "Ann", LastName: "Lee", Email: `${unique("ann")}@example.com` });
  assert.equal(res.success, true);
  assert.match(res.id, /^003[A-Za-z0-9]{15}$/);
  assert.deepEqual(res.errors, []);
});

test("sobject retrieve one record", async () => {
  const made = await conn
    .sobject("Account")
    .create({ Name: unique("Acme"), Website: "https://acme.example" });
  const rec = await conn.sobject("Account").retrieve(made.id);
  assert.equal(rec.Id, made.id);
  assert.equal(rec.Website, "https://acme.example");
  assert.equal(rec.attributes.type, "Account");
});

test("sobject retrieve several records (composite sObjects read)", async () => {
  const ids = (await conn.query("SELECT Id FROM Contact LIMIT 3")).records.map((r) => r.Id);
  const recs = await conn.sobject("Contact").retrieve(ids, { fields: ["Id", "LastName"] });
  assert.deepEqual(
    recs.map((r) => r.Id),
    ids,
  );
  assert.ok(recs.every((r) => typeof r.LastName === "string"));
});

test("sobject update, then the change reads back", async () => {
  const made = await conn.sobject("Contact").create({ LastName: "Old", Email: `${unique("u")}@example.com` });
  const res = await conn.sobject("Contact").update({ Id: made.id, LastName: "New", Title: "VP Sales" });
  assert.equal(res.success, true);
  const rec = await conn.sobject("Contact").retrieve(made.id);
  assert.equal(rec.LastName, "New");
  assert.equal(rec.Title, "VP Sales");
});

test("sobject destroy, then the record is gone", async () => {
  const made = await conn.sobject("Contact").create({ LastName: "Gone" });
  const res = await conn.sobject("Contact").destroy(made.id);
  assert.equal(res.success, true);
  const e = await refused(() => conn.sobject("Contact").retrieve(made.id));
  assert.equal(e.errorCode, "NOT_FOUND");
});

test("create without a required field: REQUIRED_FIELD_MISSING naming the field", async () => {
  const e = await refused(() => conn.sobject("Contact").create({ FirstName: "No last name" }));
  assert.equal(e.errorCode, "REQUIRED_FIELD_MISSING");
  assert.deepEqual(e.data.fields, ["LastName"]);
});

test("create with an invalid e-mail: INVALID_EMAIL_ADDRESS", async () => {
  const e = await refused(() => conn.sobject("Contact").create({ LastName: "Bad", Email: "not an email" }));
  assert.equal(e.errorCode, "INVALID_EMAIL_ADDRESS");
});

test("collections: create several at once, one refused, allOrNone false", async () => {
  const res = await conn
    .sobject("Contact")
    .create([{ LastName: "One" }, { FirstName: "Missing" }, { LastName: "Three" }]);
  assert.equal(res.length, 3);
  assert.equal(res[0].success, true);
  assert.equal(res[1].success, false);
  assert.equal(res[1].errors[0].statusCode, "REQUIRED_FIELD_MISSING");
  assert.equal(res[2].success, true);
});

test("collections: update and destroy several at once", async () => {
  const made = await conn.sobject("Contact").create([{ LastName: "A" }, { LastName: "B" }]);
  const ids = made.map((r) => r.id);
  const upd = await conn.sobject("Contact").update(ids.map((Id) => ({ Id, Title: "Batch" })));
  assert.ok(upd.every((r) => r.success));
  const del = await conn.sobject("Contact").destroy(ids);
  assert.ok(del.every((r) => r.success));
});

test("collections with allOrNone: one bad record rolls back all", async () => {
  const before = (await conn.query("SELECT COUNT() FROM Contact")).totalSize;
  const res = await conn
    .sobject("Contact")
    .create([{ LastName: "Kept?" }, { FirstName: "Bad" }], { allOrNone: true });
  assert.ok(res.every((r) => r.success === false));
  const afterCount = (await conn.query("SELECT COUNT() FROM Contact")).totalSize;
  assert.equal(afterCount, before);
});

test("describe: fields with types, picklists and references", async () => {
  const d = await conn.sobject("Opportunity").describe();
  assert.equal(d.name, "Opportunity");
  const stage = d.fields.find((f) => f.name === "StageName");
  assert.equal(stage.type, "picklist");
  assert.ok(stage.picklistValues.length > 0);
  const account = d.fields.find((f) => f.name === "AccountId");
  assert.equal(account.type, "reference");
  assert.deepEqual(account.referenceTo, ["Account"]);
});

test("describeGlobal lists the sObjects", async () => {
  const g = await conn.describeGlobal();
  assert.equal(typeof g.maxBatchSize, "number");
  const names = g.sobjects.map((s) => s.name);
  for (const n of ["Account", "Contact", "Lead", "Opportunity", "Task", "User"])
    assert.ok(names.includes(n), `${n} missing`);
  const contact = g.sobjects.find((s) => s.name === "Contact");
  assert.equal(contact.keyPrefix, "003");
  assert.equal(contact.queryable, true);
});

test("updated feed: ids changed in a window given with +00:00 offsets", async () => {
  const start = new Date(Date.now() - 60_000);
  const made = await conn.sobject("Contact").create({ LastName: "Fresh" });
  const res = await conn.sobject("Contact").updated(start, new Date(Date.now() + 60_000));
  assert.ok(res.ids.includes(made.id));
  assert.ok(!Number.isNaN(Date.parse(res.latestDateCovered)));
});

test("deleted feed: ids deleted in a window, with when", async () => {
  const start = new Date(Date.now() - 60_000);
  const made = await conn.sobject("Contact").create({ LastName: "Deleted soon" });
  await conn.sobject("Contact").destroy(made.id);
  const res = await conn.sobject("Contact").deleted(start, new Date(Date.now() + 60_000));
  const row = res.deletedRecords.find((r) => r.id === made.id);
  assert.ok(row, "the deleted contact is not in the feed");
  assert.ok(!Number.isNaN(Date.parse(row.deletedDate)));
});

test("activities: a call Task by subtype and an Event, queried, described and deleted", async () => {
  const contact = (await conn.query("SELECT Id FROM Contact LIMIT 1")).records[0];
  const call = await conn.sobject("Task").create({
    Subject: "Proposal call",
    TaskSubtype: "Call",
    CallType: "Outbound",
    CallDurationInSeconds: 120,
    Status: "Completed",
    ActivityDate: "2026-10-02",
    WhoId: contact.Id,
  });
  assert.match(call.id, /^00T[A-Za-z0-9]{15}$/);
  const event = await conn.sobject("Event").create({
    Subject: "Product demo",
    StartDateTime: "2026-10-05T15:00:00.000+0000",
    EndDateTime: "2026-10-05T16:00:00.000+0000",
    WhoId: contact.Id,
  });
  assert.match(event.id, /^00U[A-Za-z0-9]{15}$/);
  const calls = await conn.query(
    `SELECT Id, TaskSubtype, CallType, CallDurationInSeconds FROM Task WHERE Id = '${call.id}'`,
  );
  assert.deepEqual(
    [calls.records[0].TaskSubtype, calls.records[0].CallType, calls.records[0].CallDurationInSeconds],
    ["Call", "Outbound", 120],
  );
  const events = await conn.query(
    `SELECT Id, Subject, StartDateTime, EndDateTime, WhoId FROM Event WHERE WhoId = '${contact.Id}'`,
  );
  assert.ok(events.records.some((e) => e.Id === event.id && e.Subject === "Product demo"));
  const described = await conn.sobject("Event").describe();
  assert.ok(described.fields.some((f) => f.name === "StartDateTime" && f.type === "datetime"));
  const task = await conn.sobject("Task").describe();
  const subtype = task.fields.find((f) => f.name === "TaskSubtype");
  assert.ok(subtype.picklistValues.some((v) => v.value === "Email"));
  const missing = await refused(() => conn.sobject("Event").create({ Subject: "No start" }));
  assert.equal(missing.errorCode, "REQUIRED_FIELD_MISSING");
  const start = new Date(Date.now() - 60_000);
  await conn.sobject("Event").destroy(event.id);
  const gone = await conn.sobject("Event").deleted(start, new Date(Date.now() + 60_000));
  assert.ok(gone.deletedRecords.some((r) => r.id === event.id));
});

test("limits: the daily API requests", async () => {
  const l = await conn.limits();
  assert.equal(typeof l.DailyApiRequests.Max, "number");
  assert.ok(l.DailyApiRequests.Remaining <= l.DailyApiRequests.Max);
});

test("versions: the REST versions the org serves", async () => {
  const v = await conn.request("/services/data/");
  assert.ok(v.some((x) => x.version === "60.0"));
});

test("users and opportunity stages by SOQL (owners and stages)", async () => {
  const users = await conn.query("SELECT Id, Email, IsActive FROM User");
  assert.ok(users.records.length > 0);
  assert.match(users.records[0].Id, /^005/);
  const stages = await conn.query(
    "SELECT MasterLabel, IsClosed, IsWon, DefaultProbability FROM OpportunityStage",
  );
  assert.ok(stages.records.some((s) => s.IsWon === true));
});

test("an older API version is served too", async () => {
  const old = connect(emu.salesforce.access_token, "58.0");
  const res = await old.query("SELECT Id FROM Account LIMIT 1");
  assert.equal(res.records.length, 1);
});

test("a wrong session is INVALID_SESSION_ID", async () => {
  const bad = connect("00Dwrong!token");
  const e = await refused(() => bad.query("SELECT Id FROM Account LIMIT 1"));
  assert.equal(e.errorCode, "INVALID_SESSION_ID");
});

test("5xx answers: jsforce's own retry succeeds", async () => {
  await emu.admin.faults("salesforce", "error_rate=0.3,seed=5");
  try {
    for (let i = 0; i < 5; i++) {
      const res = await conn.query("SELECT Id FROM Account LIMIT 2");
      assert.equal(res.records.length, 2);
    }
  } finally {
    await emu.admin.faults("salesforce", "");
  }
});

test("describeGlobal marks the org's custom object, and it is queried like any sObject", async () => {
  const g = await conn.describeGlobal();
  const invoice = g.sobjects.find((s) => s.name === "Invoice__c");
  assert.ok(invoice, "Invoice__c missing");
  assert.deepEqual([invoice.custom, invoice.label, invoice.labelPlural], [true, "Invoice", "Invoices"]);
  assert.equal(g.sobjects.find((s) => s.name === "Account").custom, false);
  const d = await conn.sobject("Invoice__c").describe();
  const account = d.fields.find((f) => f.name === "Account__c");
  assert.deepEqual([account.type, account.custom, account.referenceTo], ["reference", true, ["Account"]]);
  const rows = await conn.query("SELECT Id, Name, Account__c, Amount__c FROM Invoice__c LIMIT 5");
  assert.ok(rows.records.length > 0);
  assert.match(rows.records[0].Id, /^a01/);
  assert.match(rows.records[0].Name, /^INV-/);
});

test("a custom field created through the Tooling API is hidden until the user's profile may read it", async () => {
  const name = `${unique("Region")}__c`;
  const full = `Account.${name}`;
  const created = await conn.tooling.create("CustomField", {
    FullName: full,
    Metadata: { label: "Region", type: "Text", length: 80 },
  });
  assert.equal(created.success, true);
  assert.match(created.id, /^00N[A-Za-z0-9]{15}$/);
  const again = await refused(() =>
    conn.tooling.create("CustomField", {
      FullName: full,
      Metadata: { label: "Region", type: "Text", length: 80 },
    }),
  );
  assert.equal(again.errorCode, "DUPLICATE_DEVELOPER_NAME");

  // Field-level security: no profile may read it yet, so the API does not show it.
  const hidden = await refused(() => conn.query(`SELECT Id, ${name} FROM Account LIMIT 1`));
  assert.equal(hidden.errorCode, "INVALID_FIELD");
  assert.ok(!(await conn.describe("Account")).fields.some((f) => f.name === name));

  // The signed-in user, its profile, the permission set the profile owns: granted there.
  const me = await conn.request("/services/oauth2/userinfo");
  assert.match(me.user_id, /^005[A-Za-z0-9]{15}$/);
  const [user] = (await conn.query(`SELECT ProfileId FROM User WHERE Id = '${me.user_id}'`)).records;
  const [set] = (
    await conn.query(
      `SELECT Id FROM PermissionSet WHERE IsOwnedByProfile = true AND ProfileId = '${user.ProfileId}'`,
    )
  ).records;
  const permission = {
    ParentId: set.Id,
    SobjectType: "Account",
    Field: full,
    PermissionsRead: true,
    PermissionsEdit: true,
  };
  const granted = await conn.sobject("FieldPermissions").create(permission);
  assert.equal(granted.success, true);
  const twice = await refused(() => conn.sobject("FieldPermissions").create(permission));
  assert.equal(twice.errorCode, "DUPLICATE_VALUE");

  const field = (await conn.describe("Account")).fields.find((f) => f.name === name);
  assert.deepEqual([field.type, field.custom, field.length, field.label], ["string", true, 80, "Region"]);
  const account = await conn.sobject("Account").create({ Name: unique("Regional"), [name]: "EMEA" });
  const read = await conn.sobject("Account").retrieve(account.id);
  assert.equal(read[name], "EMEA");
});

test("a picklist field takes its values from valueSet; a field without what its type needs is refused", async () => {
  const name = `${unique("Tier")}__c`;
  const created = await conn.tooling.create("CustomField", {
    FullName: `Contact.${name}`,
    Metadata: {
      label: "Tier",
      type: "Picklist",
      valueSet: {
        restricted: true,
        valueSetDefinition: { sorted: false, value: [{ fullName: "Gold", label: "Gold", default: false }] },
      },
    },
  });
  assert.equal(created.success, true);
  for (const Metadata of [
    { label: "No values", type: "Picklist", valueSet: { valueSetDefinition: { value: [] } } },
    { label: "No length", type: "Text" },
    { label: "No default", type: "Checkbox" },
  ]) {
    const e = await refused(() =>
      conn.tooling.create("CustomField", { FullName: `Contact.${unique("Bad")}__c`, Metadata }),
    );
    assert.equal(e.errorCode, "FIELD_INTEGRITY_EXCEPTION", Metadata.label);
  }
  const badName = await refused(() =>
    conn.tooling.create("CustomField", {
      FullName: "Contact.Two__Underscores__c",
      Metadata: { label: "Bad name", type: "Date" },
    }),
  );
  assert.equal(badName.errorCode, "FIELD_INTEGRITY_EXCEPTION");
});
