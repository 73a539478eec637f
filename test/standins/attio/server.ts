// Node entry point: `node test/standins/attio/server.ts` serves the stand-in on
// 127.0.0.1:${ATTIO_STANDIN_PORT:-8789}. Extra redirect URIs for the default client
// come from ATTIO_STANDIN_REDIRECT_URIS (comma separated); ATTIO_STANDIN_LOG=off drops the
// line per request (the benchmark); ATTIO_STANDIN_SEARCH_DELAY_MS sets the search lag (default
// 1000 ms, 0 = none). Tests import startAttioStandin({ port: 0 }) to get a
// random free port.
import { type Hosted, type HostOptions, hostStandin, listFromEnv, runWhenMain } from '../node-host.ts';
import { type AttioStandin, type AttioStandinOptions, createAttioStandin } from './app.ts';
import { SearchDelay } from './search-delay.ts';

export type StartOptions = AttioStandinOptions & HostOptions;
export type RunningStandin = Hosted<AttioStandin>;

export function startAttioStandin(options: StartOptions = {}): Promise<RunningStandin> {
  return hostStandin(createAttioStandin(options), options, { port: 8789, label: 'attio-standin' });
}

runWhenMain(import.meta.url, async () => {
  const port = Number(process.env.ATTIO_STANDIN_PORT ?? '8789');
  const running = await startAttioStandin({
    port,
    redirectUris: listFromEnv('ATTIO_STANDIN_REDIRECT_URIS'),
    log: process.env.ATTIO_STANDIN_LOG !== 'off',
    searchDelayMs: SearchDelay.fromEnv(process.env.ATTIO_STANDIN_SEARCH_DELAY_MS),
  });
  console.log(`Attio stand-in listening on ${running.url} (client_id dev-attio-client)`);
  return running;
});
