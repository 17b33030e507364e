import { IpcError } from "../ipc";

/** A failed command, with its code, so the user can report it and the UI never fails silently. */
export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  const code = error instanceof IpcError ? error.code : "error";
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <strong>Something went wrong</strong> <code>{code}</code>
      <div>{message}</div>
    </div>
  );
}
