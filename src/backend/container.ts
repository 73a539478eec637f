import { Container } from '@cloudflare/containers';

/**
 * The backend MCP server as a Cloudflare Container (`container/Dockerfile`): a stdio MCP server
 * behind `container/bridge.ts`, which speaks MCP streamable HTTP on port 8080. The Worker reaches
 * it through the `BACKEND_CONTAINER` Durable Object binding; the bridge runs one child process
 * per MCP session, so one container serves many sessions.
 */
export class BackendContainer extends Container {
  override defaultPort = 8080;
  // The bridge closes an idle MCP session after 10 minutes (BRIDGE_IDLE_SECONDS); the container
  // sleeps after as long without any request, so a session left open never keeps it awake alone.
  override sleepAfter = '10m';
  // Where the class checks that the container is up: the bridge's /health, which needs no token.
  override pingEndpoint = 'container/health';
  // Read when the container starts: the Worker's BACKEND_TOKEN becomes the bridge's BRIDGE_TOKEN,
  // so the bridge refuses callers other than this Worker, should its port be reachable otherwise.
  override envVars = bridgeEnv(this.env);
}

function bridgeEnv(env: unknown): Record<string, string> {
  // The Worker may run without BACKEND_TOKEN (the bridge then trusts any caller and says so).
  const token = typeof env === 'object' && env !== null ? Reflect.get(env, 'BACKEND_TOKEN') : undefined;
  return typeof token === 'string' && token !== '' ? { BRIDGE_TOKEN: token } : {};
}
