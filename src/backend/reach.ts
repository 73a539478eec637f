import { type Container, getContainer } from '@cloudflare/containers';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { BackendConfig } from './settings';

/**
 * How the Worker reaches the backend, by kind: the network (`url`), another Worker through a
 * service binding (`service`), or the bridge in a Cloudflare Container, started on demand by its
 * Durable Object (`container`): one for the deployment, or one per user when configured. The
 * bindings were checked at start-up (`checkBackend`), so they are present here.
 */
export function backendFetch(config: BackendConfig, env: object, userId: string): FetchLike {
  const bindings = env as { BACKEND_SERVICE?: Fetcher; BACKEND_CONTAINER?: DurableObjectNamespace<Container> };
  switch (config.kind) {
    case 'url':
      return (input, init) => fetch(input, init);
    case 'service': {
      const service = bindings.BACKEND_SERVICE;
      return (input, init) => (service ? service.fetch(input, init) : missing());
    }
    case 'container': {
      const namespace = bindings.BACKEND_CONTAINER;
      const name = config.containerPer === 'user' ? `user:${userId}` : 'deployment';
      return (input, init) => (namespace ? getContainer(namespace, name).fetch(new Request(input, init)) : missing());
    }
  }
}

function missing(): Promise<Response> {
  return Promise.reject(new Error('The backend binding is missing; see /health.'));
}
