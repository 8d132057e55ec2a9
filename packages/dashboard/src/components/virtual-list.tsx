import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

/**
 * A table body that renders only the rows in view (fixed row height), so 100,000 rows scroll as
 * smoothly as 50. Rows arrive page by page from the server: `onNearEnd` asks for the next page when
 * the person scrolls close to the last loaded row. Arrow keys move between rows.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  height,
  columns,
  header,
  renderRow,
  rowKey,
  onNearEnd,
  hasMore,
  label,
  activeIndex,
  onActivate,
}: {
  items: T[];
  rowHeight: number;
  height: number;
  /** CSS grid-template-columns shared by the header and every row. */
  columns: string;
  header: ReactNode;
  renderRow: (item: T, index: number) => ReactNode;
  rowKey: (item: T) => string;
  onNearEnd?: () => void;
  hasMore: boolean;
  label: string;
  activeIndex?: number | undefined;
  onActivate?: (index: number) => void;
}) {
  const body = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const overscan = 8;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);

  useEffect(() => {
    if (hasMore && onNearEnd && last >= items.length - overscan) onNearEnd();
  }, [hasMore, onNearEnd, last, items.length]);

  // Keep the active row in view when it is moved with the keyboard.
  useEffect(() => {
    const el = body.current;
    if (!el || activeIndex === undefined || activeIndex < 0) return;
    const top = activeIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + height) el.scrollTop = top + rowHeight - height;
    const row = el.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`);
    if (row && el.contains(document.activeElement) && document.activeElement !== row) {
      if ((document.activeElement as HTMLElement).dataset["index"] !== undefined) row.focus();
    }
  }, [activeIndex, rowHeight, height]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!onActivate || items.length === 0) return;
    const current = activeIndex ?? -1;
    let next: number | undefined;
    if (e.key === "ArrowDown") next = Math.min(items.length - 1, current + 1);
    else if (e.key === "ArrowUp") next = Math.max(0, current - 1);
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = items.length - 1;
    if (next === undefined) return;
    e.preventDefault();
    onActivate(next);
  };

  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i]!;
    rows.push(
      <div
        key={rowKey(item)}
        className="vtable-row"
        role="row"
        aria-rowindex={i + 2}
        aria-selected={activeIndex === i}
        data-index={i}
        tabIndex={activeIndex === i || (activeIndex === undefined && i === 0) ? 0 : -1}
        onFocus={() => onActivate?.(i)}
        style={{
          position: "absolute",
          top: i * rowHeight,
          left: 0,
          right: 0,
          height: rowHeight,
          gridTemplateColumns: columns,
        }}
      >
        {renderRow(item, i)}
      </div>,
    );
  }
  return (
    <div
      className="vtable"
      role="grid"
      aria-label={label}
      aria-rowcount={hasMore ? -1 : items.length + 1}
      onKeyDown={onKeyDown}
    >
      <div
        className="vtable-head"
        role="row"
        aria-rowindex={1}
        style={{ gridTemplateColumns: columns, height: 36 }}
      >
        {header}
      </div>
      <div
        ref={body}
        className="vtable-body"
        style={{
          height: Math.min(height, Math.max(rowHeight, items.length * rowHeight + (hasMore ? rowHeight : 0))),
        }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div style={{ height: items.length * rowHeight + (hasMore ? rowHeight : 0), position: "relative" }}>
          {rows}
          {hasMore && (
            <div
              className="muted"
              style={{ position: "absolute", top: items.length * rowHeight, padding: "0.5rem" }}
            >
              Loading more…
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
