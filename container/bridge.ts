/// <reference types="node" />
// A Node program (the container's), in a repository whose TypeScript defaults to the Workers runtime.
/**
 * A stdio MCP server behind MCP streamable HTTP, for the Worker to reach as its backend.
 *
 *   node bridge.ts -- <command> [args…]        e.g. node bridge.ts -- npx -y some-mcp-server
 *
 * Each MCP session gets a child process of its own, started by the `initialize` request that
 * opens the session and given that request's user (below); the session ends with a DELETE, when
 * its child exits, or after BRIDGE_IDLE_SECONDS without a request. JSON-RPC messages pass through
 * unchanged: the bridge is a pipe between two SDK transports, not an MCP server itself.
 *
 * Settings (environment):
 *   PORT                 port to listen on (default 8080)
 *   BRIDGE_HOST          address to listen on (default 0.0.0.0, for a container; 127.0.0.1 locally)
 *   BRIDGE_TOKEN         shared secret: every request but GET /health must carry
 *                        `Authorization: Bearer <BRIDGE_TOKEN>`; unset, any caller is trusted
 *   BRIDGE_MAX_SESSIONS  most sessions (child processes) at once (default 32); beyond, 503
 *   BRIDGE_IDLE_SECONDS  a session idle this long is closed and its child stopped (default 600)
 *   BRIDGE_COMMAND       the command when none follows `--` (split on spaces)
 *
 * The user, from the headers the Worker sets after verifying them, reaches the child as
 * environment variables, each unset when its header is absent:
 *   X-MCP-User-Id        → MCP_USER_ID        opaque, stable
 *   X-MCP-User-Email     → MCP_USER_EMAIL
 *   X-MCP-User-Name      → MCP_USER_NAME      (percent-decoded)
 *   X-MCP-User-Groups    → MCP_USER_GROUPS    comma-separated, decoded except that a comma or `%`
 *                                             within a name stays encoded (%2C, %25): split on
 *                                             commas, then decodeURIComponent each, to be exact
 *   X-MCP-User-Login     → MCP_USER_LOGIN     GitHub login
 *   X-MCP-User-Orgs      → MCP_USER_ORGS      GitHub organisations, as groups
 *   X-MCP-User-Upstream  → MCP_USER_UPSTREAM  which sign-in verified them: access, github, attio…
 *   X-MCP-User-Scopes    → MCP_USER_SCOPES    space-separated
 * Otherwise the child inherits the bridge's environment, without BRIDGE_TOKEN.
 *
 * Endpoints: `/mcp` (and `/`) for MCP; `GET /health` → `{"status":"ok","sessions":n}`.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  isInitializeRequest,
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

const USAGE =
  'usage: node bridge.ts -- <command> [args…]   (or set BRIDGE_COMMAND; settings: see the top of bridge.ts)';
const MAX_BODY_BYTES = 4 * 1024 * 1024;

interface Settings {
  port: number;
  host: string;
  token: string | undefined;
  maxSessions: number;
  idleMs: number;
  command: string;
  args: string[];
}

function readSettings(argv: string[], env: NodeJS.ProcessEnv): Settings | string {
  const separator = argv.indexOf('--');
  if (separator > 0 || (separator === -1 && argv.length > 0)) {
    return `unexpected arguments before "--": ${argv.join(' ')}`;
  }
  const commandLine = separator === 0 ? argv.slice(1) : (env.BRIDGE_COMMAND ?? '').split(' ').filter(Boolean);
  const [command, ...args] = commandLine;
  if (!command) return 'no command: give the stdio MCP server to run after "--", or in BRIDGE_COMMAND';
  const port = wholeNumber(env.PORT, 8080);
  const maxSessions = wholeNumber(env.BRIDGE_MAX_SESSIONS, 32);
  const idleSeconds = wholeNumber(env.BRIDGE_IDLE_SECONDS, 600);
  if (port === undefined || port > 65535) return 'PORT must be a port number';
  if (!maxSessions) return 'BRIDGE_MAX_SESSIONS must be a whole number above 0';
  if (!idleSeconds) return 'BRIDGE_IDLE_SECONDS must be a whole number of seconds above 0';
  return {
    port,
    host: env.BRIDGE_HOST || '0.0.0.0',
    token: env.BRIDGE_TOKEN || undefined,
    maxSessions,
    idleMs: idleSeconds * 1000,
    command,
    args,
  };
}

function wholeNumber(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

// --- The user a session serves -------------------------------------------------------------

type Encoding = 'plain' | 'percent' | 'percent-if-valid' | 'list';
const IDENTITY: ReadonlyArray<readonly [header: string, variable: string, encoding: Encoding]> = [
  ['x-mcp-user-id', 'MCP_USER_ID', 'plain'],
  // The Worker percent-encodes an email only when it holds non-ASCII characters, and `%` is
  // legal in a plain one: decoded when it decodes, else taken as it is.
  ['x-mcp-user-email', 'MCP_USER_EMAIL', 'percent-if-valid'],
  ['x-mcp-user-name', 'MCP_USER_NAME', 'percent'],
  ['x-mcp-user-groups', 'MCP_USER_GROUPS', 'list'],
  ['x-mcp-user-login', 'MCP_USER_LOGIN', 'plain'],
  ['x-mcp-user-orgs', 'MCP_USER_ORGS', 'list'],
  ['x-mcp-user-upstream', 'MCP_USER_UPSTREAM', 'plain'],
  ['x-mcp-user-scopes', 'MCP_USER_SCOPES', 'plain'],
];

// Control characters would let a value forge lines in a child's logs, and NUL cannot be in an
// environment variable at all.
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

type IdentityEnv = { ok: true; env: Record<string, string> } | { ok: false; header: string };

/** The child's MCP_USER_* variables, or the header that cannot be used (answered 400). */
function identityEnv(request: IncomingMessage): IdentityEnv {
  const env: Record<string, string> = {};
  for (const [header, variable, encoding] of IDENTITY) {
    const raw = request.headers[header];
    if (typeof raw !== 'string' || raw === '') continue;
    const values =
      encoding === 'list' ? raw.split(',').map((item) => decoded(item.trim())) : [decodedAs(raw, encoding)];
    if (values.some((value) => value === undefined || hasControlCharacter(value))) return { ok: false, header };
    env[variable] = encoding === 'list' ? values.map(keepSeparable).join(',') : (values[0] ?? '');
  }
  return { ok: true, env };
}

