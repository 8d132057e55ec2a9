import { useRef, useState, type FormEvent } from "react";
import { apiRequest } from "../api-client.js";
import type {
  AccountEvent,
  AccountRole,
  ApiKeyInfo,
  CompanyOption,
  NewApiKey,
  UserAccount,
} from "../api-types.js";
import { Field, FieldError, fieldAria } from "../components/form-field.js";
import { LoadError, Notice, Screen } from "../components/screen.js";
import { useConsole } from "../console-context.js";
import { fieldProblem, formProblem, problemFor, type FieldProblem } from "../field-problem.js";
import { formatWhen } from "../format.js";
import { Link } from "../router.js";
import { useResource, type Resource } from "../use-resource.js";
import { isOperatorAdmin, useSignedInUser, type SignedInUser } from "./login-screen.js";

const title = "Team & access";

const roleLabels: Record<AccountRole, string> = {
  admin: "Admin — everything, including the connection",
  bookkeeper: "Bookkeeper — fix, sync, review, import",
  "read-only": "Read-only — looks, changes nothing",
};
const roleNames = Object.keys(roleLabels) as AccountRole[];

/** "Every company" for operator-wide accounts, else the company's name. */
function scopeName(companyId: string | null, companies: CompanyOption[] | undefined): string {
  if (companyId === null) return "Every company";
  return companies?.find((c) => c.id === companyId)?.name ?? companyId;
}

/**
 * A temporary password to read out to someone: 16 characters from an alphabet without look-alikes
 * (no 0/O, 1/l/I), grouped by four; from the browser's cryptographic generator.
 */
function suggestPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]!);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join("")).join("-");
}

const eventText: Record<string, string> = {
  "user.created": "added",
  "user.role_changed": "changed the role of",
  "user.scope_changed": "changed what this person sees:",
  "user.disabled": "disabled",
  "user.enabled": "enabled",
  "user.password_changed": "changed their own password:",
  "user.password_reset": "reset the password of",
  "key.created": "created the API key",
  "key.revoked": "revoked the API key",
};

/**
 * Team & access: the people who sign in to the console (add, change role, disable or enable, reset a
 * password) and the API keys integrations call with (create — shown once — and revoke), with the
 * account log. For admins who see every company; anyone else is told so (the server refuses them too).
 */
export function TeamScreen() {
  const me = useSignedInUser();
  if (!isOperatorAdmin(me))
    return (
      <Screen title={title} lead="Who can sign in to Ledgerlink, and the keys your apps use.">
        <Notice
          tone="warn"
          title="Only an administrator can manage people and API keys"
          testId="team-forbidden"
        >
          <p>
            You are signed in as {me?.name ?? "someone"}
            {me ? ` (${me.role}${me.companyId === null ? "" : `, ${me.companyId} only`})` : ""}. Ask an
            administrator who sees every company to add people, change roles or create keys.
          </p>
          <p>
            You can change your own password under <Link to="/account">My account</Link>.
          </p>
        </Notice>
      </Screen>
    );
  return <TeamAdmin me={me!} />;
}

