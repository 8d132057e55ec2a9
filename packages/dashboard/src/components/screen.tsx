import { useEffect, useRef, type ReactNode } from "react";

/**
 * Every screen starts the same way: a heading that takes focus when the screen opens (so keyboard
 * and screen-reader users land on it), one sentence saying what it is for, and its main actions.
 */
export function Screen({
  title,
  lead,
  actions,
  children,
}: {
  title: string;
  lead?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Ledgerlink`;
    heading.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <>
      <div className="screen-head">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            {title}
          </h1>
          {lead && <p className="lead">{lead}</p>}
        </div>
        {actions && <div className="actions">{actions}</div>}
      </div>
      {children}
    </>
  );
}

export function Notice({
  tone,
  title,
  children,
  testId,
}: {
  tone: "info" | "ok" | "bad" | "warn";
  title: ReactNode;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div className={`notice ${tone}`} role={tone === "bad" ? "alert" : undefined} data-testid={testId}>
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

/** A failed load: what happened, and a button to try again. */
export function LoadError({ message, retry }: { message: string; retry: () => void }) {
  return (
    <Notice tone="bad" title="This could not be loaded">
      <p>{message}</p>
      <p>
        <button type="button" onClick={retry}>
          Try again
        </button>
      </p>
    </Notice>
  );
}
