// Our own clients against HubSpot's and Pipedrive's published API descriptions: the `crm-bridge` CLI connects,
// pulls, migrates records into both emulated CRMs and syncs them with each other, and every request it sent (the
// emulator's log, by our user agent) must be an operation of the description, as the vendor's generated SDK
// carries it: its path, method, query parameter names and its JSON body's keys and kinds. Needs the OS keyring,
// so `make test` runs it in .ci/desktop-session.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "./emulator.mjs";
import { hubspotOperations, mismatch, pipedriveOperations } from "./operations.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = process.env.CRM_BRIDGE_BIN ?? `${root}target/debug/crm-bridge`;
let emu;
let dir;

function cli(...args) {
  const env = {
    ...process.env,
    CRM_BRIDGE_DB: join(dir, "workspace.sqlite3"),
    CRM_BRIDGE_KEYRING_SERVICE: `crm-bridge-contract-${process.pid}`,
  };
  return execFileSync(bin, args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** What our clients sent one emulated CRM, path without the emulator's provider prefix. */
async function ours(provider) {
  const r = await fetch(`${emu.admin_url}/requests?provider=${provider}`);
  const { requests } = await r.json();
  return requests
    .filter((q) => q.user_agent?.startsWith("CRM-Bridge/"))
    .map((q) => ({ ...q, path: q.path.replace(new RegExp(`^/${provider}(?=/)`), "") }));
}

before(async () => {
  emu = await startEmulator({ records: 120 });
  dir = mkdtempSync(join(tmpdir(), "crm-bridge-contract-"));
  cli(
    "connect",
    "close",
    "--base-url",
    emu.close.base_url,
    "--api-key",
    emu.close.api_key,
    "--label",
    "Close",
  );
  cli(
    "connect",
    "hubspot",
    "--base-url",
    emu.hubspot.base_url,
    "--token",
    emu.hubspot.token,
    "--label",
    "HubSpot",
  );
  cli(
    "connect",
    "pipedrive",
    "--base-url",
    emu.pipedrive.base_url,
    "--token",
    emu.pipedrive.api_token,
    "--label",
    "Pipedrive",
  );
  const connections = JSON.parse(cli("connections", "--json"));
  const id = (provider) => String(connections.find((c) => c.provider === provider).id);
  cli("pull", "--full");
  for (const target of ["hubspot", "pipedrive"]) {
    // A field the target lacks, created through its field API.
    cli(
      "create-field",
      "--connection",
      id(target),
      "--object",
      "person",
      "--label",
      "Buying role",
      "--type",
      "picklist",
      "--option",
      "Champion",
      "--option",
      "User",
    );
    const plan = join(dir, `${target}.json`);
    cli("plan-migration", "--from", id("close"), "--to", id(target), "--out", plan);
    cli("migrate", "--plan", plan, "--execute");
  }
  cli("add-sync-pair", "--a", id("hubspot"), "--b", id("pipedrive"), "--objects", "company,person");
  cli("sync");
});

after(() => {
  emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the checker refuses what the description does not have", () => {
  const ops = hubspotOperations();
  assert.match(
    mismatch(ops, { method: "GET", path: "/crm/v3/objects/contacts", query: "propertiez=email" }),
    /propertiez/,
  );
  assert.match(mismatch(ops, { method: "PUT", path: "/crm/v3/objects/contacts/5", query: "" }), /not PUT/);
  assert.match(
    mismatch(pipedriveOperations(), { method: "GET", path: "/api/v2/notes", query: "" }),
    /no operation/,
  );
  const body = { inputs: [{ propertiez: { email: "string" } }] };
  assert.match(
    mismatch(ops, {
      method: "POST",
      path: "/crm/v3/objects/contacts/batch/create",
      query: "",
      body_shape: body,
    }),
    /propertiez is not a field/,
  );
  const numbers = { name: "number" };
  assert.match(
    mismatch(pipedriveOperations(), {
      method: "POST",
      path: "/api/v2/persons",
      query: "",
      body_shape: numbers,
    }),
    /body\.name should be string/,
  );
});

for (const [provider, operations] of [
  ["hubspot", hubspotOperations],
  ["pipedrive", pipedriveOperations],
]) {
  test(`every request our ${provider} client sent is an operation of ${provider}'s description`, async () => {
    const ops = operations();
    const sent = await ours(provider);
    assert.ok(sent.length > 20, `only ${sent.length} requests from our client`);
    assert.ok(
      sent.some((q) => q.write),
      "the migration wrote nothing",
    );
    assert.ok(sent.filter((q) => q.body_shape).length > 5, "no JSON bodies to check");
    const wrong = [...new Set(sent.map((q) => mismatch(ops, q)).filter(Boolean))];
    assert.deepEqual(wrong, []);
  });
}
