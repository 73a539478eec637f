import { createWorker } from '../../src/index';
import { McpSession } from '../../src/mcp/session';
import { registerConformanceFixtures } from './fixtures';
import { registerConformanceFixtures2026 } from './fixtures-2026';
import { requestStateCheck } from './fixtures-2026/request-state';

/**
 * The Worker as deployed, with the fixture tools, resources and prompts that the official MCP
 * conformance suite calls by name: added to every session (2025 revisions, SDK v1) and to each
 * request's server of the stateless 2026-07-28 lane (SDK v2). `npm run conformance` runs it with
 * test/conformance/wrangler.jsonc, so the suite exercises the real transports, sessions, lanes and
 * sign-in, and the deployed bundle holds none of it.
 */
export default createWorker({ extendServer: registerConformanceFixtures2026, requestState: requestStateCheck });

export class ConformanceSession extends McpSession {
  override async init(): Promise<void> {
    // Before the server connects: the capabilities the fixtures add (logging, resource
    // subscriptions, completions) must be declared before `initialize` is answered.
    registerConformanceFixtures(this.server);
    await super.init();
  }
}
