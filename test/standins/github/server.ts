// Node entry point: `node test/standins/github/server.ts` serves the stand-in on
// 127.0.0.1:${GITHUB_STANDIN_PORT:-8790}. Extra redirect URIs for the default client
// come from GITHUB_STANDIN_REDIRECT_URIS (comma separated). Tests import
// startGitHubStandin({ port: 0 }) to get a random free port.
import { type Hosted, type HostOptions, hostStandin, listFromEnv, runWhenMain } from '../node-host.ts';
import { createGitHubStandin, type GitHubStandin, type GitHubStandinOptions } from './app.ts';

export type StartOptions = GitHubStandinOptions & HostOptions;
export type RunningStandin = Hosted<GitHubStandin>;

export function startGitHubStandin(options: StartOptions = {}): Promise<RunningStandin> {
  return hostStandin(createGitHubStandin(options), options, { port: 8790, label: 'github-standin' });
}

runWhenMain(import.meta.url, async () => {
  const port = Number(process.env.GITHUB_STANDIN_PORT ?? '8790');
  const running = await startGitHubStandin({
    port,
    redirectUris: listFromEnv('GITHUB_STANDIN_REDIRECT_URIS'),
    log: true,
  });
  console.log(`GitHub stand-in listening on ${running.url} (client_id dev-github-client)`);
  return running;
});
