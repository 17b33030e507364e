import type { ReactNode } from "react";
import type { Connection } from "../bindings/Connection";
import { ProviderBadge } from "./ProviderBadge";

/** A connection as lists name it: its CRM's badge and its label; `missing` (muted) when it is gone. */
export function ConnectionName({
  connection,
  missing,
}: {
  connection: Connection | undefined;
  missing?: ReactNode;
}) {
  if (!connection) return missing ? <span className="muted">{missing}</span> : null;
  return (
    <span className="nowrap">
      <ProviderBadge provider={connection.provider} /> {connection.label}
    </span>
  );
}
