// Canned answers for Settings, Diagnostics, About and opening another workspace, for UI tests in a
// plain browser. Validation follows the engine's messages for the values the tests try.
import type { About } from "../bindings/About";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Settings } from "../bindings/Settings";

const settings: Settings = {
  phone_region: "US",
  review_threshold: 0.5,
  automatic_threshold: 0.995,
  sync_every_minutes: null,
  backups_kept: 5,
  backups_dir: null,
  theme: "system",
  log_level: "info",
  notify_sync_failures: true,
  notify_long_jobs: true,
};

const invalid = (field: string, message: string): ErrorPayload => ({
  code: "invalid_input",
  message: `invalid ${field}: ${message}`,
});

function set(key: string, value: string): Settings {
  const number = Number(value);
  switch (key) {
    case "phone-region":
      if (!/^[A-Za-z]{2}$/.test(value))
        throw invalid(key, `must be a two-letter country code such as US or DE, not \`${value}\``);
      settings.phone_region = value.toUpperCase();
      break;
    case "review-threshold":
      if (!(number >= 0.5))
        throw invalid(key, "must be at least 0.5: below it most pairs shown are not one entity");
      settings.review_threshold = number;
      break;
    case "automatic-threshold":
      if (!(number >= settings.review_threshold && number <= 1))
        throw invalid(key, `must be at least the review threshold (${settings.review_threshold})`);
      settings.automatic_threshold = number;
      break;
    case "sync-schedule":
      settings.sync_every_minutes = value === "off" ? null : number;
      break;
    case "backups-kept":
      if (!(Number.isInteger(number) && number >= 1 && number <= 100))
        throw invalid(key, `must be a number from 1 to 100, not \`${value}\``);
      settings.backups_kept = number;
      break;
    case "backups-dir":
      if (value !== "" && !value.startsWith("/"))
        throw invalid(key, `must be a full path to a folder (or empty for the default), not \`${value}\``);
      settings.backups_dir = value === "" ? null : value;
      break;
    case "theme":
      settings.theme = value as Settings["theme"];
      break;
    case "log-level":
      settings.log_level = value as Settings["log_level"];
      break;
    case "notify-sync-failures":
      settings.notify_sync_failures = value === "on";
      break;
    case "notify-long-jobs":
      settings.notify_long_jobs = value === "on";
      break;
    default:
      throw invalid("setting", `\`${key}\` is not a setting`);
  }
  return { ...settings };
}

const about: About = {
  version: "0.1.0",
  workspace: "/home/demo/.local/share/com.crmbridge.desktop/crm-bridge.sqlite3",
  backups: "/home/demo/.local/share/com.crmbridge.desktop/backups",
  logs: "/home/demo/.local/state/com.crmbridge.desktop/logs",
  licences: [
    { ecosystem: "rust", name: "rusqlite", version: "0.40.0", licence: "MIT" },
    { ecosystem: "rust", name: "tauri", version: "2.12.0", licence: "Apache-2.0 OR MIT" },
    { ecosystem: "npm", name: "react", version: "19.3.1", licence: "MIT" },
  ],
};

const DIAGNOSTICS = `CRM Bridge 0.1.0 (desktop app)
OS: Debian GNU/Linux 12 (bookworm) (linux x86_64)
Workspace: /home/demo/.local/share/com.crmbridge.desktop/crm-bridge.sqlite3 (schema 15)
Logs: /home/demo/.local/state/com.crmbridge.desktop/logs

Connections:
  #1 HubSpot at api.hubapi.com: 2500 records

Counts: 5000 records, 0 open duplicate groups, 3 failed records, 0 conflicts

Last errors:
  none

Log (last 40 lines):
  2026-12-06T09:00:00.000Z  INFO crm: request provider="hubspot" request="GET /crm/v3/objects/contacts" status=200 ms=84 retries=0
`;

export function settingsCommand(cmd: string, args: unknown): unknown {
  switch (cmd) {
    case "settings":
      return { ...settings };
    case "set_setting": {
      const { key, value } = args as { key: string; value: string };
      return set(key, value);
    }
    case "diagnostics":
      return DIAGNOSTICS;
    case "about":
      return about;
    case "open_workspace": {
      const { path } = args as { path: string; create: boolean };
      if (!path.startsWith("/"))
        throw {
          code: "invalid_input",
          message: `the workspace must be given as a full path, not \`${path}\``,
        } satisfies ErrorPayload;
      return null;
    }
    default:
      return undefined;
  }
}
