import type { Provider } from "../../bindings/Provider";
import { ProviderBadge } from "../../components/ProviderBadge";
import { PROVIDERS } from "./providers";

/** The first run: nothing is connected yet. Connect a CRM, or try the demo where the build has it. */
export function StartPanel({
  onConnect,
  onDemo,
  demoAvailable,
  demoBusy,
}: {
  onConnect: (provider: Provider) => void;
  onDemo: () => void;
  demoAvailable: boolean;
  demoBusy: boolean;
}) {
  return (
    <section className="start" data-testid="start-screen" aria-labelledby="start-title">
      <h1 id="start-title">Welcome to CRM Bridge</h1>
      <p className="lede">
        Connect the CRMs your customer data lives in. CRM Bridge mirrors them into this workspace on your
        computer, finds duplicates within and across them, and merges, migrates and syncs with a preview and
        undo. Nothing is written to a CRM until you confirm. Sign-ins are kept in your system keyring.
      </p>
      <h2>Connect a CRM</h2>
      <ul className="start-crms">
        {PROVIDERS.map((p) => (
          <li key={p.id} className="panel start-crm">
            <ProviderBadge provider={p.id} />
            <p className="muted small">{p.where}</p>
            <button className="primary" onClick={() => onConnect(p.id)} data-testid={`start-${p.id}`}>
              Connect {p.label}
            </button>
          </li>
        ))}
      </ul>
      {demoAvailable ? (
        <div className="panel start-demo">
          <div>
            <h2>Or try the demo first</h2>
            <p className="muted small">
              Four emulated CRMs on this computer with realistic data and duplicates, in a workspace of their
              own (labelled “Demo”). Your workspace stays as it is; “Back to my workspace” returns to it.
            </p>
          </div>
          <button onClick={onDemo} disabled={demoBusy} data-testid="start-demo">
            {demoBusy ? "Opening the demo…" : "Try the demo"}
          </button>
        </div>
      ) : null}
    </section>
  );
}
