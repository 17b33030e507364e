import type { ReactNode } from "react";

/** What a screen shows when it has nothing yet: what this place is for and what the user can do. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty" data-testid="empty-state">
      <h2>{title}</h2>
      <div className="empty-body">{children}</div>
    </div>
  );
}
