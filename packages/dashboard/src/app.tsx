import type { ReactNode } from "react";
import { ConsoleProvider, useConsole } from "./console-context.js";
import { LoadError } from "./components/screen.js";
import { Link, matchPath, useLocation } from "./router.js";
import { EventStreamProvider } from "./event-stream.js";
import { ActivityScreen } from "./screens/activity-screen.js";
import { ConnectionScreen } from "./screens/connection-screen.js";
import { CustomerPage } from "./screens/customer-page.js";
import { CustomersScreen } from "./screens/customers-screen.js";
import { IntegrationsScreen } from "./screens/integrations-screen.js";
import { ErrorsScreen } from "./screens/errors-screen.js";
import { MappingsScreen } from "./screens/mappings-screen.js";
import { QueueScreen } from "./screens/queue-screen.js";
import { ReportsScreen } from "./screens/reports-screen.js";
import { ReviewScreen } from "./screens/review-screen.js";
import { OverviewScreen } from "./screens/overview-screen.js";
import { NotFoundScreen } from "./screens/not-found-screen.js";
import { AuthGate, isOperatorAdmin, SignOutButton, useSignedInUser } from "./screens/login-screen.js";
import { TeamScreen } from "./screens/team-screen.js";
import { AccountScreen, ChooseOwnPasswordScreen } from "./screens/account-screen.js";
import type { StatusResponse } from "./status-types.js";
import { useResource } from "./use-resource.js";
import { companyPath } from "./api-client.js";
import type { ErrorsPage } from "./api-types.js";

interface Route {
  path: string;
  label: string;
  render: (params: Record<string, string>) => ReactNode;
  /** Shown in the sidebar (detail pages are not). */
  nav: boolean;
  /** In the sidebar only for operator-wide admins (the server refuses everyone else anyway). */
  adminOnly?: boolean;
}

const routes: Route[] = [
  { path: "/", label: "Overview", nav: true, render: () => <OverviewScreen /> },
  { path: "/errors", label: "Errors", nav: true, render: () => <ErrorsScreen /> },
  { path: "/review", label: "Match review", nav: true, render: () => <ReviewScreen /> },
  { path: "/queue", label: "Ready to sync", nav: true, render: () => <QueueScreen /> },
  { path: "/customers", label: "Customers", nav: true, render: () => <CustomersScreen /> },
  {
    path: "/customers/:ref",
    label: "Customer",
    nav: false,
    render: (p) => <CustomerPage key={p["ref"]} refText={p["ref"]!} />,
  },
  { path: "/mappings", label: "Mappings", nav: true, render: () => <MappingsScreen /> },
  { path: "/reports", label: "Reports", nav: true, render: () => <ReportsScreen /> },
  { path: "/activity", label: "Activity", nav: true, render: () => <ActivityScreen /> },
  { path: "/integrations", label: "Integrations", nav: true, render: () => <IntegrationsScreen /> },
  { path: "/connection", label: "Connection settings", nav: true, render: () => <ConnectionScreen /> },
  { path: "/team", label: "Team & access", nav: true, adminOnly: true, render: () => <TeamScreen /> },
  { path: "/account", label: "My account", nav: false, render: () => <AccountScreen /> },
];

export function App() {
  return (
    <AuthGate>
      <OwnPasswordFirst>
        <SignedInApp />
      </OwnPasswordFirst>
    </AuthGate>
  );
}

/**
 * Someone whose password another person chose sees only the form to choose their own, not the console
 * (whose requests the API refuses meanwhile); once it is changed, the console opens at the same address.
 */
function OwnPasswordFirst({ children }: { children: ReactNode }) {
  const me = useSignedInUser();
  return me?.mustChangePassword ? <ChooseOwnPasswordScreen /> : <>{children}</>;
}

function SignedInApp() {
  // The server says which company this console works on.
  const status = useResource<StatusResponse>("/api/status");
  if (status.error && !status.data) {
    return (
      <main className="main">
        <LoadError message={status.error} retry={status.reload} />
      </main>
    );
  }
  if (!status.data) return <p className="main muted">Loading…</p>;
  return (
    <ConsoleProvider company={status.data.company}>
      <EventStreamProvider company={status.data.company}>
        <Shell />
      </EventStreamProvider>
    </ConsoleProvider>
  );
}

function Shell() {
  const { company, revision } = useConsole();
  const { path } = useLocation();
  const me = useSignedInUser();
  const status = useResource<StatusResponse>("/api/status", revision);
  // Every open problem (findings, QuickBooks faults and matches to review), as the Errors view counts them.
  const problems = useResource<ErrorsPage>(companyPath(company, "errors") + "?limit=1", revision);
  const openErrors = problems.data?.total ?? status.data?.counts.openErrors ?? 0;
  let screen: ReactNode = <NotFoundScreen />;
  for (const r of routes) {
    const params = matchPath(r.path, path);
    if (params) {
      screen = r.render(params);
      break;
    }
  }
  const current = (r: Route) =>
    r.path === "/" ? path === "/" : path === r.path || path.startsWith(r.path + "/");
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to the screen
      </a>
      <aside className="sidebar">
        <div className="brand">
          Ledgerlink
          <small>Company: {company}</small>
        </div>
        <nav className="nav" aria-label="Console">
          <ul>
            {routes
              .filter((r) => r.nav && (!r.adminOnly || isOperatorAdmin(me)))
              .map((r) => (
                <li key={r.path}>
                  <Link to={r.path} aria-current={current(r) ? "page" : undefined}>
                    <span>{r.label}</span>
                    {r.path === "/errors" && openErrors > 0 && (
                      <span className="count" aria-label={`${openErrors} open`}>
                        {openErrors}
                      </span>
                    )}
                  </Link>
                </li>
              ))}
          </ul>
        </nav>
        <div className="account-menu">
          {me && (
            <span>
              Signed in as <strong>{me.name}</strong>
            </span>
          )}
          <Link to="/account" aria-current={path === "/account" ? "page" : undefined}>
            My account &amp; password
          </Link>
          <SignOutButton />
        </div>
      </aside>
      <main className="main" id="main">
        {screen}
      </main>
    </div>
  );
}
