import { freePort, type StackOptions, startWranglerDev } from './stack.ts';

/**
 * The stock template (bench/template/: OAuthProvider, a plain approve page, an McpAgent with one
 * `whoami` tool on `/mcp` and `/sse`), started for `npm run bench` exactly as the product is: the
 * real `wrangler dev` on a free loopback port with throwaway state, through the same launcher and
 * with the same options (no DevTools inspector, the caller's wrangler environment).
 */

export const TEMPLATE_CONFIG = 'bench/template/wrangler.jsonc';

export async function startTemplate(options: StackOptions): Promise<{ origin: string; stop(): Promise<void> }> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const worker = await startWranglerDev(
    port,
    { MCP_RESOURCE: origin },
    // The template has no /health: the OAuth server's metadata answers once the Worker is up.
    { ...options, config: TEMPLATE_CONFIG, readyPath: '/.well-known/oauth-authorization-server' },
  );
  return { origin, stop: worker.stop };
}
