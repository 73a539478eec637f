import type { AttioToolContext } from './context';

/** An actor (who wrote a value, a comment) as a person reads it: a member's name, else what kind of actor it was. */
export async function actorNamer(context: AttioToolContext) {
  const { names } = await context.catalog.members();
  return (actor: { type?: string | null; id?: string | null } | undefined): string => {
    if (actor?.id && names.has(actor.id)) return names.get(actor.id) ?? actor.id;
    if (actor?.type === 'app' || actor?.type === 'api-token') return 'an integration';
    return actor?.type ?? 'unknown';
  };
}
