import { useEffect, useRef, useState, type FormEvent } from "react";
import { apiRequest } from "../api-client.js";
import { Field, fieldAria } from "../components/form-field.js";
import { Notice, Screen } from "../components/screen.js";
import { useConsole } from "../console-context.js";
import { fieldProblem, formProblem, problemFor, type FieldProblem } from "../field-problem.js";
import { SignOutButton, usePasswordChosen, useSignedInUser } from "./login-screen.js";

/** The server's minimum; checked here too so a short password is named before the round trip. */
const minPasswordLength = 12;

/**
 * My account: who is signed in, and changing one's own password (any role). The server checks the
 * current password, ends every other session of this user and renews this browser's.
 */
export function AccountScreen() {
  const me = useSignedInUser();
  const { notify } = useConsole();
  return (
    <Screen title="My account" lead="Who you are signed in as, and your password.">
      {me && (
        <section className="panel" aria-labelledby="me-title">
          <h2 id="me-title">Signed in as</h2>
          <p data-testid="signed-in-as">
            <strong>{me.name}</strong> — {me.role},{" "}
            {me.companyId === null ? "every company" : `${me.companyId} only`}
          </p>
        </section>
      )}
      <section className="panel" aria-labelledby="password-title">
        <h2 id="password-title">Change your password</h2>
        {me?.kind === "api-key" ? (
          <p>An API key has no password. Sign in as a person to change yours.</p>
        ) : (
          <PasswordChangeForm
            submitLabel="Change password"
            onChanged={() =>
              notify("Your password is changed. You stay signed in here; every other session has ended.")
            }
          />
        )}
      </section>
    </Screen>
  );
}

/**
 * What a person whose password someone else chose (an administrator adding them or resetting it) sees
 * after signing in, instead of the console: the same password form, the temporary password as the
 * current one. The server refuses everything else from this session until it is changed; then the
 * console opens where they were going.
 */
export function ChooseOwnPasswordScreen() {
  const me = useSignedInUser();
  const passwordChosen = usePasswordChosen();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = "Choose your own password · Ledgerlink";
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <main className="main" id="main">
      <section className="panel login" aria-labelledby="choose-password-title">
        <h1 id="choose-password-title" ref={heading} tabIndex={-1}>
          Choose your own password
        </h1>
        <p data-testid="choose-password-why">
          An administrator set this password; choose one only you know. The console opens once you have.
        </p>
        {me && (
          <p className="muted">
            Signed in as <strong>{me.name}</strong>.
          </p>
        )}
        <PasswordChangeForm
          submitLabel="Choose this password"
          currentLabel="Current (temporary) password"
          currentHint="The password you were given."
          onChanged={passwordChosen}
        />
        <p className="muted">
          Not you, or not now? <SignOutButton />
        </p>
      </section>
    </main>
  );
}

/**
 * The current password, the new one twice: checked here for length and sameness, then by the server
 * (which names the field of any refusal). `onChanged` runs once the server has changed it.
 */
function PasswordChangeForm({
  submitLabel,
  currentLabel = "Current password",
  currentHint,
  onChanged,
}: {
  submitLabel: string;
  currentLabel?: string;
  currentHint?: string;
  onChanged: () => void;
}) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FieldProblem | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    if (next.length < minPasswordLength)
      return setProblem({ field: "newPassword", message: `At least ${minPasswordLength} characters.` });
    if (again !== next)
      return setProblem({ field: "again", message: "This is not the same as the new password above." });
    setBusy(true);
    try {
      await apiRequest("/api/v1/auth/password", {
        method: "POST",
        body: { currentPassword: current, newPassword: next },
      });
      setCurrent("");
      setNext("");
      setAgain("");
      setBusy(false);
      onChanged();
    } catch (err) {
      setProblem(fieldProblem(err));
      setBusy(false);
    }
  };
  const fields = ["currentPassword", "newPassword", "again"];
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Field
        id="current-password"
        label={currentLabel}
        {...(currentHint === undefined ? {} : { hint: currentHint })}
        problem={problemFor(problem, "currentPassword")}
      >
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          {...fieldAria(
            "current-password",
            problemFor(problem, "currentPassword"),
            currentHint !== undefined,
          )}
        />
      </Field>
      <Field
        id="new-password"
        label="New password"
        hint={`At least ${minPasswordLength} characters. A few unrelated words are easy to remember and hard to guess.`}
        problem={problemFor(problem, "newPassword")}
      >
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          {...fieldAria("new-password", problemFor(problem, "newPassword"), true)}
        />
      </Field>
      <Field id="new-password-again" label="New password again" problem={problemFor(problem, "again")}>
        <input
          id="new-password-again"
          type="password"
          autoComplete="new-password"
          value={again}
          onChange={(e) => setAgain(e.target.value)}
          {...fieldAria("new-password-again", problemFor(problem, "again"))}
        />
      </Field>
      {formProblem(problem, fields) && (
        <Notice tone="bad" title="Not changed" testId="password-problem">
          <p>{formProblem(problem, fields)}</p>
        </Notice>
      )}
      <p className="muted">Changing it signs you out on every other computer and browser.</p>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? "Changing…" : submitLabel}
      </button>
    </form>
  );
}
