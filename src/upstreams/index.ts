import type { Config } from '../config';
import { accessUpstream } from './access';
import { attioUpstream } from './attio';
import { githubUpstream } from './github';
import type { AnyUpstream } from './upstream';

/** The one upstream this deployment signs users in with, chosen by `UPSTREAM`. */
export function activeUpstream(config: Config): AnyUpstream {
  const upstream = config.upstream;
  switch (upstream.id) {
    case 'attio':
      return attioUpstream(upstream);
    case 'github':
      return githubUpstream(upstream);
    case 'access':
      return accessUpstream(upstream);
  }
}
