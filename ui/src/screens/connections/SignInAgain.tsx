import { useState } from "react";
import type { Connection } from "../../bindings/Connection";
import { ErrorBanner } from "../../components/ErrorBanner";
import { api } from "../../ipc";
import { SignInChoice, useSignIn } from "./signIn";

/** What each CRM calls the key a person pastes. */
const KEY_NAME: Record<Connection["provider"], string> = {
  hubspot: "Private app access token",
  salesforce: "Session id",
  close: "API key",
  pipedrive: "API token",
};

/** Sign in again on a connection whose sign-in expired, was revoked or was removed: the same account only. */
export function SignInAgain({
  connection,
  onDone,
  onCancel,
}: {
  connection: Connection;
  onDone: () => void;
  onCancel: () => void;
}) {
  const [apiKey, setApiKey] = useState("");
  const { method, setMethod, busy, error, submit: signIn, cancel } = useSignIn(onDone, onCancel);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void signIn(async (how) => {
      if (how === "browser") await api.reconnectWithBrowser(connection.id);
      else await api.reconnectWithKey(connection.id, apiKey);
      setApiKey("");
    });
  };

  return (
    <form
      className="panel add-connection sign-in-again"
      onSubmit={submit}
      aria-labelledby="sign-in-again-title"
      data-testid="sign-in-again"
    >
      <h2 id="sign-in-again-title">Sign in again to {connection.label}</h2>
      <p className="muted small">
        Sign in to the same account ({connection.account_id ?? "as before"}); another account is refused. The
        connection keeps its history: merges, migrations, sync pairs and failed records.
      </p>
      <ErrorBanner error={error} />
      <SignInChoice
        name="again-method"
        method={method}
        onChange={setMethod}
        keyLabel={`With a ${KEY_NAME[connection.provider].toLowerCase()}`}
        disabled={busy}
      />
      {method === "key" ? (
        <label>
          {KEY_NAME[connection.provider]}
          <input
            type="password"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            autoComplete="off"
            required
            data-testid="again-api-key"
          />
        </label>
      ) : null}
      <div className="actions">
        <button className="primary" type="submit" disabled={busy} data-testid="confirm-sign-in-again">
          {busy ? (method === "browser" ? "Waiting for the browser…" : "Checking…") : "Sign in again"}
        </button>
        <button type="button" onClick={cancel} disabled={busy && method !== "browser"}>
          {busy && method === "browser" ? "Stop waiting" : "Cancel"}
        </button>
      </div>
    </form>
  );
}
