import { useCallback, useEffect, useState } from "react";
import type { Connection } from "../bindings/Connection";
import type { ConnectionCheck } from "../bindings/ConnectionCheck";
import type { ConnectionId } from "../bindings/ConnectionId";
import type { ObjectType } from "../bindings/ObjectType";
import type { Provider } from "../bindings/Provider";
import type { PullProgress } from "../bindings/PullProgress";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProviderBadge } from "../components/ProviderBadge";
import { PullProgressList } from "../components/PullProgressList";
import { useCommand } from "../components/useCommand";
import { formatCount, formatTime, objectTypeName } from "../format";
import { IpcError, api } from "../ipc";
import { track } from "../jobs";
import { MirroredFields } from "./connections/MirroredFields";
import { RemoveConnection } from "./connections/RemoveConnection";
import { SignInAgain } from "./connections/SignInAgain";
import { PROVIDERS } from "./connections/providers";
import { SignInChoice, useSignIn } from "./connections/signIn";
import { StartPanel } from "./connections/StartPanel";

type Pulls = Map<ConnectionId, Map<ObjectType, PullProgress>>;

/** Where a Salesforce org signs in with the browser: production, a sandbox, or its own My Domain. */
const SALESFORCE_ORGS = [
  { id: "production", label: "Production (login.salesforce.com)", url: "https://login.salesforce.com" },
  { id: "sandbox", label: "Sandbox (test.salesforce.com)", url: "https://test.salesforce.com" },
  { id: "mydomain", label: "My Domain (your own sign-in address)", url: "" },
] as const;
type SalesforceOrg = (typeof SALESFORCE_ORGS)[number]["id"];