/**
 * A list item as readable as can be, yet never splittable: were a group named "eng,admins" joined
 * as it is, a server splitting on commas would see its members in "admins".
 */
function keepSeparable(value: string | undefined): string {
  return (value ?? '').replaceAll('%', '%25').replaceAll(',', '%2C');
}

function decodedAs(raw: string, encoding: Encoding): string | undefined {
  if (encoding === 'plain') return raw;
  return encoding === 'percent-if-valid' ? (decoded(raw) ?? raw) : decoded(raw);
}

function decoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function userIdOf(request: IncomingMessage): string {
  const value = request.headers['x-mcp-user-id'];
  return typeof value === 'string' ? value : '';
}

// --- Sessions ------------------------------------------------------------------------------

interface Session {
  /** Set once the transport accepted the `initialize` request (the session exists for clients). */
  id: string | undefined;
  /** For logs: the first 8 characters of the session id. */
  label: string;
  /** The opener's X-MCP-User-Id: the session answers no one else. */
  userId: string;
  email: string | undefined;
  http: StreamableHTTPServerTransport;
  child: StdioClientTransport;
  /** The client's requests the child has not answered yet, with the progress token each gave. */
  inFlight: Map<RequestId, RequestId | undefined>;
  lastActiveAt: number;
  endReason: string | undefined;
  ended: Promise<void> | undefined;
}

/**
 * Notifications about the session as a whole, never about one request: they belong on the
 * standalone GET stream even while a request is in flight (the SDK's own servers send them so).
 */
const SESSION_WIDE = new Set([
  'notifications/tools/list_changed',
  'notifications/resources/list_changed',
  'notifications/prompts/list_changed',
  'notifications/resources/updated',
]);

