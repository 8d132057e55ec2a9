import { createContext, useContext, useEffect, useState, type FormEvent, type ReactNode } from "react";
import { ApiRequestError, apiRequest, errorMessage, signedOutEvent } from "../api-client.js";

export interface SignedInUser {
  kind: "session" | "api-key";
  id: string;
  name: string;
  role: "admin" | "bookkeeper" | "read-only";
  companyId: string | null;
  /** Someone else chose this password: the console shows only "choose your own" until it is changed. */
  mustChangePassword: boolean;
}

const SignedInUserContext = createContext<SignedInUser | undefined>(undefined);
const PasswordChosenContext = createContext<() => void>(() => undefined);

/** Who is signed in (inside AuthGate); screens use it to show what the role allows. */
export function useSignedInUser(): SignedInUser | undefined {
  return useContext(SignedInUserContext);
}

/** Tells the gate the signed-in user has just chosen their own password (the console opens). */
export function usePasswordChosen(): () => void {
  return useContext(PasswordChosenContext);
}

/** Manages users and API keys: an admin who sees every company (the server checks it again). */
export const isOperatorAdmin = (u: SignedInUser | undefined): boolean =>
  u?.role === "admin" && u.companyId === null;

/**
 * Shows the console only to someone signed in: asks the server who this is, and shows the sign-in form
 * when nobody is (at start, or after any request answered 401 because the session ended). Who is signed
 * in, with whether they must first choose their own password, is given to what it wraps.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const [state, setState] = useState<"checking" | "signed-out" | "signed-in">("checking");
  const [problem, setProblem] = useState<string | undefined>();
  const [user, setUser] = useState<SignedInUser | undefined>();
  useEffect(() => {
    let live = true;
    apiRequest<{ principal: SignedInUser }>("/api/v1/auth/me").then(
      (me) => {
        if (!live) return;
        setUser(me.principal);
        setState("signed-in");
      },
      (err: unknown) => {
        if (!live) return;
        if (err instanceof ApiRequestError && err.status === 401) setState("signed-out");
        else {
          setProblem(errorMessage(err));
          setState("signed-out");
        }
      },
    );
    const onSignedOut = () => setState("signed-out");
    window.addEventListener(signedOutEvent, onSignedOut);
    return () => {
      live = false;
      window.removeEventListener(signedOutEvent, onSignedOut);
    };
  }, []);
  if (state === "checking") return <p className="main muted">Loading…</p>;
  if (state === "signed-out")
    return (
      <LoginScreen
        problem={problem}
        onSignedIn={(signedIn) => {
          setUser(signedIn);
          setState("signed-in");
        }}
      />
    );
  return (
    <SignedInUserContext.Provider value={user}>
      <PasswordChosenContext.Provider
        value={() => setUser((u) => (u === undefined ? u : { ...u, mustChangePassword: false }))}
      >
        {children}
      </PasswordChosenContext.Provider>
    </SignedInUserContext.Provider>
  );
}

export function LoginScreen({
  problem,
  onSignedIn,
}: {
  problem?: string | undefined;
  onSignedIn: (user: SignedInUser) => void;
}) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(problem);
  useEffect(() => {
    document.title = "Sign in · Ledgerlink";
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await apiRequest<{ user: SignedInUser }>("/api/v1/auth/login", {
        method: "POST",
        body: { email, password },
      });
      setPassword("");
      onSignedIn(r.user);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="main" id="main">
      <section className="panel login">
        <h1>Sign in to Ledgerlink</h1>
        <form onSubmit={(e) => void submit(e)}>
          <div className="field">
            <label htmlFor="login-email">Email</label>
            <input
              id="login-email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">Password</label>
            <input
              id="login-password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          {error && (
            <p className="hint" role="alert" data-testid="login-problem">
              {error}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Sign in
            </button>
          </div>
        </form>
      </section>
    </main>
  );
}

/** Ends the session on the server (and its cookies); the sign-in form comes back. */
export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="sign-out"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void apiRequest("/api/v1/auth/logout", { method: "POST" })
          .catch(() => undefined)
          .finally(() => window.dispatchEvent(new Event(signedOutEvent)));
      }}
    >
      Sign out
    </button>
  );
}
