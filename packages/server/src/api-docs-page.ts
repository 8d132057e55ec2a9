import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Json = Record<string, unknown>;

const methodColor: Record<string, string> = {
  get: "#0a7d32",
  post: "#1f5fbf",
  put: "#8a5a00",
  delete: "#b3261e",
};

function linkRefs(json: string): string {
  // After escaping: make "$ref": "#/components/schemas/X" a link to that schema's section.
  return json.replace(
    /&quot;#\/components\/schemas\/([A-Za-z0-9_]+)&quot;/g,
    (_m, id: string) => `&quot;<a href="#schema-${id}">#/components/schemas/${id}</a>&quot;`,
  );
}

const escape = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const pre = (v: unknown) => raw(`<pre>${linkRefs(escape(JSON.stringify(v, null, 2)))}</pre>`);

/**
 * The human docs at /api/docs: every endpoint with its parameters, body and answers, and every schema,
 * rendered here from the OpenAPI document (no script, no CDN: it works offline and prints).
 */
export function apiDocsPage(doc: Json): HtmlEscapedString | Promise<HtmlEscapedString> {
  const paths = doc["paths"] as Record<string, Record<string, Json>>;
  const schemas = (doc["components"] as { schemas: Record<string, unknown> }).schemas;
  const info = doc["info"] as { title: string; description: string };
  const byTag = new Map<string, { path: string; method: string; op: Json }[]>();
  for (const [path, ops] of Object.entries(paths))
    for (const [method, op] of Object.entries(ops)) {
      const tag = ((op["tags"] as string[] | undefined) ?? ["other"])[0]!;
      byTag.set(tag, [...(byTag.get(tag) ?? []), { path, method, op }]);
    }
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${info.title}</title>
        <style>
          body {
            font:
              15px/1.5 system-ui,
              sans-serif;
            margin: 2rem auto;
            max-width: 60rem;
            color: #1b1b1b;
            padding: 0 1rem;
          }
          code,
          pre {
            font:
              13px/1.4 ui-monospace,
              monospace;
          }
          pre {
            background: #f5f6f8;
            padding: 0.75rem;
            overflow-x: auto;
            border-radius: 4px;
          }
          .op {
            border: 1px solid #dde1e6;
            border-radius: 6px;
            padding: 0.5rem 1rem;
            margin: 1rem 0;
          }
          .method {
            font-weight: 700;
            text-transform: uppercase;
            color: #fff;
            padding: 0.1rem 0.5rem;
            border-radius: 3px;
          }
          table {
            border-collapse: collapse;
            width: 100%;
          }
          td,
          th {
            border-bottom: 1px solid #eee;
            text-align: left;
            padding: 0.25rem 0.5rem;
            vertical-align: top;
          }
          details > summary {
            cursor: pointer;
          }
        </style>
      </head>
      <body>
        <h1>${info.title}</h1>
        <p>${info.description}</p>
        <p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
        <nav>
          <ul>
            ${[...byTag.keys()].map((t) => html`<li><a href="#tag-${t}">${t}</a></li>`)}
            <li><a href="#schemas">schemas</a></li>
          </ul>
        </nav>
        ${[...byTag].map(
          ([tag, ops]) =>
            html`<h2 id="tag-${tag}">${tag}</h2>
              ${ops.map(({ path, method, op }) => {
                const params = (op["parameters"] as Json[] | undefined) ?? [];
                const body = op["requestBody"] as
                  { required: boolean; content: Record<string, { schema: unknown }> } | undefined;
                const responses = op["responses"] as Record<
                  string,
                  { description: string; content?: Record<string, { schema: unknown }> }
                >;
                return html`<section class="op" id="op-${String(op["operationId"])}">
                  <h3>
                    <span class="method" style="background:${methodColor[method] ?? "#555"}">${method}</span>
                    <code>${path}</code>
                  </h3>
                  <p><strong>${String(op["summary"] ?? "")}</strong></p>
                  ${op["description"] ? html`<p>${String(op["description"])}</p>` : ""}
                  ${
                    params.length === 0
                      ? ""
                      : html`<table>
                          <tr>
                            <th>parameter</th>
                            <th>in</th>
                            <th>required</th>
                            <th>schema</th>
                          </tr>
                          ${params.map(
                            (p) =>
                              html`<tr>
                                <td>
                                  <code>${String(p["name"])}</code
                                  >${p["description"] ? html`<br />${String(p["description"])}` : ""}
                                </td>
                                <td>${String(p["in"])}</td>
                                <td>${p["required"] ? "yes" : "no"}</td>
                                <td><code>${JSON.stringify(p["schema"])}</code></td>
                              </tr>`,
                          )}
                        </table>`
                  }
                  ${
                    body
                      ? html`<details open>
                          <summary>Request body (JSON${body.required ? "" : ", optional"})</summary>
                          ${pre(Object.values(body.content)[0]?.schema)}
                        </details>`
                      : ""
                  }
                  ${Object.entries(responses).map(
                    ([status, r]) =>
                      html`<details ${status.startsWith("2") ? "open" : ""}>
                        <summary>
                          ${status} — ${r.description}${r.content ? ` (${Object.keys(r.content)[0]})` : ""}
                        </summary>
                        ${r.content ? pre(Object.values(r.content)[0]?.schema) : ""}
                      </details>`,
                  )}
                </section>`;
              })}`,
        )}
        <h2 id="schemas">Schemas</h2>
        ${Object.entries(schemas).map(
          ([id, s]) =>
            html`<section id="schema-${id}">
              <h3><code>${id}</code></h3>
              ${pre(s)}
            </section>`,
        )}
      </body>
    </html>`;
}