function startBridge(settings: Settings): void {
  /** Every session, including those whose `initialize` is still on its way: they hold a child. */
  const live = new Set<Session>();
  const byId = new Map<string, Session>();
  const expectedToken = settings.token === undefined ? undefined : sha256(settings.token);
  // The secret that admits callers to the bridge is no business of the server behind it.
  const childEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0] !== 'BRIDGE_TOKEN' && entry[1] !== undefined,
    ),
  );

  function openSession(request: IncomingMessage, identity: Record<string, string>): Session {
    const child = new StdioClientTransport({
      command: settings.command,
      args: settings.args,
      env: { ...childEnv, ...identity },
      stderr: 'pipe',
    });
    // Chosen now so that the child's first lines on stderr already carry the session's label.
    const id = randomUUID();
    const session: Session = {
      id: undefined,
      label: id.slice(0, 8),
      userId: userIdOf(request),
      email: identity.MCP_USER_EMAIL,
      http: new StreamableHTTPServerTransport({
        sessionIdGenerator: () => id,
        onsessioninitialized: () => {
          session.id = id;
          byId.set(id, session);
          log(
            `session ${session.label} opened for user ${session.userId || '(none)'} ${session.email ?? ''} (${live.size} open)`,
          );
        },
        onsessionclosed: () => {
          session.endReason ??= 'the client ended it';
        },
      }),
      child,
      inFlight: new Map(),
      lastActiveAt: Date.now(),
      endReason: undefined,
      ended: undefined,
    };
    live.add(session);
    passStderrThrough(session);

    session.http.onmessage = (message) => {
      session.lastActiveAt = Date.now();
      if (isJSONRPCRequest(message)) session.inFlight.set(message.id, tokenOf(field(message.params, '_meta')));
      else if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
        // A cancelled request gets no answer (MCP cancellation), so it is no longer in flight.
        const cancelled = message.params?.requestId;
        if (typeof cancelled === 'string' || typeof cancelled === 'number') session.inFlight.delete(cancelled);
      }
      child
        .send(message)
        .catch((error: unknown) => log(`session ${session.label}: not passed to the server: ${describe(error)}`));
    };
    session.http.onerror = (error) => log(`session ${session.label}: ${error.message}`);
    session.http.onclose = () => void endSession(session, 'closed');
    child.onmessage = (message) => void deliver(session, message);
    child.onerror = (error) => log(`session ${session.label}: server process: ${error.message}`);
    child.onclose = () => void endSession(session, 'its server process exited');
    return session;
  }

  /** Ends a session once, whoever asks first: answers what is pending, closes its streams, stops its child. */
  function endSession(session: Session, reason: string): Promise<void> {
    if (session.ended) return session.ended;
    const why = session.endReason ?? reason;
    live.delete(session);
    if (session.id !== undefined) {
      byId.delete(session.id);
      log(`session ${session.label} ended: ${why} (user ${session.userId || '(none)'}, ${live.size} open)`);
    }
    session.ended = (async () => {
      // Without an answer, a client would wait out its own timeout for each request in flight.
      const message = `The MCP session ended before the server answered: ${why}`;
      await Promise.all(
        [...session.inFlight.keys()].map((id) =>
          session.http.send({ jsonrpc: '2.0', id, error: { code: -32603, message } }).catch(() => {}),
        ),
      );
      // The child stops as the MCP spec asks of a stdio client: stdin closed, then SIGTERM, then SIGKILL.
      await Promise.all([session.http.close(), session.child.close()]);
    })();
    return session.ended;
  }

  /**
   * The child's messages, to the HTTP stream the client expects them on. Responses go by id (the
   * transport keeps the POST stream of each request). Progress goes to the request that asked
   * for it; any other request or notification, while exactly one request is in flight, to that
   * request's stream (the spec has them "relate to the originating request", and a client always
   * reads a POST stream but need not open the GET stream); otherwise to the GET stream.
   */
  async function deliver(session: Session, message: JSONRPCMessage): Promise<void> {
    let related: RequestId | undefined;
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      if (message.id !== undefined) session.inFlight.delete(message.id);
      session.lastActiveAt = Date.now();
    } else {
      related = relatedRequest(session, message);
      if (related !== undefined) session.lastActiveAt = Date.now();
    }
    try {
      await session.http.send(message, related === undefined ? undefined : { relatedRequestId: related });
    } catch (error) {
      // The request's stream closed meanwhile (answered, or the client went away): a notification
      // or request can still reach the client on the GET stream; a response cannot.
      if (related === undefined) return log(`session ${session.label}: not delivered: ${describe(error)}`);
      await session.http.send(message).catch(() => {});
    }
  }

  function relatedRequest(session: Session, message: JSONRPCMessage): RequestId | undefined {
    if (!('method' in message) || SESSION_WIDE.has(message.method)) return undefined;
    if (message.method === 'notifications/progress') {
      const token = tokenOf(message.params);
      for (const [id, asked] of session.inFlight) if (asked !== undefined && asked === token) return id;
      return undefined;
    }
    if (session.inFlight.size !== 1) return undefined;
    const [only] = session.inFlight.keys();
    return only;
  }

  function passStderrThrough(session: Session): void {
    // A decoder, not chunk.toString(): a chunk can end inside a multi-byte character.
    const decoder = new StringDecoder('utf8');
    let pending = '';
    session.child.stderr?.on('data', (chunk: Buffer) => {
      const lines = (pending + decoder.write(chunk)).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) process.stderr.write(`[${session.label}] ${line}\n`);
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://bridge').pathname;
    if (path === '/health' && request.method === 'GET') {
      return sendJson(response, 200, { status: 'ok', sessions: live.size });
    }
    if (path !== '/mcp' && path !== '/') return refuse(response, 404, -32000, 'Not found: the MCP endpoint is /mcp');
    if (expectedToken !== undefined && !hasToken(request, expectedToken)) {
      return refuse(response, 401, -32000, 'Unauthorized', { 'www-authenticate': 'Bearer' });
    }
    // The bridge answers only the Worker. A browser's request (it carries Origin) is refused,
    // which stops a web page from reaching a bridge on a developer's loopback (DNS rebinding).
    if (request.headers.origin !== undefined) {
      return refuse(response, 403, -32000, 'Forbidden: browsers may not call the bridge');
    }

    let body: unknown;
    if (request.method === 'POST') {
      const text = await readBody(request, MAX_BODY_BYTES);
      if (text === undefined) {
        return refuse(response, 413, -32000, `Payload Too Large: at most ${MAX_BODY_BYTES} bytes`);
      }
      try {
        body = JSON.parse(text);
      } catch {
        return refuse(response, 400, -32700, 'Parse error: Invalid JSON');
      }
    }

    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId !== 'string') {
      const initialize = Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body);
      if (!initialize) {
        return refuse(response, 400, -32000, 'Bad Request: no Mcp-Session-Id; open a session with initialize');
      }
      return initializeSession(request, response, body);
    }
    const session = byId.get(sessionId);
    // 404 tells the client to start a new session (MCP streamable HTTP, session management).
    if (!session) return refuse(response, 404, -32001, 'Session not found');
    // A session is bound to the user who opened it: its child holds that user's identity.
    if (userIdOf(request) !== session.userId) {
      return refuse(response, 403, -32000, 'Forbidden: the session belongs to another user');
    }
    session.lastActiveAt = Date.now();
    await session.http.handleRequest(request, response, body);
  }

  async function initializeSession(request: IncomingMessage, response: ServerResponse, body: unknown): Promise<void> {
    if (live.size >= settings.maxSessions) {
      log(`refused a new session: ${live.size} open, BRIDGE_MAX_SESSIONS is ${settings.maxSessions}`);
      return refuse(response, 503, -32000, 'Service Unavailable: too many sessions, retry later', {
        'retry-after': '30',
      });
    }
    const identity = identityEnv(request);
    if (!identity.ok) {
      return refuse(response, 400, -32000, `Bad Request: the ${identity.header} header is not well-formed`);
    }
    const session = openSession(request, identity.env);
    try {
      await session.child.start();
    } catch (error) {
      log(`could not start ${settings.command}: ${describe(error)}`);
      await endSession(session, 'its server did not start');
      return refuse(response, 502, -32000, 'Bad Gateway: the MCP server could not be started');
    }
    await session.http.handleRequest(request, response, body);
    // The transport refused the initialize request (a bad Accept header, say): nothing to keep.
    if (session.id === undefined) await endSession(session, 'initialize refused');
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`request failed: ${describe(error)}`);
      if (!response.headersSent) refuse(response, 500, -32603, 'Internal error');
      else response.destroy();
    });
  });

  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const session of live) {
        if (session.id !== undefined && now - session.lastActiveAt > settings.idleMs) {
          void endSession(session, `idle for ${Math.round(settings.idleMs / 1000)} s`);
        }
      }
    },
    Math.min(30_000, Math.max(200, settings.idleMs / 4)),
  );
  sweep.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    // A second signal means "now".
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal}: stopping ${live.size} session(s)`);
    server.close();
    server.closeIdleConnections();
    await Promise.all([...live].map((session) => endSession(session, 'the bridge is stopping')));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  server.listen(settings.port, settings.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : settings.port;
    log(`listening on http://${settings.host}:${port}/mcp for: ${[settings.command, ...settings.args].join(' ')}`);
    if (expectedToken === undefined) {
      log('WARNING: BRIDGE_TOKEN is not set, so any caller that reaches this port is trusted with any identity');
    }
  });
}

// --- HTTP helpers --------------------------------------------------------------------------

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares digests, equal in length whatever was sent, in constant time (no timing oracle). */
function hasToken(request: IncomingMessage, expected: Buffer): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
  return match?.[1] !== undefined && timingSafeEqual(sha256(match[1]), expected);
}

/**
 * The body as text, or undefined once it exceeds `limit` bytes. The rest is then read and dropped
 * rather than left unread: a client still sending would otherwise see its connection reset (EPIPE)
 * instead of the 413. Only callers that passed the token check get this far.
 */
function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  if (Number(request.headers['content-length']) > limit) {
    request.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      request.off('data', onData);
      request.resume();
      resolve(undefined);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
}

/** `value.progressToken`, when `value` is an object holding one. */
function tokenOf(value: unknown): RequestId | undefined {
  const token = field(value, 'progressToken');
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
}

/** A refusal as the SDK's transport words its own: a JSON-RPC error without an id. */
function refuse(
  response: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function log(message: string): void {
  console.log(`[bridge] ${message}`);
}

const settings = readSettings(process.argv.slice(2), process.env);
if (typeof settings === 'string') {
  console.error(`bridge: ${settings}\n${USAGE}`);
  process.exit(2);
}
startBridge(settings);