function TeamAdmin({ me }: { me: SignedInUser }) {
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);
  const users = useResource<{ items: UserAccount[] }>("/api/v1/auth/users", tick);
  const keys = useResource<{ items: ApiKeyInfo[] }>("/api/v1/auth/keys", tick);
  const companies = useResource<{ items: CompanyOption[] }>("/api/v1/auth/companies");
  const log = useResource<{ items: AccountEvent[] }>("/api/v1/auth/events?limit=20", tick);
  const companyList = companies.data?.items;
  return (
    <Screen
      title={title}
      lead="Who can sign in to Ledgerlink and what each person may do, and the API keys your apps call Ledgerlink with."
    >
      <section className="panel" aria-labelledby="people-title">
        <h2 id="people-title">People</h2>
        {users.error && <LoadError message={users.error} retry={users.reload} />}
        {users.data && (
          <table data-testid="team-users">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Sees</th>
                <th scope="col">Status</th>
                <th scope="col">Added</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <UserRow
                  key={u.id}
                  user={u}
                  own={u.id === me.id}
                  companies={companyList}
                  onChanged={refresh}
                />
              ))}
            </tbody>
          </table>
        )}
        <AddUserForm companies={companyList} onAdded={refresh} />
      </section>

      <ApiKeysPanel keys={keys} companies={companyList} onChanged={refresh} />

      <section className="panel" aria-labelledby="account-log-title">
        <h2 id="account-log-title">Recent changes</h2>
        {log.error && <LoadError message={log.error} retry={log.reload} />}
        {log.data && log.data.items.length === 0 && <p className="muted">No changes yet.</p>}
        {log.data && log.data.items.length > 0 && (
          <ul className="feed" data-testid="account-log">
            {log.data.items.map((e) => (
              <li key={e.id}>
                <span className="muted">{formatWhen(e.at)}</span> — {e.actor}{" "}
                {e.detail["replacedTemporary"] === true
                  ? "replaced the temporary password with their own:"
                  : (eventText[e.action] ?? e.action)}{" "}
                <strong>{e.subject}</strong>
                {e.action === "user.role_changed" && (
                  <span>
                    {" "}
                    ({String(e.detail["before"])} → {String(e.detail["after"])})
                  </span>
                )}
                {e.action === "user.scope_changed" && (
                  <span>
                    {" "}
                    ({scopeName(e.detail["before"] as string | null, companyList)} →{" "}
                    {scopeName(e.detail["after"] as string | null, companyList)})
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Screen>
  );
}

function UserRow({
  user,
  own,
  companies,
  onChanged,
}: {
  user: UserAccount;
  own: boolean;
  companies: CompanyOption[] | undefined;
  onChanged: () => void;
}) {
  const { notify } = useConsole();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FieldProblem | undefined>();
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState("");
  const id = `user-${user.id}`;
  const patch = async (body: Record<string, unknown>, done: string) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await apiRequest(`/api/v1/auth/users/${encodeURIComponent(user.id)}`, { method: "PATCH", body });
      notify(done);
      onChanged();
      return true;
    } catch (err) {
      setProblem(fieldProblem(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const ownNote = "You cannot change your own role or scope, or disable yourself; ask another admin.";
  const fields = ["role", "companyId", "disabled", "password"];
  return (
    <tr data-testid="team-user-row" aria-label={user.email}>
      <td>
        {user.name}
        {own && <span className="muted"> (you)</span>}
      </td>
      <td>{user.email}</td>
      <td>
        <select
          id={`${id}-role`}
          aria-label={`Role of ${user.email}`}
          value={user.role}
          disabled={own || busy}
          title={own ? ownNote : undefined}
          {...fieldAria(`${id}-role`, problemFor(problem, "role"))}
          onChange={(e) => void patch({ role: e.target.value }, `${user.email} is now ${e.target.value}.`)}
        >
          {roleNames.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-role`} problem={problemFor(problem, "role")} />
      </td>
      <td>
        <select
          id={`${id}-scope`}
          aria-label={`What ${user.email} sees`}
          value={user.companyId ?? ""}
          disabled={own || busy}
          title={own ? ownNote : undefined}
          {...fieldAria(`${id}-scope`, problemFor(problem, "companyId"))}
          onChange={(e) => {
            const companyId = e.target.value === "" ? null : e.target.value;
            const sees = companyId === null ? "every company" : `${scopeName(companyId, companies)} only`;
            void patch({ companyId }, `${user.email} now sees ${sees}.`);
          }}
        >
          {(companies ?? (user.companyId === null ? [] : [{ id: user.companyId, name: user.companyId }])).map(
            (c) => (
              <option key={c.id} value={c.id}>
                {c.name} only
              </option>
            ),
          )}
          <option value="">Every company</option>
        </select>
        <FieldError id={`${id}-scope`} problem={problemFor(problem, "companyId")} />
      </td>
      <td>
        {user.disabledAt === null ? "Active" : `Disabled ${formatWhen(user.disabledAt)}`}
        {user.mustChangePassword && (
          <div className="muted" data-testid="must-change-password">
            must change password
          </div>
        )}
      </td>
      <td>{formatWhen(user.createdAt)}</td>
      <td>
        <div className="actions">
          <button
            type="button"
            className={user.disabledAt === null ? "danger" : undefined}
            disabled={own || busy}
            title={own ? ownNote : undefined}
            onClick={() =>
              void patch(
                { disabled: user.disabledAt === null },
                user.disabledAt === null
                  ? `${user.email} is disabled and signed out everywhere.`
                  : `${user.email} can sign in again.`,
              )
            }
          >
            {user.disabledAt === null ? "Disable" : "Enable"}
          </button>
          {!resetting && (
            <button type="button" disabled={busy} onClick={() => setResetting(true)}>
              Reset password
            </button>
          )}
        </div>
        <FieldError id={`${id}-disabled`} problem={problemFor(problem, "disabled")} />
        {resetting && (
          <form
            className="inline-form"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              void patch(
                { password },
                own
                  ? "Your password is changed; your other sessions have ended."
                  : `New password set for ${user.email}; they are signed out everywhere. Tell them the new password: they will choose their own when they next sign in.`,
              ).then((ok) => {
                if (ok) {
                  setPassword("");
                  setResetting(false);
                }
              });
            }}
          >
            <Field
              id={`${id}-password`}
              label={`New password for ${user.email}`}
              hint={
                own
                  ? "At least 12 characters."
                  : "At least 12 characters. Tell it to them in person or by phone; they choose their own when they next sign in."
              }
              problem={problemFor(problem, "password")}
            >
              <input
                id={`${id}-password`}
                type="text"
                autoComplete="off"
                spellCheck={false}
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                {...fieldAria(`${id}-password`, problemFor(problem, "password"), true)}
              />
            </Field>
            <div className="actions">
              <button type="button" onClick={() => setPassword(suggestPassword())}>
                Suggest one
              </button>
              <button type="submit" className="primary" disabled={busy}>
                Set password
              </button>
              <button
                type="button"
                onClick={() => {
                  setResetting(false);
                  setPassword("");
                  setProblem(undefined);
                }}
              >
                Cancel
              </button>
            </div>
          </form>
        )}
        {problem && formProblem(problem, fields) && (
          <p className="field-error" role="alert">
            {formProblem(problem, fields)}
          </p>
        )}
      </td>
    </tr>
  );
}

/** The company choices of a new user or key: every company, or one (the console's own by default). */
function ScopeSelect({
  id,
  value,
  onChange,
  companies,
  problem,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  companies: CompanyOption[] | undefined;
  problem: string | undefined;
}) {
  const { company } = useConsole();
  // Until the list has loaded, the console's own company (the default) is the one choice besides all.
  const options = companies ?? [{ id: company, name: company }];
  return (
    <Field id={id} label="Sees" hint="One company's data only, or every company's." problem={problem}>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...fieldAria(id, problem, true)}
      >
        {options.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} only
          </option>
        ))}
        <option value="">Every company</option>
      </select>
    </Field>
  );
}

function RoleSelect({
  id,
  value,
  onChange,
  problem,
}: {
  id: string;
  value: AccountRole;
  onChange: (v: AccountRole) => void;
  problem: string | undefined;
}) {
  return (
    <Field id={id} label="Role" problem={problem}>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value as AccountRole)}
        {...fieldAria(id, problem)}
      >
        {roleNames.map((r) => (
          <option key={r} value={r}>
            {roleLabels[r]}
          </option>
        ))}
      </select>
    </Field>
  );
}

function AddUserForm({
  companies,
  onAdded,
}: {
  companies: CompanyOption[] | undefined;
  onAdded: () => void;
}) {
  const { company, notify } = useConsole();
  const empty = { email: "", name: "", role: "bookkeeper" as AccountRole, scope: company, password: "" };
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FieldProblem | undefined>();
  const set = (change: Partial<typeof form>) => setForm((f) => ({ ...f, ...change }));
  const fields = ["email", "name", "role", "companyId", "password"];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const created = await apiRequest<UserAccount>("/api/v1/auth/users", {
        method: "POST",
        body: {
          email: form.email.trim(),
          name: form.name,
          role: form.role,
          companyId: form.scope === "" ? null : form.scope,
          password: form.password,
        },
      });
      notify(
        `Added ${created.email}. Give them the temporary password: they will choose their own when they first sign in.`,
      );
      setForm(empty);
      onAdded();
    } catch (err) {
      setProblem(fieldProblem(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form aria-labelledby="add-user-title" onSubmit={(e) => void submit(e)} noValidate>
      <h3 id="add-user-title">Add a person</h3>
      <Field id="new-user-email" label="Email" problem={problemFor(problem, "email")}>
        <input
          id="new-user-email"
          type="email"
          autoComplete="off"
          value={form.email}
          onChange={(e) => set({ email: e.target.value })}
          {...fieldAria("new-user-email", problemFor(problem, "email"))}
        />
      </Field>
      <Field id="new-user-name" label="Name" problem={problemFor(problem, "name")}>
        <input
          id="new-user-name"
          type="text"
          autoComplete="off"
          value={form.name}
          onChange={(e) => set({ name: e.target.value })}
          {...fieldAria("new-user-name", problemFor(problem, "name"))}
        />
      </Field>
      <RoleSelect
        id="new-user-role"
        value={form.role}
        onChange={(role) => set({ role })}
        problem={problemFor(problem, "role")}
      />
      <ScopeSelect
        id="new-user-scope"
        value={form.scope}
        onChange={(scope) => set({ scope })}
        companies={companies}
        problem={problemFor(problem, "companyId")}
      />
      <Field
        id="new-user-password"
        label="Temporary password"
        hint="At least 12 characters. Tell it to them; they choose their own when they first sign in."
        problem={problemFor(problem, "password")}
      >
        <input
          id="new-user-password"
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={form.password}
          onChange={(e) => set({ password: e.target.value })}
          {...fieldAria("new-user-password", problemFor(problem, "password"), true)}
        />
      </Field>
      {formProblem(problem, fields) && (
        <Notice tone="bad" title="Not added" testId="add-user-problem">
          <p>{formProblem(problem, fields)}</p>
        </Notice>
      )}
      <div className="actions">
        <button type="button" onClick={() => set({ password: suggestPassword() })}>
          Suggest a password
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Adding…" : "Add person"}
        </button>
      </div>
    </form>
  );
}

function ApiKeysPanel({
  keys,
  companies,
  onChanged,
}: {
  keys: Resource<{ items: ApiKeyInfo[] }>;
  companies: CompanyOption[] | undefined;
  onChanged: () => void;
}) {
  const { company, notify } = useConsole();
  const [fresh, setFresh] = useState<NewApiKey | undefined>();
  const [copied, setCopied] = useState<"yes" | "failed" | undefined>();
  const [confirming, setConfirming] = useState<string | undefined>();
  const [form, setForm] = useState({ name: "", role: "bookkeeper" as AccountRole, scope: company });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FieldProblem | undefined>();
  const [revokeProblem, setRevokeProblem] = useState<{ id: string; message: string } | undefined>();
  const keyText = useRef<HTMLElement>(null);
  const fields = ["name", "role", "companyId"];

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const made = await apiRequest<NewApiKey>("/api/v1/auth/keys", {
        method: "POST",
        body: { name: form.name, role: form.role, companyId: form.scope === "" ? null : form.scope },
      });
      setFresh(made);
      setCopied(undefined);
      setForm({ ...form, name: "" });
      onChanged();
    } catch (err) {
      setProblem(fieldProblem(err));
    } finally {
      setBusy(false);
    }
  };
  const copy = async (key: string) => {
    try {
      await navigator.clipboard.writeText(key);
      setCopied("yes");
    } catch {
      // No clipboard permission: select the key so Ctrl+C copies it.
      const el = keyText.current;
      if (el) window.getSelection()?.selectAllChildren(el);
      setCopied("failed");
    }
  };
  const revoke = async (k: ApiKeyInfo) => {
    setRevokeProblem(undefined);
    try {
      await apiRequest(`/api/v1/auth/keys/${encodeURIComponent(k.id)}`, { method: "DELETE" });
      setConfirming(undefined);
      notify(`Revoked the key "${k.name}": apps using it are refused from now on.`);
      onChanged();
    } catch (err) {
      setRevokeProblem({ id: k.id, message: fieldProblem(err).message });
    }
  };

  return (
    <section className="panel" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <p className="muted">
        Your business app sends one with every request (<code>Authorization: Bearer llk_…</code>). Give each
        app its own key, so one can be revoked without stopping the others.
      </p>
      {fresh && (
        <Notice tone="warn" title="Copy this key now — you will not see it again" testId="new-api-key-notice">
          <p>
            The key for <strong>{fresh.name}</strong>. Ledgerlink keeps only a fingerprint of it: once you
            close this message, nobody can show it again (you would create a new key).
          </p>
          <p>
            <code ref={keyText} data-testid="new-api-key" className="secret">
              {fresh.key}
            </code>
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => void copy(fresh.key)}>
              Copy key
            </button>
            <button type="button" onClick={() => setFresh(undefined)}>
              I have stored it — hide it
            </button>
            <span role="status">
              {copied === "yes" && "Copied."}
              {copied === "failed" && "Copying is blocked here: the key is selected, press Ctrl+C (⌘C)."}
            </span>
          </div>
        </Notice>
      )}
      {keys.error && <LoadError message={keys.error} retry={keys.reload} />}
      {keys.data && keys.data.items.length === 0 && <p className="muted">No API keys yet.</p>}
      {keys.data && keys.data.items.length > 0 && (
        <table data-testid="team-keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Role</th>
              <th scope="col">Sees</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.items.map((k) => (
              <tr key={k.id} data-testid="team-key-row" aria-label={k.name}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.role}</td>
                <td>{scopeName(k.companyId, companies)}</td>
                <td>
                  {formatWhen(k.createdAt)}
                  <div className="muted">by {k.createdBy}</div>
                </td>
                <td>{k.lastUsedAt === null ? "Never" : formatWhen(k.lastUsedAt)}</td>
                <td>{k.revokedAt === null ? "Active" : `Revoked ${formatWhen(k.revokedAt)}`}</td>
                <td>
                  {k.revokedAt === null && confirming !== k.id && (
                    <button type="button" className="danger" onClick={() => setConfirming(k.id)}>
                      Revoke
                    </button>
                  )}
                  {k.revokedAt === null && confirming === k.id && (
                    <div role="group" aria-label={`Revoke ${k.name}?`}>
                      <p>
                        Revoke “{k.name}”? Apps using it are refused from their next request. This cannot be
                        undone.
                      </p>
                      <div className="actions">
                        <button type="button" className="danger" onClick={() => void revoke(k)}>
                          Yes, revoke it
                        </button>
                        <button type="button" onClick={() => setConfirming(undefined)}>
                          Keep it
                        </button>
                      </div>
                    </div>
                  )}
                  {revokeProblem?.id === k.id && (
                    <p className="field-error" role="alert">
                      {revokeProblem.message}
                    </p>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form aria-labelledby="new-key-title" onSubmit={(e) => void create(e)} noValidate>
        <h3 id="new-key-title">Create a key</h3>
        <Field
          id="new-key-name"
          label="What it is for"
          hint="The app or integration, e.g. “billing app”."
          problem={problemFor(problem, "name")}
        >
          <input
            id="new-key-name"
            type="text"
            autoComplete="off"
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            {...fieldAria("new-key-name", problemFor(problem, "name"), true)}
          />
        </Field>
        <RoleSelect
          id="new-key-role"
          value={form.role}
          onChange={(role) => setForm({ ...form, role })}
          problem={problemFor(problem, "role")}
        />
        <ScopeSelect
          id="new-key-scope"
          value={form.scope}
          onChange={(scope) => setForm({ ...form, scope })}
          companies={companies}
          problem={problemFor(problem, "companyId")}
        />
        {formProblem(problem, fields) && (
          <Notice tone="bad" title="No key created" testId="new-key-problem">
            <p>{formProblem(problem, fields)}</p>
          </Notice>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Creating…" : "Create key"}
        </button>
      </form>
    </section>
  );
}
