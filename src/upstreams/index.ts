import type { Parsed, Settings } from '../settings';
import { databaseRequired } from '../tools/postgres/settings';
import { attioConfig, attioSettings, attioUpstream } from './attio';
import { githubConfig, githubSettings, githubUpstream } from './github';
import { oidcUpstream } from './oidc';
import {
  accessConfig,
  accessSettings,
  genericOidcConfig,
  genericOidcSettings,
  supabaseConfig,
  supabaseSettings,
} from './oidc-presets';
import type { AnyUpstream } from './upstream';

/** One upstream as configuration sees it: its settings, its config from them, the upstream from that. */
interface UpstreamModule<S extends Settings, C> {
  settings: S;
  /** Checks across settings (one of two must be set), reported on /health beside the settings' own. */
  verify?(values: Parsed<S>): { checks: Record<string, boolean>; problems: string[] };
  config(values: Parsed<S>, timeoutMs: number): C;
  create(config: C): AnyUpstream;
}
const upstreamModule = <S extends Settings, C>(module: UpstreamModule<S, C>) => module;

/** Every upstream a deployment can choose with `UPSTREAM`; adding one is one line here (see upstream.ts). */
export const UPSTREAMS = {
  attio: upstreamModule({ settings: attioSettings, config: attioConfig, create: attioUpstream }),
  github: upstreamModule({ settings: githubSettings, config: githubConfig, create: githubUpstream }),
  access: upstreamModule({ settings: accessSettings, config: accessConfig, create: oidcUpstream }),
  supabase: upstreamModule({
    settings: supabaseSettings,
    verify: databaseRequired,
    config: supabaseConfig,
    create: oidcUpstream,
  }),
  oidc: upstreamModule({ settings: genericOidcSettings, config: genericOidcConfig, create: oidcUpstream }),
};

export type UpstreamId = keyof typeof UPSTREAMS;
export const UPSTREAM_IDS = Object.keys(UPSTREAMS) as UpstreamId[];

/** The chosen upstream's configuration, tagged with its id. */
export type UpstreamConfig = {
  [Id in UpstreamId]: { id: Id } & ReturnType<(typeof UPSTREAMS)[Id]['config']>;
}[UpstreamId];

/** The one upstream this deployment signs users in with, chosen by `UPSTREAM`. */
export function activeUpstream(config: UpstreamConfig): AnyUpstream {
  // Each config is tagged with the id of the module that made it, so the pairing is sound.
  const module = UPSTREAMS[config.id] as unknown as UpstreamModule<Settings, UpstreamConfig>;
  return module.create(config);
}
