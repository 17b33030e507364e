import { useCallback, useState } from "react";
import type { Settings } from "../../bindings/Settings";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useCommand } from "../../components/useCommand";
import { applyTheme } from "../../theme";
import { api } from "../../ipc";
import { SettingRow, TextSetting } from "./SettingRow";

const SCHEDULES: [string, string][] = [
  ["off", "Only when I sync"],
  ["15", "Every 15 minutes"],
  ["30", "Every 30 minutes"],
  ["60", "Every hour"],
  ["240", "Every 4 hours"],
  ["1440", "Every day"],
];

const LEVELS = ["error", "warn", "info", "debug", "trace"] as const;

/** Every setting of the workspace; each is saved as it changes, and takes effect at once. */
export function Preferences() {
  const load = useCallback(() => api.settings(), []);
  const { data, error, reload } = useCommand(load);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState("");

  const save = (key: string, label: string) => (value: string) => {
    api.setSetting(key, value).then(
      (next: Settings) => {
        setErrors((e) => ({ ...e, [key]: "" }));
        setSaved(`${label}: saved.`);
        if (key === "theme") applyTheme(next.theme);
        reload();
      },
      (e: unknown) => {
        setErrors((old) => ({ ...old, [key]: e instanceof Error ? e.message : String(e) }));
        setSaved("");
      },
    );
  };

  if (!data) return <ErrorBanner error={error} />;
  /** A setting typed as text: its row, the field, and the engine's answer to a bad value. */
  const text = (
    key: string,
    label: string,
    hint: string,
    value: string,
    input: Omit<React.InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "id">,
  ) => (
    <SettingRow id={key} label={label} hint={hint} error={errors[key]}>
      <TextSetting id={key} value={value} save={save(key, label)} error={errors[key]} {...input} />
    </SettingRow>
  );
  const schedule = data.sync_every_minutes === null ? "off" : String(data.sync_every_minutes);
  const schedules = SCHEDULES.some(([v]) => v === schedule)
    ? SCHEDULES
    : [...SCHEDULES, [schedule, `Every ${schedule} minutes`] as [string, string]];
  return (
    <div className="settings-form" data-testid="preferences">
      <p className="sr-only" role="status" aria-live="polite">
        {saved}
      </p>
      <h2>Duplicates</h2>
      {text(
        "phone-region",
        "Phone numbers are in",
        "Where phone numbers without a country code are, as a two-letter code (US, GB, DE, FR…). Duplicates compare numbers in this country's format.",
        data.phone_region,
        { maxLength: 2, size: 4, className: "mono" },
      )}
      {text(
        "review-threshold",
        "Show pairs for review from",
        "A score from 0.5 to 1: how sure CRM Bridge must be before it shows two records as duplicates. Lower shows more, with more that are not.",
        String(data.review_threshold),
        { inputMode: "decimal", size: 6 },
      )}
      {text(
        "automatic-threshold",
        "Safe to merge without a look from",
        "“Merge all safe” merges only groups scored at least this. Never below the review threshold.",
        String(data.automatic_threshold),
        { inputMode: "decimal", size: 6 },
      )}

      <h2>Sync</h2>
      <SettingRow
        id="sync-schedule"
        label="New sync pairs sync"
        hint="The schedule a new pair starts with; each pair's own schedule is set on the Sync screen. Scheduled syncs run while the app is open."
        error={errors["sync-schedule"]}
      >
        <select
          id="sync-schedule"
          value={schedule}
          onChange={(e) => save("sync-schedule", "Sync schedule")(e.target.value)}
        >
          {schedules.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </SettingRow>

      <h2>Backups</h2>
      {text(
        "backups-dir",
        "Backups folder",
        "A full path. Empty: the backups folder beside the workspace file.",
        data.backups_dir ?? "",
        { placeholder: "Beside the workspace", className: "mono wide" },
      )}
      {text(
        "backups-kept",
        "Backups kept",
        "The newest this many are kept; older ones are deleted after each new backup.",
        String(data.backups_kept),
        { inputMode: "numeric", size: 4 },
      )}

      <h2>Appearance and notifications</h2>
      <div className="setting-row" data-testid="setting-theme">
        <span className="setting-label" id="theme-label">
          Theme
        </span>
        <div className="choices" role="radiogroup" aria-labelledby="theme-label">
          {(["system", "light", "dark"] as const).map((t) => (
            <label key={t} className="choice">
              <input
                type="radio"
                name="theme"
                value={t}
                checked={data.theme === t}
                onChange={() => save("theme", "Theme")(t)}
              />
              {t === "system" ? "As the system" : t === "light" ? "Light" : "Dark"}
            </label>
          ))}
        </div>
      </div>
      <div className="setting-row" data-testid="setting-notifications">
        <span className="setting-label" id="notify-label">
          Notify me
        </span>
        <div className="choices column" role="group" aria-labelledby="notify-label">
          <label className="choice">
            <input
              type="checkbox"
              checked={data.notify_sync_failures}
              onChange={(e) =>
                save("notify-sync-failures", "Sync notifications")(e.target.checked ? "on" : "off")
              }
            />
            When a scheduled sync fails or leaves failed records
          </label>
          <label className="choice">
            <input
              type="checkbox"
              checked={data.notify_long_jobs}
              onChange={(e) => save("notify-long-jobs", "Job notifications")(e.target.checked ? "on" : "off")}
            />
            When a pull, duplicate search, migration or bulk merge finishes while CRM Bridge is in the
            background
          </label>
        </div>
      </div>
      <SettingRow
        id="log-level"
        label="Log detail"
        hint="Info writes a line per request to a CRM and per job; debug and trace add more. The log never holds a sign-in or a record's values."
        error={errors["log-level"]}
      >
        <select
          id="log-level"
          value={data.log_level}
          onChange={(e) => save("log-level", "Log detail")(e.target.value)}
        >
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </SettingRow>
    </div>
  );
}
