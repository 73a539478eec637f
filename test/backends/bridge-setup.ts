import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startBridge } from '../../scripts/lib/bridge.ts';
import { freePort } from '../../scripts/lib/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    bridgeUrl: string;
  }
}

export const BACKEND_TEST_TOKEN = 'backend-test-credential-0123456789';

/** The bridge in front of the fixture stdio server, as a process on loopback, for the `backend` project. */
export default async function setup(project: TestProject) {
  const bridge = startBridge({
    port: await freePort(),
    command: [process.execPath, join(import.meta.dirname, 'fixture-server.ts')],
    token: BACKEND_TEST_TOKEN,
    quiet: true,
  });
  await bridge.ready();
  project.provide('bridgeUrl', new URL(bridge.url).origin);
  return () => bridge.stop();
}
