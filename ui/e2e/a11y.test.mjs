// Every screen, in light and dark, at 1024×700 and 1440×900, checked by axe-core (WCAG 2.2 A/AA rules);
// any serious or critical violation fails. Each state is also saved as a screenshot to be looked at.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { shots, startUi } from "./harness.mjs";

const axeSource = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const SCREENS = [
  ["connections", "Connections"],
  ["records", "Records"],
  ["duplicates", "Duplicates"],
  ["sync", "Sync"],
  ["conflicts", "Conflicts"],
  ["mappings", "Mappings"],
  ["migration", "Migration"],
  ["failed", "Failed records"],
  ["log", "Activity log"],
  ["settings", "Settings"],
];
const SIZES = [
  [1024, 700],
  [1440, 900],
];

let ui;
before(async () => {
  ui = await startUi();
});
after(async () => {
  await ui?.close();
});

/** axe's serious and critical violations on the page as it is, one line each. */
async function violations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      resultTypes: ["violations"],
    });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.nodes
            .map((n) => n.target.join(" "))
            .slice(0, 4)
            .join(" | ")}`,
      );
  });
  return found;
}

/** Each state to check on a screen: the screen as it opens, then any dialog or detail it leads to. */
const STATES = {
  duplicates: [
    ["bulk-merge", (page) => page.click("[data-testid=bulk-merge-open]"), "[data-testid=bulk-merge]"],
    [
      "history",
      (page) => page.click("[data-testid=tab-history]"),
      "[data-testid=tab-history][aria-selected=true]",
    ],
  ],
  failed: [
    ["detail", (page) => page.click("[data-testid=failed-row]"), "[data-testid=failed-detail]"],
    ["causes", (page) => page.click("[data-testid=view-causes]"), "[data-testid=failed-group]"],
    ["fix-all", (page) => page.click("[data-testid=fix-all]"), "[data-testid=fix-group]"],
  ],
  records: [["detail", (page) => page.click("[data-testid=record-row]"), "[data-testid=record-detail]"]],
};

for (const theme of ["light", "dark"]) {
  for (const [width, height] of SIZES) {
    describe(`every screen, ${theme}, ${width}×${height}`, () => {
      let page;
      before(async () => {
        page = await ui.browser.newPage({ viewport: { width, height }, colorScheme: theme });
        await page.goto(ui.baseUrl);
        await page.waitForSelector("[data-testid=connection-card]");
      });
      after(() => page?.close());

      for (const [id, heading] of SCREENS) {
        test(`${id} has no serious or critical axe violation`, async () => {
          await page.click(`[data-testid=nav-${id}]`);
          await page.waitForSelector(`[data-testid=screen-${id}] h1:has-text("${heading}")`);
          await page.waitForLoadState("networkidle");
          await page.waitForTimeout(400);
          const name = `a11y-${id}-${theme}-${width}`;
          await page.screenshot({ path: join(shots, `${name}.png`) });
          const all = await violations(page);
          for (const [state, act, selector] of STATES[id] ?? []) {
            await act(page);
            await page.waitForSelector(selector);
            await page.waitForTimeout(200);
            await page.screenshot({ path: join(shots, `${name}-${state}.png`) });
            all.push(...(await violations(page)).map((v) => `${state}: ${v}`));
            await page.keyboard.press("Escape");
          }
          assert.deepEqual(all, [], `${id} in ${theme} at ${width}×${height}`);
        });
      }
    });
  }
}
