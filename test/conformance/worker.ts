import { McpSession } from '../../src/mcp/session';
import { registerConformanceFixtures } from './fixtures';

/**
 * The Worker as deployed, with the fixture tools, resources and prompts that the official MCP
 * conformance suite calls by name added to every session: `npm run conformance` runs it with
 * test/conformance/wrangler.jsonc, so the suite exercises the real transports, sessions and
 * sign-in, and the deployed bundle holds none of it.
 */
export { default } from '../../src/index';

export class ConformanceSession extends McpSession {
  override async init(): Promise<void> {
    // Before the server connects: the capabilities the fixtures add (logging, resource
    // subscriptions, completions) must be declared before `initialize` is answered.
    registerConformanceFixtures(this.server);
    await super.init();
  }
}
