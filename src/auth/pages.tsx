import type { ConsentDescription } from '@cloudflare/workers-oauth-provider';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Scope } from '../scopes';

/*
 * The server's HTML pages. hono/jsx escapes every interpolated string, which matters here:
 * client names, URIs and scopes come from dynamic registration or CIMD documents, so an
 * attacker chooses them.
 */

const STYLE = `
:root { color-scheme: light dark; --accent: #2d5bff; --muted: #666; --warn-bg: #fff4e5; --warn: #8a4b00; }
@media (prefers-color-scheme: dark) { :root { --muted: #aaa; --warn-bg: #3a2a10; --warn: #ffcf8a; } }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 1.5rem 1rem; }
main { max-width: 34rem; margin: 0 auto; }
h1 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 1rem; overflow-wrap: anywhere; }
h1.question { font-weight: 400; }
h1.question strong { font-weight: 700; }
p, li { overflow-wrap: anywhere; }
.muted { color: var(--muted); font-size: .92rem; }
.warn { background: var(--warn-bg); color: var(--warn); padding: .75rem 1rem; border-radius: .5rem; }
fieldset { border: 1px solid #8884; border-radius: .5rem; padding: .5rem 1rem; margin: 1rem 0; }
legend { font-weight: 600; padding: 0 .25rem; }
label { display: flex; gap: .6rem; align-items: flex-start; min-height: 2.75rem; padding: .4rem 0; cursor: pointer; }
label input { margin-top: .3rem; width: 1.1rem; height: 1.1rem; flex: none; }
.actions { display: flex; gap: .75rem; flex-wrap: wrap; margin-top: 1.25rem; }
button { font: inherit; padding: .65rem 1.4rem; border-radius: .5rem; border: 1px solid #8886; background: transparent; color: inherit; cursor: pointer; min-width: 8rem; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
code { overflow-wrap: anywhere; }
`;

function Layout({ title, children }: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{title}</title>
        <style>{raw(STYLE)}</style>
      </head>
      <body>
        <main>{children}</main>
      </body>
    </html>
  );
}

export interface ConsentPageProps {
  details: ConsentDescription;
  handle: string;
  offered: Scope[];
  /** How long a remembered approval lasts. */
  rememberDays: number;
  /** What each scope allows with this deployment's upstream. */
  scopeDescriptions: Record<Scope, string>;
  serverName: string;
  upstreamName: string;
}

export function ConsentPage({
  details,
  handle,
  offered,
  rememberDays,
  scopeDescriptions,
  serverName,
  upstreamName,
}: ConsentPageProps) {
  return (
    <Layout title={`Allow ${details.clientName}?`}>
      <h1 class="question">
        Allow <strong>{details.clientName}</strong> to use {serverName}?
      </h1>
      <p>
        {details.clientDomain ? (
          <>
            Published by <strong>{details.clientDomain}</strong>.
          </>
        ) : (
          <>This app registered itself: its name is not verified.</>
        )}{' '}
        Access will be sent to <strong>{details.redirectHost}</strong>.
      </p>
      {details.redirectIsLoopback ? (
        <p class="warn" role="alert">
          <strong>This sends access to an app on your computer.</strong> Continue only if you just started connecting
          from an app you trust, such as Claude Desktop, Cursor or MCP Inspector.
        </p>
      ) : null}
      <form method="post" action="/authorize">
        <input type="hidden" name="handle" value={handle} />
        <fieldset>
          <legend>It will be able to</legend>
          {offered.map((scope) => (
            <label>
              <input type="checkbox" name="scope" value={scope} checked />
              <span>
                {scopeDescriptions[scope]} <span class="muted">({scope})</span>
              </span>
            </label>
          ))}
        </fieldset>
        {/* Off by default: an approval belongs to this browser, not to a person (the server learns
            who signed in only afterwards), so on a shared computer a pre-ticked box would let the
            next person connect this app without seeing this page. Remembering is a choice. */}
        <label>
          <input type="checkbox" name="remember" value="yes" />
          <span>
            Remember this approval for {rememberDays} days in this browser{' '}
            <span class="muted">
              (this app can then connect again with the same access without asking you; you sign in to {upstreamName}{' '}
              each time)
            </span>
          </span>
        </label>
        <p class="muted">Next you sign in to {upstreamName}. You can disconnect the app at any time.</p>
        <div class="actions">
          <button class="primary" type="submit" name="decision" value="approve">
            Allow
          </button>
          <button type="submit" name="decision" value="deny">
            Deny
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function MessagePage({ title, message, hint }: { title: string; message: string; hint?: string }) {
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      <p>{message}</p>
      {hint ? <p class="muted">{hint}</p> : null}
    </Layout>
  );
}

export function HomePage({ publicUrl, upstreamName }: { publicUrl: string; upstreamName: string }) {
  return (
    <Layout title="Remote MCP server">
      <h1>Remote MCP server for {upstreamName}</h1>
      <p>
        Add this server to an MCP client (Claude, ChatGPT, Cursor, VS Code, MCP Inspector) with the URL{' '}
        <code>{publicUrl}/mcp</code> (legacy SSE clients: <code>{publicUrl}/sse</code>). The client will ask you to sign
        in with {upstreamName} and approve it.
      </p>
    </Layout>
  );
}
