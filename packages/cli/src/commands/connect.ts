import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Command } from "commander";
import { ConnectionService } from "@ledgerlink/server";
import { withConfigFlags, withContext } from "../cli-context.js";
import type { ConfigFlags } from "../cli-config.js";
import { exitCodes, UsageError } from "../exit-codes.js";
import { printJson } from "../output-format.js";
import { positiveInt } from "../option-parsers.js";

interface ConnectOptions extends ConfigFlags {
  port?: number;
  timeout: number;
  json?: boolean;
}

/** The user did not come back from QuickBooks in time. */
export class ConnectTimeoutError extends Error {
  override readonly name = "ConnectTimeoutError";
}

const page = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${text}</p>`;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Where QuickBooks sends the browser back: QBO_REDIRECT_URI when it is a loopback URL, else a free port. */
function loopbackRedirect(
  configured: string | undefined,
  port: number | undefined,
): { port: number; path: string } {
  if (configured !== undefined) {
    const u = new URL(configured);
    if (u.hostname === "127.0.0.1" || u.hostname === "localhost")
      return { port: port ?? Number(u.port || 80), path: u.pathname };
  }
  return { port: port ?? 0, path: "/callback" };
}

/**
 * `ledgerlink connect`: OAuth from a terminal. Prints QuickBooks' authorize URL, listens on a loopback
 * port for the redirect back, and finishes the connection (PKCE and single-use state as the console's
 * Connect) — the browser can be on this machine or the URL pasted into one.
 */
export function registerConnect(program: Command): void {
  withConfigFlags(
    program
      .command("connect")
      .description(
        "Connect the company to QuickBooks: open the printed URL, consent, and the CLI catches the callback",
      ),
  )
    .option(
      "--port <port>",
      "loopback port for the callback (default: QBO_REDIRECT_URI's, else any free port)",
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535)
          throw new UsageError(`--port must be 0–65535, got "${v}"`);
        return n;
      },
    )
    .option("--timeout <seconds>", "give up after this long", positiveInt("--timeout"), 300)
    .option("--json", "print the connection as JSON")
    .addHelpText(
      "after",
      "\nFor a real QuickBooks app, register the loopback redirect (e.g. http://localhost:8765/callback) with\nIntuit and set QBO_REDIRECT_URI to it. Exits 0 once connected.\n\nExample:\n  $ ledgerlink connect\n  $ QBO_ENVIRONMENT=sandbox QBO_REDIRECT_URI=http://localhost:8765/callback ledgerlink connect",
    )
    .action(async (opts: ConnectOptions) => {
      const result = await withContext(opts, async ({ store, companyId, config, clock }) => {
        const { port, path } = loopbackRedirect(config.qbo.redirectUri, opts.port);
        let finish!: (r: { companyId: string; realmId: string }) => void;
        let fail!: (e: unknown) => void;
        const done = new Promise<{ companyId: string; realmId: string }>((res, rej) => {
          finish = res;
          fail = rej;
        });
        const nonce = randomBytes(16).toString("hex");
        let connections: ConnectionService | undefined;
        const server: Server = createServer((req, res) => {
          const url = new URL(req.url ?? "/", `http://127.0.0.1`);
          if (url.pathname !== path || connections === undefined) {
            res.writeHead(404).end();
            return;
          }
          connections.completeConnect(`${redirectBase}${path}${url.search}`, nonce).then(
            (r) => {
              res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
              res.end(page("Connected", `Ledgerlink is connected to QuickBooks. You can close this tab.`));
              finish(r);
            },
            (err: unknown) => {
              res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
              res.end(page("Not connected", escapeHtml(err instanceof Error ? err.message : String(err))));
              fail(err);
            },
          );
        });
        await new Promise<void>((res, rej) => server.once("error", rej).listen(port, "127.0.0.1", res));
        const bound = (server.address() as { port: number }).port;
        const redirectBase = `http://${config.qbo.redirectUri ? new URL(config.qbo.redirectUri).hostname : "127.0.0.1"}:${bound}`;
        const timer = setTimeout(
          () =>
            fail(
              new ConnectTimeoutError(
                `no answer from QuickBooks within ${opts.timeout} s; run \`ledgerlink connect\` again`,
              ),
            ),
          opts.timeout * 1000,
        );
        try {
          connections = new ConnectionService({
            store,
            config: { ...config, qbo: { ...config.qbo, redirectUri: `${redirectBase}${path}` } },
            clock,
          });
          const authorizeUrl = await connections.startConnect(companyId, nonce);
          process.stderr.write(`Open this URL in a browser to connect "${companyId}" to QuickBooks:\n`);
          process.stdout.write(`${authorizeUrl}\n`);
          process.stderr.write(
            `Waiting for QuickBooks to send the browser back to ${redirectBase}${path} …\n`,
          );
          const connected = await done;
          return { ...connected, state: (await connections.status(companyId)).state };
        } finally {
          clearTimeout(timer);
          server.close();
          server.closeAllConnections();
        }
      });
      if (opts.json) printJson(result);
      else console.log(`Connected ${result.companyId} to QuickBooks company ${result.realmId}.`);
      process.exitCode = exitCodes.ok;
    });
}
