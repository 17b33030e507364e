import type { ReactNode } from "react";
import { ErrorBanner } from "./ErrorBanner";
import { Modal } from "./Modal";
import { useAttempt } from "./useAttempt";

/**
 * "Are you sure?" before a write to a CRM or a deletion: what will happen, one button that does it, one
 * that does not. The action runs inside, so a refusal is shown here and nothing closes on an error.
 */
export function Confirm({
  title,
  children,
  action,
  busyLabel,
  danger = false,
  ready = true,
  onConfirm,
  onClose,
  testid,
}: {
  title: ReactNode;
  children: ReactNode;
  /** The button's label, naming what it does ("Delete 9,985 records"). */
  action: string;
  busyLabel?: string;
  danger?: boolean;
  /** False while something must still be done first (a count typed). */
  ready?: boolean;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  testid?: string;
}) {
  const { busy, error, attempt } = useAttempt();
  const confirm = () =>
    attempt(async () => {
      await onConfirm();
      onClose();
    });
  return (
    <Modal title={title} onClose={onClose} busy={busy} testid={testid ?? "confirm"}>
      <div className="modal-body">{children}</div>
      <ErrorBanner error={error} />
      <div className="actions">
        <button
          className={danger ? "danger" : "primary"}
          onClick={() => void confirm()}
          disabled={busy || !ready}
          data-testid="confirm-action"
        >
          {busy ? (busyLabel ?? "Working…") : action}
        </button>
        <button onClick={onClose} disabled={busy} data-cancel data-testid="confirm-cancel">
          Cancel
        </button>
      </div>
    </Modal>
  );
}
