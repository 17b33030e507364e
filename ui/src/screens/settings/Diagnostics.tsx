import { useRef, useState } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { api } from "../../ipc";

/** "Copy diagnostics": what support asks first, shown before it is copied so a person sees what goes. */
export function Diagnostics() {
  const [text, setText] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [copied, setCopied] = useState("");
  const area = useRef<HTMLTextAreaElement>(null);

  const copy = async () => {
    setError(undefined);
    try {
      const diagnostics = await api.diagnostics();
      setText(diagnostics);
      try {
        await navigator.clipboard.writeText(diagnostics);
        setCopied("Copied to the clipboard. Paste it into your message to support.");
      } catch {
        // Where the webview keeps the clipboard closed: select it for Ctrl+C.
        requestAnimationFrame(() => area.current?.select());
        setCopied("Selected below: press Ctrl+C to copy it.");
      }
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div data-testid="diagnostics">
      <p>
        Versions, your system, the connections (never a sign-in), counts, the last errors and the end of the
        log. It holds no record's values.
      </p>
      <div className="actions">
        <button onClick={() => void copy()} data-testid="copy-diagnostics">
          Copy diagnostics
        </button>
      </div>
      <p role="status" className="muted small">
        {copied}
      </p>
      <ErrorBanner error={error} />
      {text ? (
        <textarea
          ref={area}
          className="mono diagnostics-text"
          readOnly
          value={text}
          rows={14}
          aria-label="Diagnostics"
          data-testid="diagnostics-text"
        />
      ) : null}
    </div>
  );
}
