import { useCallback } from "react";
import { useCommand } from "../components/useCommand";
import { api } from "../ipc";
import { AboutPanel } from "./settings/AboutPanel";
import { Backups } from "./settings/Backups";
import { Diagnostics } from "./settings/Diagnostics";
import { Preferences } from "./settings/Preferences";
import { WorkspaceFile } from "./settings/WorkspaceFile";

const SECTIONS = [
  ["settings-preferences", "Preferences"],
  ["settings-backups", "Backups"],
  ["settings-workspace", "Workspace"],
  ["settings-diagnostics", "Diagnostics"],
  ["settings-about", "About"],
] as const;

/** Settings of this workspace (each takes effect at once), its backups, the workspace file,
 * diagnostics for support, and About. */
export function SettingsScreen({
  onChanged,
  onWorkspaceChanged,
}: {
  onChanged: () => void;
  /** Another workspace was opened in place of this one. */
  onWorkspaceChanged: () => void;
}) {
  const load = useCallback(() => api.overview(), []);
  const { data } = useCommand(load);
  return (
    <section className="settings">
      <header className="screen-head">
        <h1>Settings</h1>
        <p className="lede">Stored in this workspace; each change takes effect at once.</p>
        <nav aria-label="Settings sections" className="section-links">
          {SECTIONS.map(([id, label]) => (
            <a key={id} href={`#${id}`}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <section id="settings-preferences" aria-label="Preferences">
        <Preferences />
      </section>
      <section id="settings-backups" aria-labelledby="backups-title">
        <h2 id="backups-title">Backups taken</h2>
        <Backups onChanged={onChanged} />
      </section>
      <section id="settings-workspace" aria-labelledby="workspace-title">
        <h2 id="workspace-title">Workspace</h2>
        <WorkspaceFile path={data?.database_path ?? null} onOpened={onWorkspaceChanged} />
      </section>
      <section id="settings-diagnostics" aria-labelledby="diagnostics-title">
        <h2 id="diagnostics-title">Diagnostics</h2>
        <Diagnostics />
      </section>
      <section id="settings-about" aria-labelledby="about-title">
        <h2 id="about-title">About</h2>
        <AboutPanel />
      </section>
    </section>
  );
}
