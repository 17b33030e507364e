// The mock's migrations: a Close -> HubSpot plan, a dry run with problems, a run that emits
// progress, its result lines, and a rollback. For UI tests in a plain browser only.
import { emit } from "@tauri-apps/api/event";
import type { CreatedField } from "../bindings/CreatedField";
import type { DryRun } from "../bindings/DryRun";
import type { FieldMapping } from "../bindings/FieldMapping";
import type { FieldMappingRow } from "../bindings/FieldMappingRow";
import type { MigrationOptions } from "../bindings/MigrationOptions";
import type { MigrationPlan } from "../bindings/MigrationPlan";
import type { MigrationProgress } from "../bindings/MigrationProgress";
import type { MigrationReport } from "../bindings/MigrationReport";
import type { MigrationResult } from "../bindings/MigrationResult";
import type { MigrationRow } from "../bindings/MigrationRow";
import type { NewField } from "../bindings/NewField";
import type { PlannedItem } from "../bindings/PlannedItem";
import type { SavedMappingRow } from "../bindings/SavedMappingRow";
import type { SavedMappings } from "../bindings/SavedMappings";
import type { StageOwnerMapping } from "../bindings/StageOwnerMapping";

const direct = (source: string, target = source, required = false) => ({
  source,
  target,
  transform: { kind: "direct" as const },
  required,
});

function plan(source: number, target: number): MigrationPlan {
  return {
    name: "Close — Inside sales to HubSpot — Sales EU",
    source,
    target,
    objects: [
      {
        source_object: "company",
        target_object: "company",
        fields: [
          direct("name", "name", true),
          direct("domain"),
          direct("city"),
          direct("custom.cf_source", "custom.lead_source"),
        ],
      },
      {
        source_object: "person",
        target_object: "person",
        fields: [
          { source: "name", target: "last_name", transform: { kind: "split_name" }, required: false },
          direct("email"),
          direct("phone"),
          direct("title"),
          direct("company_id"),
          direct("owner_id"),
          // Imported from a file: HubSpot has no such property (yet).
          direct("custom.cf_region", "custom.region"),
          {
            source: "status",
            target: "lifecycle_stage",
            transform: { kind: "value_map", map: { Qualified: "salesqualifiedlead" }, otherwise: null },
            required: false,
          },
        ],
      },
      {
        source_object: "deal",
        target_object: "deal",
        fields: [
          direct("name", "name", true),
          { source: "amount", target: "amount", transform: { kind: "number" }, required: false },
          direct("stage_id"),
          direct("stage_id", "pipeline_id"),
          {
            source: "close_date",
            target: "close_date",
            transform: { kind: "date", offset_minutes: -300 },
            required: false,
          },
          direct("company_id"),
        ],
      },
      {
        source_object: "activity",
        target_object: "activity",
        fields: [
          direct("kind"),
          direct("subject"),
          direct("body"),
          direct("occurred_at"),
          direct("direction"),
          direct("duration_s"),
          direct("company_id"),
          direct("person_id"),
        ],
      },
    ],
    stages: [
      {
        source_pipeline: "pipe_1",
        source_stage: "stat_qual",
        target_pipeline: "default",
        target_stage: "qualifiedtobuy",
      },
      {
        source_pipeline: "pipe_1",
        source_stage: "stat_prop",
        target_pipeline: "default",
        target_stage: "presentationscheduled",
      },
      {
        source_pipeline: "pipe_1",
        source_stage: "stat_won",
        target_pipeline: "default",
        target_stage: "closedwon",
      },
      {
        source_pipeline: "pipe_1",
        source_stage: "stat_lost",
        target_pipeline: "default",
        target_stage: "closedlost",
      },
    ],
    owners: [
      { source_owner: "user_ava", target_owner: "901" },
      { source_owner: "user_noah", target_owner: "902" },
    ],
    fallback_owner: null,
    existing: "link_and_update",
    warnings: [],
    source_counts: [
      { object_type: "company", kind: null, count: 412 },
      { object_type: "person", kind: null, count: 1873 },
      { object_type: "deal", kind: null, count: 240 },
      { object_type: "activity", kind: "note", count: 936 },
      { object_type: "activity", kind: "email", count: 2210 },
      { object_type: "activity", kind: "call", count: 471 },
      { object_type: "activity", kind: "meeting", count: 88 },
      { object_type: "activity", kind: "task", count: 153 },
    ],
  };
}

