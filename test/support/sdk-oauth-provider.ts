import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * The MCP SDK's OAuth client provider, keeping what a desktop client would keep on disk in
 * memory: a public client with a loopback redirect URI (RFC 8252), as mcp-remote registers.
 * Subclasses decide how the person goes through the authorize URL.
 */
export abstract class InMemoryOAuthProvider implements OAuthClientProvider {
  clientInfo?: OAuthClientInformationMixed;
  savedTokens?: OAuthTokens;
  #verifier = '';

  constructor(
    readonly redirectUrl: string,
    readonly clientName: string,
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.clientName,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.clientInfo;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.clientInfo = info;
  }
  tokens() {
    return this.savedTokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.savedTokens = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier;
  }
  abstract redirectToAuthorization(url: URL): Promise<void>;
}
