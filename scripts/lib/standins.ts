import { join } from 'node:path';
import { type Started, startProcess, waitForUrl } from './processes.ts';

const root = join(import.meta.dirname, '..', '..');

/** Each upstream's stand-in: where it runs, and the Worker settings that point at it. */
export const STANDINS = {
  attio: {
    script: 'test/standins/attio/server.ts',
    portVariable: 'ATTIO_STANDIN_PORT',
    port: 8789,
    ready: '/_standin/health',
    vars: (base: string) => ({
      ATTIO_AUTHORIZE_URL: `${base}/authorize`,
      ATTIO_TOKEN_URL: `${base}/oauth/token`,
      ATTIO_API_URL: base,
    }),
    signIn: 'sign in with any email, e.g. demo@example.com',
  },
  github: {
    script: 'test/standins/github/server.ts',
    portVariable: 'GITHUB_STANDIN_PORT',
    port: 8790,
    ready: '/_standin/health',
    vars: (base: string) => ({
      GITHUB_CLIENT_ID: 'dev-github-client',
      GITHUB_CLIENT_SECRET: 'dev-github-secret',
      GITHUB_AUTHORIZE_URL: `${base}/login/oauth/authorize`,
      GITHUB_TOKEN_URL: `${base}/login/oauth/access_token`,
      GITHUB_API_URL: base,
    }),
    signIn: 'sign in with a login, e.g. octocat',
  },
  access: {
    script: 'test/standins/access/server.ts',
    portVariable: 'ACCESS_STANDIN_PORT',
    port: 8791,
    ready: '/_standin/health',
    vars: (base: string) => ({
      ACCESS_CLIENT_ID: 'dev-access-client',
      ACCESS_CLIENT_SECRET: 'dev-access-secret',
      ACCESS_ISSUER: `${base}/cdn-cgi/access/sso/oidc/dev-access-client`,
    }),
    signIn: 'sign in with an email, e.g. alice@example.com',
  },
} as const;

export type StandinName = keyof typeof STANDINS;

/** A stand-in's `server.ts` running as a Node process of its own, as `npm run dev` runs it. */
export interface StandinProcess extends Started {
  url: string;
  /** Resolves once its health check answers. */
  ready(timeoutMs?: number): Promise<void>;
}

export function startStandinProcess(
  name: StandinName,
  port: number,
  options: { env?: Record<string, string>; quiet?: boolean } = {},
): StandinProcess {
  const standin = STANDINS[name];
  const url = `http://127.0.0.1:${port}`;
  const started = startProcess(process.execPath, [join(root, standin.script)], {
    label: `${name}-standin`,
    env: { [standin.portVariable]: String(port), ...options.env },
    quiet: options.quiet,
  });
  return { ...started, url, ready: (timeoutMs = 30_000) => waitForUrl(`${url}${standin.ready}`, { timeoutMs }) };
}