const options: MigrationOptions = {
  source_pipelines: [
    {
      id: "pipe_1",
      label: "Sales",
      stages: [
        { id: "stat_qual", label: "Qualified", outcome: "open", probability: 20 },
        { id: "stat_prop", label: "Proposal sent", outcome: "open", probability: 60 },
        { id: "stat_won", label: "Won", outcome: "won", probability: 100 },
        { id: "stat_lost", label: "Lost", outcome: "lost", probability: 0 },
      ],
    },
  ],
  target_pipelines: [
    {
      id: "default",
      label: "Sales Pipeline",
      stages: [
        { id: "qualifiedtobuy", label: "Qualified to buy", outcome: "open", probability: 20 },
        { id: "presentationscheduled", label: "Presentation scheduled", outcome: "open", probability: 60 },
        { id: "closedwon", label: "Closed won", outcome: "won", probability: 100 },
        { id: "closedlost", label: "Closed lost", outcome: "lost", probability: 0 },
      ],
    },
  ],
  source_owners: [
    { id: "user_ava", name: "Ava Reyes", email: "ava.reyes@crmbridge-demo.example" },
    { id: "user_noah", name: "Noah Fischer", email: "noah.fischer@crmbridge-demo.example" },
    { id: "user_omar", name: "Omar Bauer", email: "omar.bauer@old-domain.example" },
  ],
  target_owners: [
    { id: "901", name: "Ava Reyes", email: "ava.reyes@crmbridge-demo.example" },
    { id: "902", name: "Noah Fischer", email: "noah.fischer@crmbridge-demo.example" },
    { id: "903", name: "Mia Okafor", email: "mia.okafor@crmbridge-demo.example" },
  ],
  fields: [
    {
      source_object: "company",
      target_object: "company",
      source: ["name", "domain", "city", "country", "custom.cf_source"],
      target: ["name", "domain", "city", "country", "phone", "custom.lead_source"],
      source_options: {},
      target_options: { "custom.lead_source": ["webinar", "trade_show", "referral"] },
    },
    {
      source_object: "person",
      target_object: "person",
      source: [
        "name",
        "email",
        "phone",
        "title",
        "company_id",
        "owner_id",
        "status",
        "custom.cf_buying_role",
        "custom.cf_region",
      ],
      target: [
        "first_name",
        "last_name",
        "email",
        "phone",
        "title",
        "company_id",
        "owner_id",
        "city",
        "lifecycle_stage",
        "lead_status",
      ],
      source_options: { status: ["Potential", "Qualified", "Customer", "Bad Fit"] },
      target_options: {
        lifecycle_stage: [
          "subscriber",
          "lead",
          "marketingqualifiedlead",
          "salesqualifiedlead",
          "opportunity",
          "customer",
        ],
        lead_status: ["NEW", "OPEN", "IN_PROGRESS", "CONNECTED", "UNQUALIFIED"],
      },
    },
    {
      source_object: "deal",
      target_object: "deal",
      source: ["name", "amount", "stage_id", "close_date", "company_id"],
      target: ["name", "amount", "stage_id", "pipeline_id", "close_date", "company_id", "owner_id"],
      source_options: {},
      target_options: {},
    },
    {
      source_object: "activity",
      target_object: "activity",
      source: ["body", "company_id"],
      target: ["body", "company_id", "occurred_at"],
      source_options: {},
      target_options: {},
    },
  ],
};

const NAMES = ["Acme Travel", "Globex Health", "Initech Retail", "Hooli Media", "Umbrella Energy"];
const PEOPLE = ["Ann Lee", "Ben Okafor", "Chloé Martin", "David Novak", "Emma Jensen", "Felix Bauer"];

function dryRun(p: MigrationPlan): DryRun {
  const items: PlannedItem[] = [
    {
      object_type: "deal",
      source_remote_id: "oppo_7Hx2",
      name: "Hooli — Pilot",
      action: "create",
      target_remote_id: null,
      fields: { name: "Hooli — Pilot" },
      unchanged: false,
      problems: [
        { field: "stage_id", message: "stage stat_onhold has no target stage in the stage mapping" },
      ],
    },
    {
      object_type: "person",
      source_remote_id: "cont_9Qa1",
      name: "Frank Ocean",
      action: "create",
      target_remote_id: null,
      fields: {},
      unchanged: false,
      problems: [{ field: "company_id", message: "links to company lead_0Zz9, which is not in the target" }],
    },
  ];
  NAMES.forEach((n, i) =>
    items.push({
      object_type: "company",
      source_remote_id: `lead_${i}A`,
      name: n,
      action: i % 2 ? "update" : "create",
      target_remote_id: i % 2 ? `${500 + i}` : null,
      fields: { name: n, domain: `${(n.split(" ")[0] ?? n).toLowerCase()}.example`, city: "London" },
      problems: [],
      unchanged: false,
    }),
  );
  PEOPLE.forEach((n, i) =>
    items.push({
      object_type: "person",
      source_remote_id: `cont_${i}B`,
      name: n,
      action: i === 2 ? "link" : "create",
      target_remote_id: i === 2 ? "7710" : null,
      fields: {
        first_name: n.split(" ")[0],
        last_name: n.split(" ")[1],
        email: `${(n.split(" ")[0] ?? n).toLowerCase()}@acme.example`,
      },
      problems: [],
      unchanged: false,
    }),
  );
  return {
    items,
    counts: { create: 8, update: 2, link: 1, unchanged: 3 },
    with_problems: 2,
    api_calls: 104,
    missing_fields: p.objects.flatMap((m) =>
      m.fields
        .filter(
          (f) =>
            f.target.startsWith("custom.") &&
            !options.fields.find((o) => o.source_object === m.source_object)?.target.includes(f.target),
        )
        .map((f) => ({
          source_object: m.source_object,
          target_object: m.target_object,
          source: f.source,
          target: f.target,
        })),
    ),
    seconds: 5.5,
  };
}

