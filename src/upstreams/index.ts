import type { Config } from '../config';
import { attioUpstream } from './attio';

/** The one upstream this deployment signs users in with, chosen by `UPSTREAM`. */
export function activeUpstream(config: Config) {
  switch (config.upstream) {
    case 'attio':
      return attioUpstream(config.attio);
  }
}