function AddConnection({
  initial,
  demoAddresses,
  onAdded,
  onCancel,
}: {
  /** The CRM chosen first (the start screen's card). */
  initial: Provider;
  /** The address of each demo CRM while the demo workspace runs: browser sign-in can target it. */
  demoAddresses: Map<Provider, string>;
  onAdded: () => void;
  onCancel: () => void;
}) {
  const [provider, setProvider] = useState<Provider>(initial);
  const spec = PROVIDERS.find((p) => p.id === provider)!;
  const [baseUrl, setBaseUrl] = useState(spec.baseUrl);
  const [apiKey, setApiKey] = useState("");
  const [org, setOrg] = useState<SalesforceOrg>("production");
  const { method, setMethod, busy, error, submit: signIn, cancel } = useSignIn(onAdded, onCancel);
  const demoAddress = demoAddresses.get(provider);
  const demo = baseUrl === demoAddress;
  // A Salesforce browser sign-in goes to the org's sign-in host; a session id works on its instance.
  const salesforceHost = provider === "salesforce" && method === "browser" && !demo;
  const orgUrl = SALESFORCE_ORGS.find((o) => o.id === org)!.url;
  const address = salesforceHost && orgUrl ? orgUrl : baseUrl;

  const choose = (next: Provider) => {
    setProvider(next);
    setBaseUrl(PROVIDERS.find((p) => p.id === next)!.baseUrl);
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void signIn(async (how) => {
      if (how === "browser") await api.connectWithBrowser(provider, address);
      else await api.connectWithKey(provider, address, apiKey);
      setApiKey("");
    });
  };

  return (
    <form className="panel add-connection" onSubmit={submit} data-testid="add-connection">
      <h2>Add a connection</h2>
      <ErrorBanner error={error} />
      <label>
        CRM
        <select value={provider} onChange={(e) => choose(e.target.value as Provider)} disabled={busy}>
          {PROVIDERS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <SignInChoice
        name="method"
        method={method}
        onChange={setMethod}
        keyLabel={spec.withKey}
        disabled={busy}
      />
      {demoAddress ? (
        <label>
          Account
          <select
            value={baseUrl === demoAddress ? "demo" : "live"}
            onChange={(e) => setBaseUrl(e.target.value === "demo" ? demoAddress : spec.baseUrl)}
            disabled={busy}
            data-testid="target"
          >
            <option value="live">Your {spec.label} account</option>
            <option value="demo">Demo {spec.label} (emulated on this computer)</option>
          </select>
        </label>
      ) : null}
      {salesforceHost ? (
        <label>
          Salesforce org
          <select
            value={org}
            onChange={(e) => setOrg(e.target.value as SalesforceOrg)}
            disabled={busy}
            data-testid="salesforce-org"
          >
            {SALESFORCE_ORGS.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {!salesforceHost || !orgUrl ? (
        <label>
          {provider === "salesforce" && !demo
            ? method === "browser"
              ? "My Domain address"
              : "Instance address (your My Domain)"
            : "API address"}
          <input
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            className="mono"
            required
            disabled={busy}
            data-testid="base-url"
          />
        </label>
      ) : null}
      {method === "key" ? (
        <label>
          {spec.key}
          <input
            type="password"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            autoComplete="off"
            required
            data-testid="api-key"
          />
        </label>
      ) : null}
      <p className="muted small" data-testid="sign-in-help">
        {method === "browser"
          ? busy
            ? `Approve CRM Bridge on ${spec.label}'s page in your browser, then come back here. This waits up to five minutes.`
            : `Your browser opens ${spec.label}'s sign-in page. Approve access there and CRM Bridge finishes by itself.`
          : `${spec.where} CRM Bridge checks it with ${spec.label}.`}{" "}
        The sign-in is kept in your system keyring, never in the workspace file.
      </p>
      <div className="actions">
        <button className="primary" type="submit" disabled={busy} data-testid="connect">
          {busy
            ? method === "browser"
              ? "Waiting for the browser…"
              : "Checking…"
            : method === "browser"
              ? "Sign in with browser"
              : "Connect"}
        </button>
        <button
          type="button"
          onClick={cancel}
          disabled={busy && method !== "browser"}
          data-testid="cancel-sign-in"
        >
          {busy && method === "browser" ? "Stop waiting" : "Cancel"}
        </button>
      </div>
    </form>
  );
}

export function ConnectionsScreen({
  onOpenRecords,
  onChanged,
  demoAvailable,
}: {
  onOpenRecords: () => void;
  /** This build can open the demo (packages hold no emulator). */
  demoAvailable: boolean;
  /** The workspace changed (connections added or removed, records pulled): the counts elsewhere are stale. */
  onChanged: () => void;
}) {
  const load = useCallback(() => api.status(), []);
  const { data, error, loading, reload: reloadStatus } = useCommand(load);
  const reload = useCallback(() => {
    reloadStatus();
    onChanged();
  }, [reloadStatus, onChanged]);
  /** The CRM the add-connection form starts on, while it is open. */
  const [adding, setAdding] = useState<Provider | null>(null);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [demoBusy, setDemoBusy] = useState(false);
  const [pulls, setPulls] = useState<Pulls>(new Map());
  const [running, setRunning] = useState<Set<ConnectionId>>(new Set());
  const [checks, setChecks] = useState<Map<ConnectionId, ConnectionCheck>>(new Map());
  const [removing, setRemoving] = useState<Connection | null>(null);
  const [choosingFields, setChoosingFields] = useState<Connection | null>(null);
  const [signingIn, setSigningIn] = useState<Connection | null>(null);
  /** A connection whose sign-in the CRM refused (or that has none): the way out is to sign in again. */
  const [refused, setRefused] = useState<Connection | null>(null);

  useEffect(() => {
    const stop = api.onPullProgress((p) => {
      setPulls((old) => {
        const next = new Map(old);
        const objects = new Map(next.get(p.connection_id) ?? []);
        objects.set(p.object_type, p);
        next.set(p.connection_id, objects);
        return next;
      });
      // Pulls the app started itself (the demo on `make run`) refresh the counts as each object ends.
      if (p.phase === "done" || p.phase === "failed" || p.phase === "cancelled") reload();
    });
    return () => {
      void stop.then((unlisten) => unlisten());
    };
  }, [reload]);

  const needsSignIn = (err: unknown, id: ConnectionId) => {
    if (err instanceof IpcError && (err.code === "unauthorized" || err.code === "secret_missing")) {
      setRefused(data?.connections.find((c) => c.connection.id === id)?.connection ?? null);
    }
  };

  const pull = async (id: ConnectionId, full: boolean) => {
    setRunning((s) => new Set(s).add(id));
    setPulls((old) => new Map(old).set(id, new Map()));
    try {
      const label = data?.connections.find((c) => c.connection.id === id)?.connection.label ?? "a CRM";
      await track(
        { label: `Pulling ${label}`, screen: "connections", cancel: () => void api.cancelPull(id) },
        () => api.pull(id, full),
        (update) =>
          api.onPullProgress((p) => {
            if (p.connection_id === id && p.fraction !== null)
              update({ done: Math.round(p.fraction * 1000), total: 1000 });
          }),
      );
    } catch (err) {
      needsSignIn(err, id);
      if (!(err instanceof Error && "code" in err && err.code === "cancelled")) setActionError(err);
    } finally {
      setRunning((s) => {
        const next = new Set(s);
        next.delete(id);
        return next;
      });
      reload();
    }
  };

  const act = async (work: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await work();
    } catch (err) {
      setActionError(err);
    }
  };

  const openDemo = () =>
    act(async () => {
      setDemoBusy(true);
      try {
        const connections = await api.openDemo();
        reload();
        await Promise.all(connections.map((c) => pull(c.id, false)));
      } finally {
        setDemoBusy(false);
      }
    });

  const all = data?.connections ?? [];
  const connections = all.filter((c) => !c.connection.archived_at);
  const archived = all.filter((c) => c.connection.archived_at);
  if (data && all.length === 0 && !adding) {
    return (
      <>
        <ErrorBanner error={error ?? actionError} />
        <StartPanel
          onConnect={setAdding}
          onDemo={() => void openDemo()}
          demoAvailable={demoAvailable}
          demoBusy={demoBusy}
        />
      </>
    );
  }
  return (
    <section>
      <header className="screen-head with-actions">
        <div>
          <h1>Connections</h1>
          <p className="lede">
            The CRM accounts mirrored into this workspace. Your data stays on this computer.
          </p>
        </div>
        <div className="actions">
          {connections.length > 0 && running.size > 0 ? (
            <button
              onClick={() => running.forEach((id) => void act(() => api.cancelPull(id)))}
              data-testid="stop-all-pulls"
            >
              Stop {running.size === 1 ? "the pull" : `all ${running.size} pulls`}
            </button>
          ) : null}
          {connections.length > 0 && running.size === 0 ? (
            <button
              onClick={() => connections.forEach((c) => void pull(c.connection.id, false))}
              data-testid="pull-all"
            >
              Pull all
            </button>
          ) : null}
          {demoAvailable ? (
            <button onClick={() => void openDemo()} disabled={demoBusy} data-testid="open-demo">
              {demoBusy ? "Demo: connecting and pulling…" : "Open demo workspace"}
            </button>
          ) : null}
          <button
            className="primary"
            onClick={() => setAdding("hubspot")}
            data-testid="add-connection-button"
          >
            Add connection
          </button>
        </div>
      </header>
      <ErrorBanner error={error ?? actionError} />
      {refused && !signingIn ? (
        <div className="notice" role="status" data-testid="sign-in-needed">
          {refused.label} needs you to sign in again.{" "}
          <button
            className="primary"
            onClick={() => {
              setSigningIn(refused);
              setActionError(undefined);
            }}
          >
            Sign in again
          </button>
        </div>
      ) : null}
      {signingIn ? (
        <SignInAgain
          connection={signingIn}
          onDone={() => {
            setSigningIn(null);
            setRefused(null);
            reload();
          }}
          onCancel={() => setSigningIn(null)}
        />
      ) : null}
      {choosingFields ? (
        <MirroredFields connection={choosingFields} onClose={() => setChoosingFields(null)} />
      ) : null}
      {removing ? (
        <RemoveConnection
          connection={removing}
          onRemoved={() => {
            setRemoving(null);
            reload();
          }}
          onCancel={() => setRemoving(null)}
        />
      ) : null}
      {adding ? (
        <AddConnection
          initial={adding}
          demoAddresses={
            new Map(
              connections
                .filter(({ connection }) => connection.label.startsWith("Demo "))
                .map(({ connection }) => [connection.provider, connection.base_url] as const),
            )
          }
          onAdded={() => {
            setAdding(null);
            reload();
          }}
          onCancel={() => setAdding(null)}
        />
      ) : null}
      {loading && !data ? <p className="muted">Loading…</p> : null}
      <div className="cards">
        {connections.map(({ connection, counts, total, last_pulled_at }) => {
          const id = connection.id;
          const progress = pulls.get(id);
          const check = checks.get(id);
          const isRunning = running.has(id);
          return (
            <article className="card" key={id} data-testid="connection-card">
              <div className="card-head">
                <ProviderBadge provider={connection.provider} />
                <h2>{connection.label}</h2>
              </div>
              <dl className="facts">
                <dt>Account</dt>
                <dd>{connection.account_id ?? "—"}</dd>
                <dt>Address</dt>
                <dd className="mono">{connection.base_url}</dd>
                <dt>Connected</dt>
                <dd>{formatTime(connection.created_at)}</dd>
                <dt>Last pulled</dt>
                <dd data-testid="last-pulled">{last_pulled_at ? formatTime(last_pulled_at) : "never"}</dd>
                {check ? (
                  <>
                    <dt>Signed in to</dt>
                    <dd data-testid="check-result">
                      {check.account_name}
                      {check.user_email ? ` as ${check.user_email}` : ""}
                      {check.quota ? <div className="muted">{check.quota}</div> : null}
                    </dd>
                  </>
                ) : null}
              </dl>
              {progress && progress.size > 0 ? <PullProgressList objects={progress} /> : null}
              {counts.length === 0 ? (
                <p className="muted">No records pulled yet.</p>
              ) : (
                <table className="mini">
                  <tbody>
                    {counts.map(([type, n]) => (
                      <tr key={type}>
                        <td>{objectTypeName(type)}</td>
                        <td className="num">{formatCount(n)}</td>
                      </tr>
                    ))}
                    <tr className="total">
                      <td>All records</td>
                      <td className="num">{formatCount(total)}</td>
                    </tr>
                  </tbody>
                </table>
              )}
              <div className="actions">
                {isRunning ? (
                  <button onClick={() => void act(() => api.cancelPull(id))} data-testid="cancel-pull">
                    Stop pull
                  </button>
                ) : (
                  <>
                    <button className="primary" onClick={() => void pull(id, false)} data-testid="pull">
                      Pull changes
                    </button>
                    <button
                      onClick={() => void pull(id, true)}
                      title="Pull everything again and find deletions"
                    >
                      Full pull
                    </button>
                  </>
                )}
                <button
                  onClick={() =>
                    void act(async () => {
                      try {
                        const result = await api.checkConnection(id);
                        setChecks((old) => new Map(old).set(id, result));
                      } catch (err) {
                        needsSignIn(err, id);
                        throw err;
                      }
                    })
                  }
                >
                  Test
                </button>
                <button onClick={() => setSigningIn(connection)} data-testid="sign-in-again-button">
                  Sign in again
                </button>
                <button onClick={() => setChoosingFields(connection)} data-testid="mirrored-fields-button">
                  Fields
                </button>
                <button
                  className="danger"
                  disabled={isRunning}
                  onClick={() => setRemoving(connection)}
                  data-testid="remove"
                >
                  Remove
                </button>
              </div>
              <button className="link" onClick={onOpenRecords}>
                Browse records →
              </button>
            </article>
          );
        })}
      </div>
      {archived.length > 0 ? (
        <section className="archived" aria-labelledby="archived-title" data-testid="archived-connections">
          <h2 id="archived-title">Removed connections</h2>
          <p className="muted small">
            Their merges, migrations, sync pairs and failed records are kept. Sign in again to undo, roll back
            or sync with them.
          </p>
          <ul className="archived-list">
            {archived.map(({ connection, total }) => (
              <li key={connection.id}>
                <ProviderBadge provider={connection.provider} />
                <span className="archived-label">{connection.label}</span>
                <span className="muted small">
                  removed {formatTime(connection.archived_at!)}
                  {total > 0 ? ` · ${formatCount(total)} records kept` : ""}
                </span>
                <button onClick={() => setSigningIn(connection)} data-testid="archived-sign-in">
                  Sign in again
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}
