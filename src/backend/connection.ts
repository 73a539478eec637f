import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  McpError,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

/** What the session hears from the backend outside any request: its lists changed. */
export interface BackendEvents {
  /** Also called when a new backend session replaces one, which may offer other tools. */
  toolsChanged(): void;
  resourcesChanged(): void;
  promptsChanged(): void;
}

/**
 * A backend session unused this long is ended: its open notification stream would otherwise keep
 * the session's Durable Object awake (and billed) for as long as the client stays connected. The
 * next request opens a new one and tells the client the tool list may have changed.
 */
export const BACKEND_IDLE_MS = 5 * 60_000;

/** A backend session by what a later connection needs to go on with it. */
export interface BackendSession {
  id: string;
  protocolVersion: string;
}

/** The backend cannot be reached, or stopped answering: the user should try again later. */
export class BackendUnavailable extends Error {
  override readonly name = 'BackendUnavailable';
}

/**
 * The session's MCP client of the backend (the SDK's `Client` over streamable HTTP), opened on first
 * use and opened again when the backend forgets it: a backend that restarted answers 404 for the
 * old session (MCP: the client must then start a new one), which is retried once on a new session
 * (a 404 means the request was not processed). Any other failure closes the connection, so the next
 * request connects afresh and a backend's return is picked up. Every HTTP request carries the
 * headers of the call it serves (`serve`), and only those: never the client's.
 *
 * A session's connection lives as long as the session. The 2026-07-28 lane has no session: it
 * opens a connection per request that goes on with the backend session of an earlier request
 * (`resume`), and lets go of it at the end (`detach`) without ending that backend session.
 */
export class BackendConnection {
  #client: Promise<Client> | undefined;
  #opened = 0;
  #idle: ReturnType<typeof setTimeout> | undefined;
  #inFlight = 0;
  #resume: BackendSession | undefined;
  /** How the call being served reaches the backend, and the headers it carries (`serve`). */
  #route: { fetch: FetchLike; headers: Record<string, string> } = {
    fetch: (input, init) => fetch(input, init),
    headers: {},
  };

  constructor(
    private readonly options: {
      url: string;
      connectTimeoutMs: number;
      events: BackendEvents;
      /** How this server names itself to the backend. */
      clientInfo: { name: string; version: string };
      /** A backend session to go on with instead of opening one; a forgotten one is replaced. */
      resume?: BackendSession;
    },
  ) {
    this.#resume = options.resume;
  }

  /**
   * Set before each request it serves: how the call reaches the backend (a container may be per
   * user) and its headers (the identity, and the Worker's backend credential).
   */
  serve(route: { fetch: FetchLike; headers: Record<string, string> }): void {
    this.#route = route;
  }

  /** Runs `use` on a connected client; a forgotten session is replaced once and `use` run again. */
  async run<T>(use: (client: Client) => Promise<T>): Promise<T> {
    clearTimeout(this.#idle);
    this.#inFlight++;
    try {
      const opened = this.#connected();
      const client = await opened;
      try {
        return await use(client);
      } catch (error) {
        // The backend's own answer (an unknown tool, a bad argument) leaves the connection as it is.
        if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed) throw error;
        // Dropped at once, so the retry below (and any request after) connects afresh.
        if (this.#client === opened) this.#client = undefined;
        void client.transport?.close().catch(() => undefined);
        if (!isSessionGone(error)) throw error;
        return await use(await this.#connected());
      }
    } finally {
      if (--this.#inFlight === 0) this.#idle = setTimeout(() => void this.close(), BACKEND_IDLE_MS);
    }
  }

  /** The backend session in use, once one is open: what a later connection may `resume`. */
  async session(): Promise<BackendSession | undefined> {
    const transport = (await this.#client?.catch(() => undefined))?.transport;
    if (!(transport instanceof StreamableHTTPClientTransport)) return undefined;
    const { sessionId, protocolVersion } = transport;
    return sessionId && protocolVersion ? { id: sessionId, protocolVersion } : undefined;
  }

  /** Lets go of the connection and keeps the backend session (see `resume`). */
  async detach(): Promise<void> {
    clearTimeout(this.#idle);
    const client = await this.#client?.catch(() => undefined);
    this.#client = undefined;
    await client?.close().catch(() => undefined);
  }

  /** Ends the backend session (the session that owns it ended): MCP's DELETE, then the connection. */
  async close(): Promise<void> {
    clearTimeout(this.#idle);
    const client = await this.#client?.catch(() => undefined);
    this.#client = undefined;
    const transport = client?.transport;
    if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession().catch(() => undefined);
    await client?.close().catch(() => undefined);
  }

  #connected(): Promise<Client> {
    if (!this.#client) {
      const opening = this.#open();
      this.#client = opening;
      opening.catch(() => {
        if (this.#client === opening) this.#client = undefined;
      });
    }
    return this.#client;
  }

  async #open(): Promise<Client> {
    const { url, connectTimeoutMs, events, clientInfo } = this.options;
    const resume = this.#resume;
    this.#resume = undefined; // once: a session the backend forgot is replaced by a new one
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      sessionId: resume?.id,
      // The identity and credential of the call being served, over whatever the SDK sets.
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        for (const [name, value] of Object.entries(this.#route.headers)) headers.set(name, value);
        return this.#route.fetch(input, { ...init, headers });
      },
      // A dropped notification stream is reopened twice, then left: requests reconnect on their own.
      reconnectionOptions: {
        initialReconnectionDelay: 1000,
        maxReconnectionDelay: 10_000,
        reconnectionDelayGrowFactor: 2,
        maxRetries: 2,
      },
    });
    // No sampling, elicitation or roots: the backend's requests to a client are not passed on.
    const client = new Client(clientInfo);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => events.toolsChanged());
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => events.resourcesChanged());
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => events.promptsChanged());
    client.onclose = () => {
      void this.#forget(client);
    };
    try {
      // With a session id the SDK goes on with it, without `initialize`.
      await client.connect(transport, { timeout: connectTimeoutMs });
      if (resume) transport.setProtocolVersion(resume.protocolVersion);
    } catch (error) {
      await transport.close().catch(() => undefined);
      throw new BackendUnavailable(describe(error));
    }
    if (this.#opened++ > 0) events.toolsChanged();
    return client;
  }

  async #forget(client: Client): Promise<void> {
    if ((await this.#client?.catch(() => undefined)) === client) this.#client = undefined;
  }
}

/** The backend no longer knows the session (it restarted, or ended it): MCP's 404. */
function isSessionGone(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}

function describe(error: unknown): string {
  if (error instanceof StreamableHTTPError) return `HTTP ${error.code ?? 'error'}`;
  return error instanceof Error ? error.name : 'unknown';
}