let report: MigrationReport | null = null;
let savedMappings: SavedMappings = { stages: [], owners: [] };
const fieldMappings: FieldMappingRow[] = [];
/** A new version of each object's field mapping in `p`, as the store saves them. */
function saveFields(p: MigrationPlan) {
  for (const m of p.objects) {
    const name = `Close — Inside sales -> HubSpot — Sales EU: ${m.source_object}`;
    const version = fieldMappings.filter((f) => f.name === name).length + 1;
    fieldMappings.push({
      id: fieldMappings.length + 1,
      name,
      version,
      source_provider: "close",
      source_object: m.source_object,
      target_provider: "hubspot",
      target_object: m.target_object,
      rule_count: m.fields.length,
      created_at: "2026-11-30T22:20:00.000Z",
    });
  }
}
/** Whether stages were mapped: a sync pair then suggests deals too. */
export const stagesMapped = () => savedMappings.stages.length > 0;
const migrations: MigrationRow[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(p: MigrationPlan): Promise<MigrationReport> {
  const base: MigrationProgress = {
    migration_id: 1,
    step: "pulling",
    object_type: null,
    done: 0,
    planned: 0,
    overall_done: 0,
    overall_planned: 0,
    eta_seconds: null,
  };
  await emit("migration-progress", base);
  await sleep(250);
  const total = 11513;
  let before = 0;
  for (const [t, planned] of [
    ["company", 2000],
    ["person", 9000],
  ] as const) {
    for (let done = 0; done <= planned; done += planned / 4) {
      await emit("migration-progress", {
        ...base,
        step: "writing",
        object_type: t,
        done,
        planned,
        overall_done: before + done,
        overall_planned: total,
        eta_seconds: (total - before - done) / 400,
      });
      await sleep(150);
    }
    before += planned;
  }
  report = {
    migration_id: 1,
    run: 1,
    created: 9985,
    updated: 1152,
    linked: 340,
    skipped: 0,
    unchanged: 34,
    failed: 2,
    rolled_back: 0,
    left_changed: 0,
  };
  migrations.splice(0, migrations.length, {
    id: 1,
    name: p.name,
    source_connection_id: p.source,
    target_connection_id: p.target,
    status: "completed",
    items_done: 11511,
    items_failed: 2,
    items_total: 11513,
    updated_at: "2026-11-30T21:40:00.000Z",
  });
  return report;
}

function results(): MigrationResult[] {
  const out: MigrationResult[] = [
    {
      object_type: "deal",
      source_remote_id: "oppo_7Hx2",
      target_remote_id: null,
      action: "create",
      unchanged: false,
      status: "failed",
      error: "stage_id: stage stat_onhold has no target stage in the stage mapping",
    },
    {
      object_type: "person",
      source_remote_id: "cont_9Qa1",
      target_remote_id: null,
      action: "create",
      unchanged: false,
      status: "failed",
      error: "company_id: links to company lead_0Zz9, which is not in the target",
    },
  ];
  for (let i = 0; i < 40; i++) {
    out.push({
      object_type: i < 10 ? "company" : "person",
      source_remote_id: `rec_${i}`,
      target_remote_id: `${9000 + i}`,
      action: i % 7 ? "create" : "update",
      unchanged: i === 14,
      status: "done",
      error: null,
    });
  }
  return out;
}

export function migrateCommand(cmd: string, args: unknown): Promise<unknown> | unknown {
  const a = args as { [key: string]: unknown };
  switch (cmd) {
    case "migrations":
      return migrations;
    case "plan_migration":
      return plan(a.source as number, a.target as number);
    case "migration_options":
      return options;
    case "new_field_like":
      return (
        a.field === "custom.cf_region"
          ? { label: "Region", type: "text", options: [] }
          : { label: "Buying role", type: "picklist", options: ["Champion", "Economic buyer", "User"] }
      ) satisfies NewField;
    case "create_field": {
      const field = a.field as NewField;
      const name = `custom.${field.label.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`;
      const people = options.fields.find((f) => f.source_object === "person")!;
      if (!people.target.includes(name)) people.target.push(name);
      people.target_options[name] = field.options;
      return {
        name,
        label: field.label,
        crm_type: "enumeration",
        options: field.options,
      } satisfies CreatedField;
    }
    case "check_migration_plan": {
      const p = a.plan as MigrationPlan;
      const warnings: string[] = [];
      const won = p.stages.find((m) => m.source_stage === "stat_won");
      if (won && won.target_stage !== "closedwon") {
        const label =
          options.target_pipelines[0]?.stages.find((s) => s.id === won.target_stage)?.label ??
          won.target_stage;
        warnings.push(`the won stage "Won" maps to "${label}", which is open`);
      }
      if (!p.fallback_owner) {
        const left = options.source_owners.filter((o) => !p.owners.some((m) => m.source_owner === o.id));
        if (left.length)
          warnings.push(
            `no target owner for ${left.map((o) => o.name).join(", ")}: choose one or a fallback owner, or their records are left without an owner`,
          );
      }
      return warnings;
    }
    case "save_migration_plan":
      return 1;
    case "migration_plan":
      return plan(2, 1);
    case "dry_run_migration":
      return sleep(300).then(() => dryRun(a.plan as MigrationPlan));
    case "run_migration":
      return run(a.plan as MigrationPlan);
    case "cancel_migration":
      return null;
    case "migration_results":
      return results();
    case "stage_and_owner_mappings":
      return savedMappings;
    case "save_stage_owner_mapping": {
      const m = a.mapping as StageOwnerMapping;
      const version = savedMappings.stages.length + 1;
      const row = (what: string, count: number, fallback: string | null): SavedMappingRow => ({
        name: `Close — Inside sales -> HubSpot — Sales EU: ${what}`,
        version,
        source: m.source,
        target: m.target,
        count,
        fallback_owner: fallback,
        saved_at: "2026-11-30T22:10:00.000Z",
      });
      savedMappings = {
        stages: [row("stages", m.stages.length, null)],
        owners: [row("owners", m.owners.length, m.fallback_owner)],
      };
      return null;
    }
    case "field_mappings":
      // The newest version of each name, as the store lists them.
      return fieldMappings.filter(
        (f) => !fieldMappings.some((g) => g.name === f.name && g.version > f.version),
      );
    case "save_mappings": {
      const p = a.plan as MigrationPlan;
      saveFields(p);
      return migrateCommand("save_stage_owner_mapping", {
        mapping: {
          source: p.source,
          target: p.target,
          stages: p.stages,
          owners: p.owners,
          fallback_owner: p.fallback_owner,
        },
      });
    }
    case "export_field_mapping":
      return `/home/demo/Downloads/crm-bridge-mapping-close-to-hubspot-${a.object as string}-20261130-222000.json`;
    case "import_field_mapping": {
      const file = JSON.parse(a.text as string) as { mapping?: FieldMapping; source_provider?: string };
      if (!file.mapping || file.source_provider !== "close")
        throw { code: "invalid_input", message: "file: not a CRM Bridge field mapping file" };
      saveFields({ ...plan(a.source as number, a.target as number), objects: [file.mapping] });
      return { object: file.mapping.source_object, fields: file.mapping.fields.length, version: 2 };
    }
    case "rollback_preview":
      return sleep(200).then(() => ({
        migration_id: a.id as number,
        records: 11139,
        changed_since: [
          {
            object_type: "company",
            remote_id: "9001",
            display_name: "Acme Inc. (renamed by Dana)",
            written_at: "2026-11-30T22:20:00.000Z",
            changed_at: "2026-12-01T08:41:00.000Z",
          },
          {
            object_type: "person",
            remote_id: "9302",
            display_name: "William Smith",
            written_at: "2026-11-30T22:20:00.000Z",
            changed_at: "2026-12-01T09:03:00.000Z",
          },
        ],
      }));
    case "rollback_migration": {
      const overwrite = a.overwriteChanged as boolean;
      return sleep(300).then(() => {
        report = {
          ...report!,
          rolled_back: overwrite ? 11139 : 11137,
          failed: 0,
          left_changed: overwrite ? 0 : 2,
        };
        for (const m of migrations) if (m.id === a.id) m.status = "rolled_back";
        return report;
      });
    }
    case "migration_report":
      return report;
    default:
      return undefined;
  }
}
