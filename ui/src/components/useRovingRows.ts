import { useEffect, useRef, useState, type KeyboardEvent } from "react";

/**
 * Keyboard for a long (virtualized) list of rows, as a grid: one row in the tab order, arrows, Page
 * Up/Down, Home and End move it (scrolling it into view first), Enter or Space opens it, Esc closes
 * what it opened. Spread `rowProps(i)` on each rendered row.
 */
export function useRovingRows({
  count,
  scrollToIndex,
  onOpen,
  onClose,
}: {
  count: number;
  scrollToIndex: (index: number) => void;
  onOpen: (index: number) => void;
  onClose?: () => void;
}) {
  const [active, setActive] = useState(0);
  const container = useRef<HTMLDivElement>(null);
  // The row to focus once it is rendered (a move may scroll to a row not in the DOM yet).
  const pending = useRef<number | null>(null);
  useEffect(() => {
    if (pending.current === null) return;
    const row = container.current?.querySelector<HTMLElement>(`[data-row-index="${pending.current}"]`);
    if (row) {
      row.focus();
      pending.current = null;
    }
  });

  const rowProps = (index: number) => ({
    tabIndex: index === Math.min(active, count - 1) ? 0 : -1,
    "data-row-index": index,
    onFocus: () => setActive(index),
    onKeyDown: (e: KeyboardEvent) => {
      const page = 10;
      const to: { [key: string]: number } = {
        ArrowDown: index + 1,
        ArrowUp: index - 1,
        PageDown: index + page,
        PageUp: index - page,
        Home: 0,
        End: count - 1,
      };
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        onOpen(index);
      } else if (e.key === "Escape" && onClose) {
        e.preventDefault();
        onClose();
      } else if (e.key in to) {
        e.preventDefault();
        const next = Math.max(0, Math.min(count - 1, to[e.key] ?? index));
        setActive(next);
        pending.current = next;
        scrollToIndex(next);
      }
    },
  });

  /** Focus back on the active row (after closing what it opened). */
  const refocus = () => {
    pending.current = active;
  };

  return { container, rowProps, refocus };
}
