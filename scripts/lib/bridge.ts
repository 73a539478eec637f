import { join } from 'node:path';
import { type Started, startProcess, waitForUrl } from './processes.ts';

const root = join(import.meta.dirname, '..', '..');

/** The stdio MCP server `npm run dev` puts behind the bridge: the SDK's reference server, from npm. */
export const EVERYTHING_SERVER = [
  process.execPath,
  join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'),
  'stdio',
];

export interface BridgeProcess extends Started {
  /** The bridge's MCP endpoint, `http://127.0.0.1:PORT/mcp`. */
  url: string;
  ready(timeoutMs?: number): Promise<void>;
}

/**
 * The stdio↔HTTP bridge (`container/bridge.ts`) as a local process in front of a stdio MCP server:
 * what the container runs, without the container.
 */
export function startBridge(options: {
  port: number;
  /** The stdio server's command line. */
  command: string[];
  token?: string;
  env?: Record<string, string>;
  quiet?: boolean;
}): BridgeProcess {
  const base = `http://127.0.0.1:${options.port}`;
  const started = startProcess(process.execPath, [join(root, 'container/bridge.ts'), '--', ...options.command], {
    label: 'bridge',
    env: {
      PORT: String(options.port),
      BRIDGE_HOST: '127.0.0.1',
      ...(options.token ? { BRIDGE_TOKEN: options.token } : {}),
      ...options.env,
    },
    quiet: options.quiet,
  });
  return {
    ...started,
    url: `${base}/mcp`,
    ready: (timeoutMs = 30_000) => waitForUrl(`${base}/health`, { timeoutMs, requireOk: true }),
  };
}
