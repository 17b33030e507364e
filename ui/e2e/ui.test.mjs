// The built UI (mock IPC) in Debian's chromium through playwright-core: screens, the virtualized
// Records list, search, filters and error display. Run by `npm run test:ui` after `build:mock`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { shots, startUi } from "./harness.mjs";

let ui;
let browser;
let page;
let baseUrl;

before(async () => {
  ui = await startUi();
  ({ browser, baseUrl } = ui);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(baseUrl);
});

after(async () => {
  await ui?.close();
});

const text = (selector) => page.locator(selector).first().textContent();

async function open(id, heading) {
  await page.click(`[data-testid=nav-${id}]`);
  await page.waitForSelector(`[data-testid=screen-${id}] h1:has-text("${heading}")`);
}

describe("CRM Bridge UI (mock IPC)", () => {
  test("the window opens on Connections with each CRM and its counts", async () => {
    await page.waitForSelector("[data-testid=connection-card]");
    assert.equal(await page.locator("[data-testid=connection-card]").count(), 3);
    assert.match(await text(".cards"), /HubSpot — Sales EU/);
    assert.match(await text("[data-testid=nav-failed]"), /2/);
    await page.screenshot({ path: join(shots, "connections.png") });
  });

  test("adding a connection shows the CRM's reason for a refused key, then adds the card", async () => {
    await page.click("[data-testid=add-connection-button]");
    await page.click("[data-testid=method-key]");
    await page.fill("[data-testid=api-key]", "wrong-key");
    await page.click("[data-testid=add-connection] button[type=submit]");
    await page.waitForSelector("[data-testid=add-connection] [data-testid=error-banner]");
    const banner = await text("[data-testid=add-connection] [data-testid=error-banner]");
    assert.match(banner, /unauthorized/);
    assert.match(banner, /refused the sign-in/);
    assert.doesNotMatch(banner, /wrong-key/, "the key is never shown back");
    await page.screenshot({ path: join(shots, "add-connection-refused.png") });
    await page.fill("[data-testid=api-key]", "good-key");
    await page.click("[data-testid=add-connection] button[type=submit]");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=connection-card]").length === 4);
    assert.equal(await page.locator("[data-testid=add-connection]").count(), 0, "the form closes");
  });

  test("signing in with the browser waits for the approval, then adds the card", async () => {
    await page.click("[data-testid=add-connection-button]");
    // Salesforce signs in at production, a sandbox or the org's own My Domain.
    await page.selectOption("[data-testid=add-connection] select", "salesforce");
    await page.selectOption("[data-testid=salesforce-org]", "sandbox");
    assert.equal(await page.locator("[data-testid=base-url]").count(), 0, "nothing to type for a sandbox");
    await page.selectOption("[data-testid=salesforce-org]", "mydomain");
    assert.match(await text("[data-testid=add-connection]"), /My Domain address/);
    await page.screenshot({ path: join(shots, "add-connection-salesforce-org.png") });
    await page.selectOption("[data-testid=add-connection] select", "pipedrive");
    assert.equal(await page.locator("[data-testid=api-key]").count(), 0, "no key to type");
    assert.equal(await page.locator("[data-testid=salesforce-org]").count(), 0);
    assert.match(await text("[data-testid=sign-in-help]"), /browser opens Pipedrive's sign-in page/);
    await page.screenshot({ path: join(shots, "add-connection-browser.png") });
    await page.click("[data-testid=connect]");
    await page.waitForFunction(() =>
      document.querySelector("[data-testid=connect]")?.textContent?.includes("Waiting for the browser"),
    );
    assert.match(await text("[data-testid=sign-in-help]"), /Approve CRM Bridge on Pipedrive's page/);
    await page.screenshot({ path: join(shots, "add-connection-waiting.png") });
    // Giving up the wait returns to the form without an error and without a connection.
    await page.click("[data-testid=cancel-sign-in]");
    await page.waitForFunction(() =>
      document.querySelector("[data-testid=connect]")?.textContent?.includes("Sign in with browser"),
    );
    assert.equal(await page.locator("[data-testid=add-connection] [data-testid=error-banner]").count(), 0);
    assert.equal(await page.locator("[data-testid=connection-card]").count(), 4);
    await page.click("[data-testid=connect]");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=connection-card]").length === 5);
    assert.match(await text(".cards"), /Pipedrive — Acme Sales/);
  });

  test("a pull shows a progress bar per object type, then what changed", async () => {
    const card = page.locator("[data-testid=connection-card]").first();
    await card.locator("[data-testid=pull]").click();
    await card.locator("[data-testid=cancel-pull]").waitFor();
    await card.locator("[data-testid=pull-progress] progress").first().waitFor();
    await page.screenshot({ path: join(shots, "connections-pulling.png") });
    await card.locator("[data-testid=pull]").waitFor({ timeout: 10000 });
    const done = await card.locator("[data-testid=pull-progress]").textContent();
    assert.match(done ?? "", /Activity/);
    assert.match(done ?? "", /new, 0 changed, 0 deleted/);
    assert.equal(await card.locator("progress").count(), 4, "one bar per object type");
  });

  test("A connection's fields: fewer custom ones once chosen, one a mapping needs stays, a standard one ticked", async () => {
    const card = page.locator("[data-testid=connection-card]").first();
    await card.locator("[data-testid=mirrored-fields-button]").click();
    await page.waitForSelector("[data-testid=mirrored-company]");
    assert.match(await text("[data-testid=mirrored-company] legend"), /every custom field/);
    const needed = page.locator("[data-testid=mirror-company-tier]");
    assert.equal(await needed.isChecked(), true);
    assert.equal(await needed.isDisabled(), true);
    assert.match(
      await text("[data-testid=mirrored-company]"),
      /needed by the field mapping with Salesforce — HQ/,
    );
    // By keyboard: untick Region.
    await page.focus("[data-testid=mirror-company-region]");
    await page.keyboard.press("Space");
    assert.equal(await page.locator("[data-testid=mirror-company-region]").isChecked(), false);
    // The CRM's other standard fields wait, folded, until one is ticked: open them and tick one.
    const revenue = page.locator("[data-testid=mirror-company-AnnualRevenue]");
    assert.equal(await revenue.isVisible(), false);
    await page.focus("[data-testid=standard-company]");
    await page.keyboard.press("Enter");
    assert.equal(await revenue.isChecked(), false);
    await revenue.focus();
    await page.keyboard.press("Space");
    await page.screenshot({ path: join(shots, "mirrored-fields.png"), fullPage: true });
    await page.click("[data-testid=save-mirrored-company]");
    await page.waitForSelector("[data-testid=mirrored-notice]:has-text('3 fields of company mirrored')");
    assert.match(await text("[data-testid=mirrored-company] legend"), /chosen/);
    assert.equal(await page.locator("[data-testid=mirror-company-region]").isChecked(), false);
    assert.equal(await revenue.isChecked(), true, "the standard field is mirrored now");
    await page.click("[data-testid=mirrored-fields] >> text=Close");
  });

  test("Records renders only the visible rows and fetches pages, never the whole table", async () => {
    await open("records", "Records");
    await page.waitForSelector("[data-testid=result-count]:has-text('5,000 records')");
    await page.waitForSelector("[data-testid=record-row]:has-text('Acme Inc.')");
    const rendered = await page.locator("[data-testid=record-row]").count();
    assert.ok(rendered > 10 && rendered < 150, `rendered ${rendered} rows of 5,000`);
    await page.locator("[data-testid=records-list]").evaluate((el) => el.scrollTo(0, el.scrollHeight));
    // At the end of the list every visible row is filled from a page fetched by offset.
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll("[data-testid=record-row]")];
      const lastPageAsked = window.__mockCalls.some(
        (c) => c.cmd === "record_page" && c.args.query.offset >= 4900,
      );
      return lastPageAsked && rows.length > 0 && rows.every((r) => !/Loading/.test(r.textContent ?? ""));
    });
    const calls = await page.evaluate(() =>
      window.__mockCalls.filter((c) => c.cmd === "record_page").map((c) => c.args.query),
    );
    assert.ok(calls.length >= 2, "scrolling to the end fetched another page");
    assert.ok(
      calls.every((q) => q.limit <= 100),
      "every request asks for one page",
    );
    assert.ok(
      calls.some((q) => q.offset >= 4900),
      "the last page was fetched by offset",
    );
    assert.ok(
      calls.every((q) => q.with_total === (q.offset === 0)),
      "only the first page of a filter asks for the total",
    );
    await page.screenshot({ path: join(shots, "records.png") });
  });

  test("search and filters narrow the list; a row opens its detail", async () => {
    await page.fill("[data-testid=search]", "emma");
    await page.waitForSelector("[data-testid=result-count]:has-text('500 records')");
    await page.selectOption("[data-testid=filter-connection]", "2");
    await page.waitForFunction(() =>
      /^1\d\d records$/.test(document.querySelector("[data-testid=result-count]")?.textContent ?? ""),
    );
    await page.locator("[data-testid=record-row]:has-text('Emma')").first().click();
    await page.waitForSelector("[data-testid=record-detail]:has-text('Close — Inside sales')");
    assert.match(await text("[data-testid=record-detail]"), /emma\./);
    // The person's timeline: every kind of activity, newest first, with what each was.
    await page.waitForSelector("[data-testid=timeline] li");
    const kinds = await page.locator("[data-testid=timeline] .kind-tag").allTextContents();
    assert.deepEqual(kinds, ["Task", "Meeting", "Call", "E-mail", "Note"]);
    const timeline = await text("[data-testid=timeline]");
    assert.match(timeline, /Outbound · 12 min 34 s · answered/);
    assert.match(timeline, /Inbound/);
    assert.match(timeline, /Open/);
    await page.screenshot({ path: join(shots, "records-detail.png") });
    await page.selectOption("[data-testid=filter-connection]", "");
  });

  test("a failing command shows its code and message instead of failing silently", async () => {
    await page.fill("[data-testid=search]", "explode");
    await page.waitForSelector("[data-testid=error-banner]");
    const banner = await text("[data-testid=error-banner]");
    assert.match(banner, /database/);
    assert.match(banner, /disk I\/O error/);
    await page.fill("[data-testid=search]", "");
    await page.waitForSelector("[data-testid=result-count]:has-text('5,000 records')");
    assert.equal(await page.locator("[data-testid=error-banner]").count(), 0);
  });

  test("screens with nothing yet say what the user can do", async () => {
    for (const [id, heading, empty] of [
      ["mappings", "Mappings", "No field mappings saved"],
      ["migration", "Migration", "No migrations yet"],
    ]) {
      await open(id, heading);
      await page.waitForSelector(`[data-testid=empty-state]:has-text("${empty}")`);
    }
  });

  test("Bulk merge previews the safe groups, merges them after one confirmation, and undo brings them back", async () => {
    await open("duplicates", "Duplicates");
    await page.waitForSelector("[data-testid=group-detail]");
    await page.click("[data-testid=bulk-merge-open]");
    const dialog = await text("[data-testid=bulk-merge]");
    assert.match(dialog, /Merge 1 group without a look\?/);
    assert.match(dialog, /William Smith · Bill Smith/);
    assert.doesNotMatch(dialog, /Globex/, "a 97% group is left for review");
    // A modal dialog: focus starts on Cancel (Enter never merges by accident), the page behind is
    // inert, Esc closes it with nothing merged.
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Cancel");
    assert.equal(await page.getAttribute("[data-testid=bulk-merge]", "role"), "alertdialog");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.ok(
      await page.evaluate(() => !!document.activeElement?.closest("[data-testid=bulk-merge]")),
      "Tab stays inside the dialog",
    );
    await page.keyboard.press("Escape");
    await page.waitForSelector("[data-testid=bulk-merge]", { state: "detached" });
    assert.equal(await page.locator("[data-testid=group]").count(), 2, "Esc merged nothing");
    await page.click("[data-testid=bulk-merge-open]");
    await page.click("[data-testid=confirm-bulk]");
    await page.waitForSelector("[data-testid=found]:has-text('1 group merged.')");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=group]").length === 1);
    await page.click("[data-testid=tab-history]");
    await page.waitForSelector("[data-testid=merge-row]");
    assert.match(await text("[data-testid=merge-row]"), /Merged/);
    // Its survivor was edited in HubSpot since: the undo names it and waits for the person's word.
    await page.click("[data-testid=undo-merge]");
    await page.waitForSelector("[data-testid=changed-since]:has-text('HubSpot person “William Smith”')");
    assert.match(await text("[data-testid=merge-row]"), /Merged/, "nothing undone yet");
    await page.screenshot({ path: join(shots, "merge-undo-changed-since.png"), fullPage: true });
    await page.click("[data-testid=undo-anyway]");
    await page.waitForSelector("[data-testid=merge-status]:has-text('Undone')");
    await page.click("[data-testid=tab-review]");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=group]").length === 2);
  });

  test("Duplicates shows a cross-CRM group side by side with why it matched; N dismisses it", async () => {
    await open("duplicates", "Duplicates");
    await page.waitForSelector("[data-testid=group-detail]");
    assert.equal(await page.locator("[data-testid=group]").count(), 2);
    const comparison = await text("[data-testid=comparison]");
    assert.match(comparison, /HubSpot/);
    assert.match(comparison, /Close/);
    assert.match(comparison, /William/);
    assert.match(comparison, /Bill/);
    // First names and e-mails are written differently: highlighted; the last name is the same.
    // Not by colour alone: each differing row's heading carries "≠" and, for screen readers, "(differs)".
    const differing = await page.locator("[data-testid=differs] th").allTextContents();
    assert.ok(
      differing.every((d) => d.endsWith("≠ (differs)")),
      differing.join(","),
    );
    const names = differing.map((d) => d.replace(/\s*≠ \(differs\)$/, ""));
    assert.ok(names.includes("First name") && names.includes("E-mail"), names.join(","));
    assert.ok(!names.includes("Last name"));
    // Each "Keep" radio says which record it keeps.
    const keeps = await page.locator("[data-testid=keep]").evaluateAll((all) => all.map((r) => r.ariaLabel));
    assert.equal(new Set(keeps).size, keeps.length, keeps.join(" | "));
    assert.match(keeps[0], /^Keep the HubSpot — Sales EU record William Smith/);
    const why = await text("[data-testid=why]");
    assert.match(why, /99\.9% likely the same/);
    assert.match(why, /E-mail\s*same/);
    // The values as compared: after which cleanup two different spellings count as the same.
    assert.equal(
      await text("[data-testid=compared-email]"),
      "“w.smith@acme.com” = “W.Smith+crm@ACME.com” after lower-casing and removing “+crm”",
    );
    assert.equal(
      await text("[data-testid=compared-first_name]"),
      "“William” = “Bill” after reading “Bill” as a short form of “William”",
    );
    await page
      .locator("[data-testid=why]")
      .first()
      .screenshot({ path: join(shots, "duplicates-why.png") });
    assert.match(why, /\+13\.8/);
    await page.screenshot({ path: join(shots, "duplicates-review.png"), fullPage: true });
    // "Keep the Close record" moves the kept record to the Close column.
    assert.equal(await page.locator("[data-testid=keep]").nth(0).isChecked(), true);
    await page.selectOption("[data-testid=keep-rule]", "prefer:close");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=keep]")[1]?.checked === true);
    await page.selectOption("[data-testid=keep-rule]", "most_complete");
    // Letters typed on the select pick its options; Ctrl/⌘ with a letter belongs to the system. Neither
    // merges nor dismisses.
    await page.focus("[data-testid=keep-rule]");
    await page.keyboard.press("n");
    await page.keyboard.press("m");
    await page.click("[data-testid=group-detail] h2");
    await page.keyboard.press("Control+n");
    await page.keyboard.press("Meta+m");
    await page.keyboard.press("Alt+n");
    assert.equal(await page.locator("[data-testid=group]").count(), 2, "no shortcut acted");
    assert.equal(await page.locator("[data-testid=merged-notice]").count(), 0);
    await page.selectOption("[data-testid=keep-rule]", "most_complete");
    // Focus on the review itself (a click on it): N dismisses the group.
    await page.click("[data-testid=group-detail] h2");
    await page.keyboard.press("n");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=group]").length === 1);
    // Dismissing is undoable too: the group comes back; N again sets it aside.
    assert.match(await text("[data-testid=dismissed-notice]"), /William Smith · Bill Smith/);
    await page.click("[data-testid=undo-dismiss]");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=group]").length === 2);
    assert.match(await text("[data-testid=found]"), /is back in the list/);
    await page.click("[data-testid=group]:has-text('William Smith')");
    await page.keyboard.press("n");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=group]").length === 1);
    assert.match(await text("main"), /1 group to review/);
  });

  test("A merge keeps a person's picks, is listed in the history with its before-image, and is undone", async () => {
    await open("duplicates", "Duplicates");
    await page.waitForSelector("[data-testid=group-detail]:has-text('Company')");
    // The most complete record is kept; its name is the merged one until a person picks the other.
    await page.waitForSelector("[data-testid=merged-name]:has-text('Globex GmbH')");
    await page.locator("[data-testid=pick-name]").nth(1).click();
    await page.waitForSelector("[data-testid=merged-name]:has-text('your pick')");
    assert.match(await text("[data-testid=merged-name]"), /^Globex\s/);
    assert.match(
      await text("[data-testid=merged-phone]"),
      /\+49 30 1234567/,
      "blanks filled from the other record",
    );
    assert.match(await text("[data-testid=merge-actions]"), /Merge “Globex” into “Globex GmbH”/);
    // A company group says why it matched and what moves with the merged-away record.
    assert.match(await text("[data-testid=merge-actions]"), /moves 3 contacts, 1 deal and 12 activities/);
    assert.match(await text("[data-testid=merge-actions]"), /Rename “Globex GmbH” to “Globex”/);
    assert.equal(
      await text("[data-testid=compared-name]"),
      "“Globex GmbH” = “Globex” after lower-casing and dropping “GmbH”",
    );
    await page.screenshot({ path: join(shots, "duplicates-merge-plan.png"), fullPage: true });
    await page.keyboard.press("m");
    // The kept record is named by the name picked for it, in the notice and the history.
    await page.waitForSelector("[data-testid=merged-notice]:has-text('Merged into “Globex”')");
    await page.waitForSelector("[data-testid=empty-state]:has-text('No duplicate candidates')");
    await page.click("[data-testid=tab-history]");
    await page.waitForSelector("[data-testid=merge-row]");
    await page.locator("[data-testid=merge-row] button:has-text('Before')").first().click();
    const before = await text("[data-testid=before-image]");
    assert.match(before, /Globex GmbH/);
    assert.match(before, /merged into the kept record/);
    // Beside what was, what the merge made: the picked name.
    assert.equal(await text("[data-testid=after-name]"), "Globex");
    await page.locator("[data-testid=undo-merge]").first().click();
    await page.waitForSelector("[data-testid=undo-notice]:has-text('undone')");
    assert.equal(await page.locator("[data-testid=merge-status]:has-text('Undone')").count(), 2);
    await page.screenshot({ path: join(shots, "merge-history-undone.png"), fullPage: true });
    await page.click("[data-testid=tab-review]");
    await page.waitForSelector("[data-testid=group-detail]:has-text('Company')");
    // Nothing left scores high enough for a bulk merge: it says so instead of an empty preview.
    await page.click("[data-testid=bulk-merge-open]");
    await page.waitForSelector("[data-testid=found]:has-text('No group is safe to merge without a look')");
    assert.equal(await page.locator("[data-testid=bulk-merge]").count(), 0);
  });

  test("Failed records lists each write with its CRM, field and the CRM's message", async () => {
    await open("failed", "Failed records");
    await page.waitForSelector("[data-testid=failed-records]");
    const table = await text("[data-testid=failed-records]");
    assert.match(table, /Required fields are missing: \[Name\]/);
    assert.match(table, /Salesforce — HQ/);
    assert.match(await text("main"), /2 records wait for a fix/);
    await page.screenshot({ path: join(shots, "failed-records.png") });
  });

  test("A failed record is fixed in place and re-synced; another is discarded with a reason", async () => {
    await open("failed", "Failed records");
    await page.locator("[data-testid=failed-row]", { hasText: "Property values were not valid" }).click();
    await page.waitForSelector("[data-testid=failed-detail]");
    assert.match(await text("[data-testid=crm-message]"), /Property values were not valid: email/);
    assert.match(await text("[data-testid=failed-detail] label.named"), /the field the CRM named/);
    await page.fill("[data-testid=edit-email]", "ann@example.com");
    await page.screenshot({ path: join(shots, "failed-records-edit.png"), fullPage: true });
    await page.click("[data-testid=save-resync]");
    await page.waitForSelector("[data-testid=failed-notice]:has-text('left the queue')");
    assert.match(await text("main"), /1 record waits for a fix/);
    // Filters: by problem.
    await page.selectOption("[data-testid=filter-category]", "network");
    await page.waitForSelector("[data-testid=empty-state]:has-text('Nothing matches')");
    await page.selectOption("[data-testid=filter-category]", "");
    await page.locator("[data-testid=failed-row]", { hasText: "Required fields" }).click();
    await page.fill("[data-testid=failed-detail] .discard input", "the account was closed");
    await page.click("[data-testid=failed-detail] .discard button");
    await page.waitForSelector("[data-testid=empty-state]:has-text('Nothing has failed')");
  });

  test("A sync pair is set up with a rule per field, runs with progress, and lists the run", async () => {
    await open("sync", "Sync");
    await page.waitForSelector("[data-testid=empty-state]:has-text('No sync pairs yet')");
    await page.selectOption("[data-testid=pair-a]", "1");
    await page.selectOption("[data-testid=pair-b]", "3");
    await page.click("[data-testid=new-pair]");
    await page.waitForSelector("[data-testid=rule-person-title]");
    // The rules speak of the connections by name.
    assert.match(await text("[data-testid=rule-person-title]"), /Prefer HubSpot — Sales EU unless blank/);
    await page.selectOption("[data-testid=rule-person-title]", "always_a");
    // Only people whose e-mail contains @acme.
    await page.click("[data-testid=scope-person-add]");
    await page.selectOption("[data-testid=scope-person] select[aria-label=Test]", "contains");
    await page.fill("[data-testid=scope-person] input[aria-label=Value]", "@acme");
    await page.selectOption("[data-testid=conflict-policy]", "ask");
    await page.fill("[data-testid=every-minutes]", "15");
    // HubSpot keeps each person's Salesforce id, so the two stay linked whatever their e-mails do.
    await page.selectOption("[data-testid=id_in_a-person]", "custom.salesforce_id");
    // A person deleted on one side is deleted on the other too.
    await page.selectOption("[data-testid=deletions-person]", "carry");
    await page.screenshot({ path: join(shots, "sync-rules.png"), fullPage: true });
    await page.click("[data-testid=save-pair]");
    await page.waitForSelector("[data-testid=sync-pair]");
    assert.match(
      await text("[data-testid=sync-pair]"),
      /every 15 min while the app is open · conflicts: ask me · deletions carried: Person/,
    );
    // A pair's first run writes to both CRMs: it asks first, naming them. Remove asks too.
    await page.click("[data-testid=remove-pair]");
    await page.waitForSelector("[data-testid=confirm-remove-pair]:has-text('Both keep their records')");
    await page.keyboard.press("Escape");
    await page.waitForSelector("[data-testid=confirm-remove-pair]", { state: "detached" });
    await page.click("[data-testid=run-sync]");
    assert.match(
      await text("[data-testid=confirm-first-sync]"),
      /in HubSpot — Sales EU and in Salesforce — HQ by the pair's rules/,
    );
    assert.equal(await page.locator("[data-testid=sync-progress]").count(), 0, "nothing sent yet");
    await page.screenshot({ path: join(shots, "sync-confirm-first-run.png") });
    await page.click("[data-testid=confirm-first-sync] [data-testid=confirm-action]");
    await page.waitForSelector("[data-testid=sync-progress]:has-text('Sending person')");
    await page.screenshot({ path: join(shots, "sync-running.png"), fullPage: true });
    await page.waitForSelector("[data-testid=sync-notice]:has-text('397 created')");
    assert.match(await text("[data-testid=sync-runs] tbody tr"), /Done\s*397\s*12\s*1\s*1,588\s*3\s*2/);
    // A run's failures and conflicts lead to where they wait.
    assert.equal(
      await page.locator("[data-testid=sync-runs] tbody tr").first().locator("button").count(),
      2,
      "Failed and Conflicts are links",
    );
    // What the run deleted is listed with the side it was deleted on, and an undo creates it again.
    await page.waitForSelector("[data-testid=sync-deletions]:has-text('Ines Duarte')");
    await page.screenshot({ path: join(shots, "sync-deletions.png"), fullPage: true });
    await page.click("[data-testid=undo-deletion]");
    await page.waitForSelector(
      "[data-testid=deletion-notice]:has-text('Ines Duarte is back in Salesforce — HQ')",
    );
    assert.match(await text("[data-testid=sync-deletions]"), /Created again/);
    await page.click("[data-testid=edit-pair]");
    assert.equal(await page.locator("[data-testid=rule-person-title]").inputValue(), "always_a");
    assert.equal(
      await page.locator("[data-testid=scope-person] input[aria-label=Value]").inputValue(),
      "@acme",
    );
    assert.equal(
      await page.locator("[data-testid=scope-person] select[aria-label=Field]").inputValue(),
      "email",
    );
    await page.click("text=Cancel");
  });

  test("Salesforce leads are kept with HubSpot contacts, the lead's status by a value map", async () => {
    await open("sync", "Sync");
    // HubSpot as A: leads are offered only with Salesforce as A, and the editor says so.
    await page.selectOption("[data-testid=pair-a]", "1");
    await page.selectOption("[data-testid=pair-b]", "3");
    await page.click("[data-testid=new-pair]");
    await page.waitForSelector("[data-testid=leads-hint]");
    assert.match(await text("[data-testid=leads-hint]"), /start a pair with Salesforce — HQ as side A/);
    assert.equal(await page.locator("[data-testid=add-leads]").count(), 0);
    await page.click("text=Cancel");
    await page.selectOption("[data-testid=pair-a]", "3");
    await page.selectOption("[data-testid=pair-b]", "1");
    await page.click("[data-testid=new-pair]");
    await page.click("[data-testid=add-leads]");
    await page.waitForSelector("[data-testid=across-lead]");
    assert.match(
      await text("[data-testid=pair-editor]"),
      /Lead in Salesforce — HQ ⇄ person in HubSpot — Sales EU/,
    );
    assert.match(
      await text("[data-testid=across-lead]"),
      /Salesforce — HQ's Status ⇄ HubSpot — Sales EU's Lead status/,
    );
    assert.equal(await page.locator("[data-testid=across-lead-1-rule]").inputValue(), "always_a");
    assert.equal(
      await page.locator("[data-testid='across-lead-0-value-Working - Contacted']").inputValue(),
      "IN_PROGRESS",
    );
    // HubSpot's own lead statuses are offered for each value.
    const offered = await page
      .locator("[data-testid=across-lead] datalist")
      .first()
      .locator("option")
      .evaluateAll((os) => os.map((o) => o.value));
    assert.ok(offered.includes("ATTEMPTED_TO_CONTACT") && offered.includes("BAD_TIMING"), offered.join());
    // The person says what "Working - Contacted" means in HubSpot, by keyboard.
    await page.focus("[data-testid='across-lead-0-value-Working - Contacted']");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("ATTEMPTED_TO_CONTACT");
    assert.equal(await page.locator("[data-testid=rule-lead-email]").inputValue(), "two_way");
    await page.screenshot({ path: join(shots, "sync-leads.png"), fullPage: true });
    await page.click("[data-testid=save-pair]");
    await page.waitForSelector("[data-testid=sync-pair]:has-text('Lead ⇄ Person')");
    await page
      .locator("[data-testid=sync-pair]", { hasText: "Lead ⇄ Person" })
      .locator("[data-testid=edit-pair]")
      .click();
    assert.equal(
      await page.locator("[data-testid='across-lead-0-value-Working - Contacted']").inputValue(),
      "ATTEMPTED_TO_CONTACT",
    );
    await page.click("text=Cancel");
  });

  test("The Conflicts inbox shows both values and the one before; a pick per field settles it", async () => {
    await open("conflicts", "Conflicts");
    await page.waitForSelector("[data-testid=conflict]");
    assert.match(await text("[data-testid=conflict]"), /Account Executive/);
    assert.equal(await page.locator("[data-testid=settle]").isDisabled(), true);
    await page.click("[data-testid=pick-b-title]");
    await page.click("[data-testid=pick-a-city]");
    // A link shows the record it points at, not only its id.
    assert.match(await text("[data-testid=conflict]"), /Bluth Holdings/);
    await page.click("[data-testid=pick-b-company_id]");
    await page.screenshot({ path: join(shots, "conflicts-inbox.png"), fullPage: true });
    await page.click("[data-testid=settle]");
    await page.waitForSelector("[data-testid=conflict-notice]:has-text('settled')");
    // A person deleted in HubSpot that the pair asks about before deleting it in Salesforce.
    assert.match(
      await text("[data-testid=deletion-conflict]"),
      /Oscar Pratt was deleted in HubSpot — Sales EU .* and is still in Salesforce — HQ/,
    );
    await page.screenshot({ path: join(shots, "conflicts-deletion.png"), fullPage: true });
    await page.click("[data-testid=delete-too]");
    await page.waitForSelector("[data-testid=conflict-notice]:has-text('deleted in Salesforce — HQ too')");
    await page.waitForSelector("[data-testid=empty-state]:has-text('No conflicts')");
  });

  test("The migration wizard goes from connections to a dry run, a run, its report and a rollback", async () => {
    const shot = (n, name) =>
      page.screenshot({ path: join(shots, `migration-${n}-${name}.png`), fullPage: true });
    const next = () => page.click(".wizard-nav button.primary");
    await open("migration", "Migration");
    await page.click("[data-testid=new-migration]");
    await page.selectOption("select[aria-label=source]", "2");
    await page.selectOption("select[aria-label=target]", "1");
    await shot(1, "connect");
    await next();
    await page.waitForSelector("h2:has-text('Objects')");
    assert.match(await text("[data-testid=migration-wizard] .panel"), /Deal → Deal/);
    // Each object with its count, activities kind by kind.
    assert.match(await text("[data-testid=migration-wizard] .panel"), /Person → Person \(1,873 records/);
    assert.equal(
      await text("[data-testid=activity-kinds]"),
      "936 notes2,210 e-mails471 calls88 meetings153 tasks",
    );
    await shot(2, "objects");
    await next();
    await page.waitForSelector("[data-testid=fields-person]");
    // A full name goes into first and last name; the deal's close date keeps its day in New York.
    assert.equal(
      await page.locator("[data-testid=fields-person] select[aria-label=change]").first().inputValue(),
      "split_name",
    );
    // A status maps to a lifecycle stage value by value, chosen from both CRMs' picklists.
    const valueMap = page.locator("[data-testid=fields-person] [data-testid=value-map]");
    assert.equal(
      await valueMap.locator("select[aria-label='value for Qualified']").inputValue(),
      "salesqualifiedlead",
    );
    await valueMap.locator("select[aria-label='value for Customer']").selectOption("customer");
    assert.deepEqual(
      await valueMap.locator("select[aria-label='value for Customer'] option").allTextContents(),
      [
        "(as it is)",
        "subscriber",
        "lead",
        "marketingqualifiedlead",
        "salesqualifiedlead",
        "opportunity",
        "customer",
      ],
    );
    // A custom field HubSpot lacks is created there like Close's, after saying what will be made.
    await page.click("[data-testid='create-like-custom.cf_buying_role']");
    await page.waitForSelector("[data-testid=create-field]:has-text('Champion, Economic buyer, User')");
    assert.equal(await page.locator("[data-testid=new-field-label]").inputValue(), "Buying role");
    await shot(3, "create-field");
    await page.click("[data-testid=confirm-create-field]");
    await page.waitForSelector("[data-testid=create-field]", { state: "detached" });
    // Mapped to it at once, and gone from the fields the target lacks.
    const targets = await page
      .locator("[data-testid=fields-person] select[aria-label='target field']")
      .evaluateAll((all) => all.map((s) => s.value));
    assert.ok(targets.includes("custom.buying_role"), targets.join(", "));
    assert.equal(await page.locator("[data-testid='create-like-custom.cf_buying_role']").count(), 0);
    await shot(3, "fields");
    await next();
    await page.waitForSelector("[data-testid=stage-mapping]");
    // An owner without a match by e-mail is named until a fallback owner is chosen.
    await page.waitForSelector("[data-testid=plan-warnings]:has-text('Omar Bauer')");
    await page.selectOption("select[aria-label='target stage of Won']", "presentationscheduled");
    await page.waitForSelector("[data-testid=plan-warnings]:has-text('the won stage')");
    await shot(4, "stages-and-owners");
    await page.selectOption("select[aria-label='target stage of Won']", "closedwon");
    await page.selectOption("select[aria-label='fallback owner']", "903");
    await page.waitForSelector("text=Every stage keeps its meaning");
    await next();
    await page.waitForSelector("h2:has-text('Match existing')");
    await page.click("text=Link only");
    await shot(5, "match-existing");
    await next();
    await page.waitForSelector("[data-testid=dry-run-summary]");
    assert.match(
      await text("[data-testid=dry-run-summary]"),
      /Nothing was written.*create 8.*2 records cannot be written.*104 API calls/s,
    );
    // Problems come first.
    assert.match(await text("[data-testid=dry-run-items] tbody tr"), /stage_id: stage stat_onhold/);
    // A field the plan maps to that HubSpot lacks is named, and created from here like the source's.
    await page.waitForSelector("[data-testid=missing-fields-person]:has-text('custom.region')");
    await shot(6, "dry-run");
    await page.click("[data-testid='create-like-custom.cf_region']");
    await page.waitForSelector("[data-testid=create-field]:has-text('Type: Text')");
    await page.click("[data-testid=confirm-create-field]");
    await page.waitForSelector("[data-testid=missing-fields-person]", { state: "detached" });
    await page.waitForSelector("[data-testid=dry-run-summary]");
    await page.click("text=With problems");
    assert.equal(await page.locator("[data-testid=dry-run-items] tbody tr").count(), 2);
    // The run writes to the target only after a confirmation naming it and the counts.
    await page.click("[data-testid=run-migration]");
    const confirmRun = await text("[data-testid=confirm-run]");
    assert.match(confirmRun, /into HubSpot — Sales EU\?/);
    assert.match(confirmRun, /This writes to HubSpot — Sales EU: create 8/);
    assert.equal(await page.locator("[data-testid=migration-progress]").count(), 0, "nothing runs yet");
    await page.screenshot({ path: join(shots, "migration-confirm-run.png") });
    await page.click("[data-testid=confirm-action]");
    // One progress for the whole run: the bar and the time left are the run's, the words name the
    // object being written; the sidebar lists the run with its Cancel.
    await page.waitForSelector("[data-testid=migration-progress]:has-text('Writing person records')");
    assert.match(await text("[data-testid=migration-progress]"), /of 11,513 records · now writing person/);
    await page.waitForSelector("[data-testid=jobs] [data-testid=job]:has-text('Migration “')");
    assert.equal(await page.locator("[data-testid=jobs] button:has-text('Cancel')").count(), 1);
    await shot(7, "run");
    // Closing the wizard meanwhile asks first; staying keeps the run going.
    await page.click("text=Close (the plan is saved)");
    await page.waitForSelector("[data-testid=confirm-leave-run]:has-text('Leave while the migration runs?')");
    await page.click("[data-testid=confirm-cancel]");
    await page.waitForSelector("[data-testid=confirm-leave-run]", { state: "detached" });
    // The run carries the value map as chosen.
    const sentMap = await page.evaluate(
      () =>
        window.__mockCalls
          .find((c) => c.cmd === "run_migration")
          .args.plan.objects.find((o) => o.source_object === "person")
          .fields.find((f) => f.target === "lifecycle_stage").transform.map,
    );
    assert.deepEqual(sentMap, { Qualified: "salesqualifiedlead", Customer: "customer" });
    await page.waitForSelector("[data-testid=migration-report]");
    assert.match(await text("[data-testid=migration-report]"), /9,985 created.*2 failed/s);
    assert.match(await text("[data-testid=migration-results] tbody tr"), /failed/);
    await shot(8, "report");
    // Back from the report lands on the dry run, never on the finished run's live view; the report is
    // one click on.
    await page.click("[data-testid=wizard-back]");
    await page.waitForSelector("h2:has-text('Dry run')");
    assert.equal(await page.locator("[data-testid=migration-progress]").count(), 0);
    await page.click("[data-testid=to-report]");
    await page.waitForSelector("[data-testid=migration-report]");
    await page.click("text=Roll back…");
    await page.waitForSelector("h2:has-text('Rollback')");
    // Records changed since the run are listed and left alone; a rollback this large asks for its count.
    await page.waitForSelector("[data-testid=changed-since]:has-text('2 records changed in the target')");
    await page.click("[data-testid=rollback]");
    const confirm = page.locator("[data-testid=confirm-rollback] [data-testid=confirm-action]");
    assert.match(
      await text("[data-testid=confirm-rollback]"),
      /Roll back 11,137 records in HubSpot — Sales EU\?/,
    );
    assert.equal(await confirm.isDisabled(), true, "the count is typed first");
    assert.equal(await page.getAttribute("[data-testid=rollback-confirm]", "data-count"), "11137");
    await page.fill("[data-testid=rollback-confirm]", "11,000");
    assert.equal(await confirm.isDisabled(), true, "a wrong count does not do");
    await page.fill("[data-testid=rollback-confirm]", "11137");
    await shot(9, "rollback-confirm");
    await confirm.click();
    await page.waitForSelector("[data-testid=rollback-result]:has-text('11,137')");
    assert.match(await text("[data-testid=rollback-result]"), /2 records changed since the run left alone/);
    await shot(10, "rollback");
    await page.click("text=Close (the plan is saved)");
    // The list says it was rolled back; its report stays reachable from there, and Back from it goes to
    // the step that makes a dry run.
    await page.waitForSelector("[data-testid=migration-status]:has-text('Rolled back')");
    assert.equal(await page.locator("[data-testid=open-rollback]").count(), 0, "nothing left to roll back");
    await page.screenshot({ path: join(shots, "migration-list.png") });
    await page.click("[data-testid=open-report]");
    await page.waitForSelector("[data-testid=migration-report]");
    await page.click("[data-testid=wizard-back]");
    await page.waitForSelector("h2:has-text('Match existing')");
    await page.click("text=Close (the plan is saved)");
    await page.waitForSelector("[data-testid=migrations]");
  });

  test("Fields, stages and owners are mapped outside a migration, saved as versions, exported and imported", async () => {
    await open("mappings", "Mappings");
    await page.selectOption("[data-testid=mapping-editor] select[aria-label=From]", "2");
    await page.selectOption("[data-testid=mapping-editor] select[aria-label=To]", "1");
    await page.click("[data-testid=load-mappings]");
    // Fields first: a person's title goes into a field HubSpot does not have, and the check says so.
    await page.waitForSelector("[data-testid=fields-person]");
    await page.click("[data-testid=fields-person] >> text=Add a field");
    const rows = page.locator("[data-testid=fields-person] tbody tr");
    await rows.last().locator("select[aria-label='change']").selectOption("default");
    await rows.last().locator("input[aria-label=value]").fill("Unknown");
    await page.screenshot({ path: join(shots, "mappings-fields.png"), fullPage: true });
    await page.click("[data-testid=export-mapping-person]");
    await page.waitForSelector(
      "[data-testid=mapping-notice]:has-text('crm-bridge-mapping-close-to-hubspot-person')",
    );
    await page.waitForSelector("[data-testid=field-mappings] tbody tr:has-text('person')");
    // A file of other CRMs is refused with the reason; a mapping file is saved as the next version.
    await page.setInputFiles("[data-testid=import-mapping]", {
      name: "rows.json",
      mimeType: "application/json",
      buffer: Buffer.from('{"rows": []}'),
    });
    await page.waitForSelector("[data-testid=error-banner]:has-text('not a CRM Bridge field mapping file')");
    const mapping = {
      source_object: "person",
      target_object: "person",
      fields: [{ source: "email", target: "email", transform: { kind: "direct" }, required: true }],
    };
    await page.setInputFiles("[data-testid=import-mapping]", {
      name: "people.json",
      mimeType: "application/json",
      buffer: Buffer.from(
        JSON.stringify({ format: "crm-bridge/field-mapping/1", source_provider: "close", mapping }),
      ),
    });
    await page.waitForSelector(
      "[data-testid=mapping-notice]:has-text('people.json: the person mapping (1 fields) saved as version 2')",
    );

    await page.click("[data-testid=mapping-tab-stages]");
    await page.waitForSelector("[data-testid=stage-mapping]");
    await page.selectOption("select[aria-label='target stage of Won']", "presentationscheduled");
    await page.waitForSelector("[data-testid=plan-warnings]:has-text('The won stage')");
    await page.selectOption("select[aria-label='target stage of Won']", "closedwon");
    await page.selectOption("select[aria-label='fallback owner']", "903");
    await page.waitForSelector("text=Every stage keeps its meaning");
    await page.screenshot({ path: join(shots, "mappings-stages-owners.png"), fullPage: true });
    await page.click("[data-testid=save-mappings]");
    await page.waitForSelector("[data-testid=stage-mappings] tbody tr:has-text('v2')");
    assert.match(await text("[data-testid=owner-mappings] tbody tr"), /owners\s*2\s*903\s*v2/);
    await page.screenshot({ path: join(shots, "mappings-saved.png"), fullPage: true });
    // With stages mapped, the sync pair can take deals, their stage and owner two-way.
    await open("sync", "Sync");
    await page.click("[data-testid=edit-pair]");
    await page.click("[data-testid=add-deal]");
    await page.waitForSelector("[data-testid=rule-deal-stage_id]");
    assert.match(await text("[data-testid=rule-deal-owner_id]"), /Two-way/);
    assert.equal(await page.locator("[data-testid=add-objects]").count(), 0);
    await page.screenshot({ path: join(shots, "sync-deals-added.png"), fullPage: true });
    await page.click("[data-testid=save-pair]");
    await page.waitForSelector("[data-testid=sync-pair]:has-text('Company, Person, Deal')");
  });

  test("Removing a connection says what stays, archives it; signing in again (same account only) brings it back", async () => {
    await open("connections", "Connections");
    const archived = page.locator("[data-testid=archived-connections]");
    assert.match((await archived.textContent()) ?? "", /Pipedrive — EMEA \(old\)/);
    const cards = await page.locator("[data-testid=connection-card]").count();
    const card = page.locator("[data-testid=connection-card]", { hasText: "Salesforce — HQ" });
    await card.locator("[data-testid=remove]").click();
    await page.waitForSelector("[data-testid=remove-stays]:has-text('7 merges, with their undo')");
    assert.match(await text("[data-testid=remove-connection]"), /mirrored records, from this workspace/);
    await page.click("[data-testid=keep-records]");
    assert.match(await text("[data-testid=remove-stays]"), /mirrored records/);
    await page.screenshot({ path: join(shots, "connection-remove.png"), fullPage: true });
    await page.click("[data-testid=confirm-remove]");
    await page.waitForFunction(
      (n) => document.querySelectorAll("[data-testid=connection-card]").length === n,
      cards - 1,
    );
    assert.match((await archived.textContent()) ?? "", /Salesforce — HQ/);
    await page.screenshot({ path: join(shots, "connections-archived.png"), fullPage: true });

    // Another account's key is refused with both names; the right one brings the card back.
    await archived.locator("li", { hasText: "Salesforce — HQ" }).locator("button").click();
    await page.click("[data-testid=again-method-key]");
    await page.fill("[data-testid=again-api-key]", "other-account");
    await page.click("[data-testid=confirm-sign-in-again]");
    await page.waitForSelector("[data-testid=sign-in-again] [data-testid=error-banner]");
    assert.match(
      await text("[data-testid=sign-in-again] [data-testid=error-banner]"),
      /Other Inc\..*Salesforce — HQ/,
    );
    await page.screenshot({ path: join(shots, "connection-sign-in-again.png"), fullPage: true });
    await page.fill("[data-testid=again-api-key]", "the-right-key");
    await page.click("[data-testid=confirm-sign-in-again]");
    await page.waitForFunction(
      (n) => document.querySelectorAll("[data-testid=connection-card]").length === n,
      cards,
    );
    assert.equal(await page.locator("[data-testid=sign-in-again]").count(), 0, "the form closes");

    // Both land in the activity log, newest first, and the filter keeps one kind.
    await open("log", "Activity log");
    const first = await text("[data-testid=audit-log] tbody tr");
    assert.match(first, /Signed in again/);
    await page.selectOption("[data-testid=log-action]", "disconnect");
    await page.waitForFunction(() =>
      [...document.querySelectorAll("[data-testid=audit-log] tbody tr")].every((r) =>
        r.textContent?.includes("Removed a connection"),
      ),
    );
    assert.equal(await page.locator("[data-testid=audit-log] tbody tr").count(), 2);
    await page.selectOption("[data-testid=log-action]", "");
    await page.screenshot({ path: join(shots, "activity-log.png"), fullPage: true });
  });

  test("Settings lists the backups and restores one only after saying what it does", async () => {
    await open("settings", "Settings");
    await page.waitForSelector("[data-testid=backups] tbody tr");
    assert.match(await text("[data-testid=backups] tbody tr"), /Before merging all safe groups/);
    await page.locator("[data-testid=backups] tbody tr").first().locator("button").click();
    assert.match(await text("[data-testid=confirm-restore]"), /Your CRMs are not changed/);
    await page.screenshot({ path: join(shots, "settings-restore.png"), fullPage: true });
    await page.locator("[data-testid=confirm-restore] button.danger").click();
    await page.waitForSelector("[data-testid=restore-notice]");
    assert.match(await text("[data-testid=backups] tbody tr"), /Before restoring a backup/);
  });

  test("Settings: a bad value is refused by name beside its field; the theme applies at once", async () => {
    await open("settings", "Settings");
    await page.fill("#review-threshold", "0.2");
    await page.press("#review-threshold", "Enter");
    await page.waitForSelector("[data-testid=setting-review-threshold] [role=alert]");
    assert.match(
      await text("[data-testid=setting-review-threshold] [role=alert]"),
      /invalid review-threshold: must be at least 0.5/,
    );
    assert.equal(await page.getAttribute("#review-threshold", "aria-invalid"), "true");
    await page.fill("#review-threshold", "0.8");
    await page.press("#review-threshold", "Enter");
    await page.waitForFunction(
      () => !document.querySelector("[data-testid=setting-review-threshold] [role=alert]"),
    );
    await page.screenshot({ path: join(shots, "settings.png"), fullPage: true });
    await page.check("[data-testid=setting-theme] input[value=dark]");
    await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(background, "rgb(246, 247, 249)", "the dark theme changes the page's colours");
    await page.screenshot({ path: join(shots, "settings-dark.png"), fullPage: true });
    await open("connections", "Connections");
    await page.screenshot({ path: join(shots, "connections-dark.png") });
    await open("settings", "Settings");
    await page.check("[data-testid=setting-theme] input[value=light]");
    await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
    // Diagnostics are shown before they are copied; About lists the bundled libraries.
    await page.click("[data-testid=copy-diagnostics]");
    await page.waitForSelector("[data-testid=diagnostics-text]");
    assert.match(await page.inputValue("[data-testid=diagnostics-text]"), /CRM Bridge 0.1.0 \(desktop app\)/);
    assert.match(await text("[data-testid=licences-summary]"), /Licences of the 3 bundled libraries/);
    // Opening another workspace takes a full path.
    await page.click("[data-testid=open-workspace]");
    await page.fill("[data-testid=workspace-path]", "relative.sqlite3");
    await page.click("[data-testid=workspace-submit]");
    await page.waitForSelector("[data-testid=workspace-form] [data-testid=error-banner]");
    assert.match(await text("[data-testid=workspace-form]"), /full path/);
  });

  test("a first run opens on the start screen; every other screen leads back to it", async () => {
    const first = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await first.goto(`${baseUrl}?empty`);
    await first.waitForSelector("[data-testid=start-screen]");
    const start = await first.locator("[data-testid=start-screen]").textContent();
    for (const crm of ["HubSpot", "Salesforce", "Close", "Pipedrive"])
      assert.match(start, new RegExp(`Connect ${crm}`));
    assert.match(start, /Personal preferences → API/, "where Pipedrive's token is");
    await first.screenshot({ path: join(shots, "start.png") });
    for (const id of ["records", "duplicates", "sync", "conflicts", "mappings", "migration", "failed"]) {
      await first.click(`[data-testid=nav-${id}]`);
      await first.waitForSelector("[data-testid=empty-state]:has-text('Connect a CRM first')");
    }
    await first.click("[data-testid=go-connect]");
    await first.waitForSelector("[data-testid=start-screen]");
    // A card opens the form on its CRM.
    await first.click("[data-testid=start-pipedrive]");
    assert.equal(await first.inputValue("[data-testid=add-connection] select"), "pipedrive");
    await first.click("[data-testid=cancel-sign-in]");
    // The demo is labelled in the sidebar and the title, with a way back.
    await first.click("[data-testid=start-demo]");
    await first.waitForSelector("[data-testid=demo-badge]");
    assert.equal(await first.title(), "CRM Bridge — Demo");
    await first.waitForSelector("[data-testid=connection-card]");
    await first.screenshot({ path: join(shots, "start-demo-opened.png") });
    await first.close();
  });

  test("Records and Failed records work by keyboard: arrows move, Enter opens, Esc closes and returns", async () => {
    const kb = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await kb.goto(baseUrl);
    await kb.waitForSelector("[data-testid=connection-card]");
    // Narrowed below 1,100 px, the sidebar's badges are short; the button's name keeps the screen's.
    assert.equal(await kb.locator("[data-testid=nav-records] .count").innerText(), "5K");
    assert.equal(await kb.getAttribute("[data-testid=nav-records]", "title"), "Records (5,000)");
    await kb.click("[data-testid=nav-records]");
    await kb.waitForSelector("[data-testid=record-row]:not(:has-text('Loading'))");
    // A grid that tells its size; each row its position.
    assert.equal(await kb.getAttribute("[role=grid]", "aria-rowcount"), "5001");
    assert.equal(await kb.locator("[data-testid=record-row]").first().getAttribute("aria-rowindex"), "2");
    await kb.focus("[data-testid=record-row][tabindex='0']");
    await kb.keyboard.press("ArrowDown");
    await kb.keyboard.press("ArrowDown");
    const focused = () => kb.evaluate(() => document.activeElement?.getAttribute("aria-rowindex"));
    assert.equal(await focused(), "4");
    await kb.keyboard.press("End");
    await kb.waitForFunction(() => document.activeElement?.getAttribute("aria-rowindex") === "5001");
    await kb.keyboard.press("Home");
    await kb.waitForFunction(() => document.activeElement?.getAttribute("aria-rowindex") === "2");
    await kb.keyboard.press("Enter");
    await kb.waitForSelector("[data-testid=record-detail]");
    await kb.screenshot({ path: join(shots, "records-keyboard-1024.png") });
    await kb.keyboard.press("Escape");
    await kb.waitForSelector("[data-testid=record-detail]", { state: "detached" });
    assert.equal(await focused(), "2", "focus is back on the row");

    await kb.click("[data-testid=nav-failed]");
    await kb.waitForSelector("[data-testid=failed-row]");
    assert.match(await kb.locator("[data-testid=failed-row]").first().textContent(), /^Ann Lee/);
    await kb.focus("[data-testid=failed-row]");
    await kb.keyboard.press("Enter");
    await kb.waitForSelector("[data-testid=failed-detail]");
    // At 1024×700 the detail sits beside the list: the CRM's message stays readable, nothing covered.
    const list = await kb.locator("[data-testid=failed-records]").boundingBox();
    const detail = await kb.locator("[data-testid=failed-detail]").boundingBox();
    assert.ok(list.x + list.width <= detail.x, `list ends at ${list.x + list.width}, detail at ${detail.x}`);
    assert.match(
      await kb.locator("[data-testid=failed-records]").textContent(),
      /Property values were not valid/,
    );
    await kb.keyboard.press("Escape");
    await kb.waitForSelector("[data-testid=failed-detail]", { state: "detached" });
    assert.ok(await kb.evaluate(() => document.activeElement?.dataset.testid === "failed-row"));
    // Pull all: each pull a job in the sidebar; "Stop all" stops them, with no error.
    await kb.click("[data-testid=nav-connections]");
    await kb.click("[data-testid=pull-all]");
    await kb.waitForSelector("[data-testid=stop-all-pulls]:has-text('Stop all 3 pulls')");
    await kb.waitForSelector("[data-testid=jobs] [role=status]:has-text('3 jobs running')");
    await kb.click("[data-testid=stop-all-pulls]");
    await kb.waitForSelector("[data-testid=pull-all]");
    await kb.waitForSelector("[data-testid=jobs]", { state: "detached" });
    assert.equal(await kb.locator("[data-testid=error-banner]").count(), 0);
    await kb.click("[data-testid=nav-failed]");
    await kb.waitForSelector("[data-testid=failed-row]");
    // A job started on one screen stays in the sidebar on every other, and leads back.
    await kb.click("[data-testid=nav-duplicates]");
    await kb.click("[data-testid=find-duplicates]");
    await kb.click("[data-testid=nav-failed]");
    await kb.waitForSelector("[data-testid=jobs] [role=status]:has-text('1 job running')");
    await kb.screenshot({ path: join(shots, "jobs-indicator-1024.png") });
    // The sidebar is narrowed at 1,024 px: the jobs' head alone shows, and leads back.
    await kb.click("[data-testid=jobs-head]");
    await kb.waitForSelector("[data-testid=screen-duplicates]");
    await kb.waitForSelector("[data-testid=jobs]", { state: "detached" });
    await kb.click("[data-testid=nav-failed]");
    await kb.waitForSelector("[data-testid=failed-row]");
    // Re-sync all asks first, naming the count.
    await kb.click("[data-testid=resync-all]");
    assert.match(
      await kb.locator("[data-testid=confirm-resync-all]").textContent(),
      /Send 2 records again\?/,
    );
    await kb.keyboard.press("Escape");
    await kb.waitForSelector("[data-testid=confirm-resync-all]", { state: "detached" });
    assert.equal(await kb.locator("[data-testid=failed-row]").count(), 2, "nothing sent");

    // By cause: one row per problem and field, and "Fix all" sets one value in each write and re-sends.
    await kb.click("[data-testid=view-causes]");
    await kb.waitForSelector("[data-testid=failed-group]");
    assert.equal(await kb.locator("[data-testid=failed-group]").count(), 2);
    await kb.click("[data-testid=failed-group]:has-text('email') [data-testid=fix-all]");
    await kb.waitForSelector("[data-testid=fix-group]:has-text('Fix all 1: E-mail')");
    assert.equal(await kb.locator("[data-testid=fix-confirm]").isDisabled(), true, "a value first");
    await kb.fill("[data-testid=fix-value]", "ann@example.com");
    await kb.screenshot({ path: join(shots, "failed-fix-all.png") });
    await kb.click("[data-testid=fix-confirm]");
    await kb.waitForSelector("[data-testid=failed-notice]:has-text('1 record written and out of the queue')");
    assert.equal(await kb.locator("[data-testid=failed-group]").count(), 1);

    // Closing the window while jobs run (the Rust side stops the close and says how many) asks first;
    // "Stop and quit" lets it go.
    await kb.evaluate(() => window.__mockEmit("close-requested", 2));
    await kb.waitForSelector("[data-testid=confirm-quit]:has-text('Quit while 2 jobs run?')");
    await kb.keyboard.press("Escape");
    await kb.waitForSelector("[data-testid=confirm-quit]", { state: "detached" });
    assert.ok(!(await kb.evaluate(() => window.__mockCalls.some((c) => c.cmd === "quit_anyway"))));
    await kb.evaluate(() => window.__mockEmit("close-requested", 1));
    await kb.click("[data-testid=confirm-quit] [data-testid=confirm-action]");
    await kb.waitForFunction(() => window.__mockCalls.some((c) => c.cmd === "quit_anyway"));
    await kb.close();
  });
});
