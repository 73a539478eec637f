import { DurableObject } from 'cloudflare:workers';

/**
 * The product's Worker and session class, plus a stand-in for the backend container's Durable
 * Object: Containers cannot run here, so this object forwards to the same bridge, on loopback,
 * that the container would run. It lets the tests check how the Worker names and reaches a
 * container (one per deployment or per user), which is the Worker's part of the container path.
 */
export { default, McpSession } from '../../src/index';

export class BridgeContainerDouble extends DurableObject<{ BRIDGE_URL: string }> {
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const answer = await fetch(new URL(url.pathname + url.search, this.env.BRIDGE_URL), request);
    const headers = new Headers(answer.headers);
    // Which object answered, so a test can tell containers apart.
    headers.set('X-Container-Object', this.ctx.id.toString());
    return new Response(answer.body, { status: answer.status, headers });
  }
}
