import {
  Client,
  type ElicitRequestParams,
  type ElicitResult,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { type Browser, followAuthorization, type Send } from './oauth-client';

/**
 * The SDK v2 client's OAuth provider, keeping in memory what a desktop client keeps on disk. The
 * person is the cookie-handling test `Browser`, signing in at the upstream as `identity`. With
 * `clientMetadataUrl` the client is a Client ID Metadata Document (no registration); without, it
 * registers (DCR), as older clients do.
 */
export class BrowserOAuthProviderV2 implements OAuthClientProvider {
  clientInfo?: StoredOAuthClientInformation;
  savedTokens?: StoredOAuthTokens;
  /** The authorization response (the redirect's query: `code`, `state`, `iss`), for `finishAuth`. */
  callback?: URLSearchParams;
  #verifier = '';
  readonly browser: Browser;
  readonly identity: string;
  readonly redirectUri: string;
  readonly clientMetadataUrl?: string;

  constructor(options: { browser: Browser; identity: string; redirectUri: string; clientMetadataUrl?: string }) {
    this.browser = options.browser;
    this.identity = options.identity;
    this.redirectUri = options.redirectUri;
    this.clientMetadataUrl = options.clientMetadataUrl;
  }

  get redirectUrl(): string {
    return this.redirectUri;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'SDK v2 test client',
      redirect_uris: [this.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.clientInfo;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.clientInfo = info;
  }
  tokens() {
    return this.savedTokens;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.savedTokens = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier;
  }
  async redirectToAuthorization(url: URL) {
    const { redirect } = await followAuthorization(this.browser, url.toString(), {
      redirectUri: this.redirectUri,
      email: this.identity,
    });
    this.callback = redirect.searchParams;
  }
}

/**
 * Connects as the SDK v2 client does, pinned to MCP 2026-07-28: a 401, the browser journey,
 * `finishAuth` with the whole authorization response (the SDK checks its `iss`, RFC 9207), then
 * a fresh transport.
 */
export async function connectV2WithOAuth(
  origin: string,
  provider: BrowserOAuthProviderV2,
  options: {
    send?: Send;
    onElicit?: (params: ElicitRequestParams) => ElicitResult | Promise<ElicitResult>;
  } = {},
): Promise<Client> {
  const send = options.send;
  const make = () =>
    new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), {
      authProvider: provider,
      fetch: send ? (input, init) => send(new Request(input, init)) : undefined,
    });
  const onElicit = options.onElicit;
  const newClient = () => {
    const client = new Client(
      { name: 'sdk-v2-e2e', version: '1.0.0' },
      {
        capabilities: onElicit ? { elicitation: { form: {} } } : {},
        versionNegotiation: { mode: { pin: '2026-07-28' } },
      },
    );
    if (onElicit) client.setRequestHandler('elicitation/create', (request) => onElicit(request.params));
    return client;
  };
  let transport = make();
  try {
    const client = newClient();
    await client.connect(transport);
    return client;
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || !provider.callback) throw error;
    await transport.finishAuth(provider.callback);
    provider.callback = undefined;
  }
  transport = make();
  const client = newClient();
  await client.connect(transport);
  return client;
}
