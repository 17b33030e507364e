import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useRef, type ReactNode } from "react";

/**
 * A modal dialog (Radix's alert dialog): focus moves in and stays, Esc cancels, the page behind is inert
 * and a click outside does nothing. Focus starts on the element marked `data-cancel`, so Enter never
 * confirms a write by accident; while `busy`, Esc does not close it (the work would go on unseen).
 */
export function Modal({
  title,
  onClose,
  busy = false,
  testid,
  className,
  children,
}: {
  title: ReactNode;
  onClose: () => void;
  busy?: boolean;
  testid?: string;
  className?: string;
  children: ReactNode;
}) {
  const content = useRef<HTMLDivElement>(null);
  return (
    <AlertDialog.Root
      open
      onOpenChange={(open) => {
        if (!open && !busy) onClose();
      }}
    >
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="modal-overlay" />
        <AlertDialog.Content
          ref={content}
          className={className ? `modal ${className}` : "modal"}
          data-testid={testid}
          aria-describedby={undefined}
          onEscapeKeyDown={(e) => {
            if (busy) e.preventDefault();
          }}
          onOpenAutoFocus={(e) => {
            const cancel = content.current?.querySelector<HTMLElement>("[data-cancel]");
            if (cancel) {
              e.preventDefault();
              cancel.focus();
            }
          }}
        >
          <AlertDialog.Title className="modal-title">{title}</AlertDialog.Title>
          {children}
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
