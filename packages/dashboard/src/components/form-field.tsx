import type { ReactNode } from "react";

/**
 * One labelled form control with its hint and, when the server refused it, the problem right under it
 * (announced, and tied to the control with aria-describedby so a screen reader reads it with the field).
 */
export function Field({
  id,
  label,
  hint,
  problem,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  problem?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      <FieldError id={id} problem={problem} />
    </div>
  );
}

/** The problem of control `id`, under it. */
export function FieldError({ id, problem }: { id: string; problem: string | undefined }) {
  if (problem === undefined) return null;
  return (
    <p className="field-error" id={`${id}-problem`} role="alert" data-testid={`${id}-problem`}>
      {problem}
    </p>
  );
}

/** The accessibility attributes of control `id`: invalid when it has a problem, described by hint and problem. */
export function fieldAria(
  id: string,
  problem: string | undefined,
  hasHint = false,
): { "aria-invalid": boolean; "aria-describedby"?: string } {
  const ids = [
    hasHint ? `${id}-hint` : undefined,
    problem === undefined ? undefined : `${id}-problem`,
  ].filter((v): v is string => v !== undefined);
  return {
    "aria-invalid": problem !== undefined,
    ...(ids.length > 0 ? { "aria-describedby": ids.join(" ") } : {}),
  };
}
