import { z } from 'zod';
import { defineTool, ToolError } from '../../mcp/tool';
import type { AttributeInfo } from './catalog';
import type { AttioToolContext } from './context';

const Attribute = z.object({
  slug: z.string(),
  type: z.string(),
  flags: z.array(z.enum(['multi', 'unique', 'required', 'read-only'])).optional(),
  choices: z.array(z.string()).optional(),
  targets: z.array(z.string()).optional(),
});

function compact(a: AttributeInfo): z.infer<typeof Attribute> {
  const flags = [a.multi && 'multi', a.unique && 'unique', a.required && 'required', !a.writable && 'read-only'].filter(
    (f): f is 'multi' | 'unique' | 'required' | 'read-only' => Boolean(f),
  );
  return {
    slug: a.slug,
    type: a.type,
    ...(flags.length ? { flags } : {}),
    ...(a.choices ? { choices: a.choices } : {}),
    ...(a.targets ? { targets: a.targets } : {}),
  };
}

function line(a: z.infer<typeof Attribute>): string {
  const extra = [
    ...(a.flags ?? []),
    a.choices && `one of: ${a.choices.join(' | ')}`,
    a.targets && `→ ${a.targets.join(', ')}`,
  ].filter(Boolean);
  return `- ${a.slug} (${a.type}${extra.length ? `; ${extra.join('; ')}` : ''})`;
}

export const describeObject = defineTool({
  name: 'describe_object',
  title: 'Describe an object',
  description:
    'The attributes of an object or list (slug, type, valid select and status titles; a list\'s saved views too); with no arguments, the objects and lists. Filters and values use slugs (email_addresses, not "email").',
  inputSchema: {
    object: z.string().optional().describe('Object slug, e.g. deals'),
    list: z.string().optional().describe('Or a list slug, e.g. sales_pipeline'),
  },
  outputSchema: {
    objects: z.array(z.unknown()).optional(),
    lists: z.array(z.unknown()).optional(),
    attributes: z.array(z.unknown()).optional().describe('slug, type, flags, choices, targets'),
    views: z.array(z.string()).optional(),
  },
  annotations: { readOnlyHint: true },
  scope: 'mcp:read',
  async handler({ object, list }, { catalog }: AttioToolContext) {
    if (object && list) throw new ToolError('Give either object or list, not both.');
    if (!object && !list) {
      const [objects, lists] = await Promise.all([catalog.objects(), catalog.lists()]);
      const structured = {
        objects: objects.map((o) => ({ slug: o.slug, name: o.plural })),
        lists: lists.map((l) => ({ slug: l.slug, name: l.name, parentObjects: l.parentObjects })),
      };
      return {
        structured,
        text: `Objects: ${structured.objects.map((o) => o.slug).join(', ')}.\nLists: ${
          structured.lists.map((l) => `${l.slug} (${l.name}, of ${l.parentObjects.join(', ')})`).join(', ') || 'none'
        }.`,
      };
    }
    const parent = object
      ? { kind: 'objects' as const, slug: (await catalog.object(object)).slug }
      : { kind: 'lists' as const, slug: (await catalog.list(list ?? '')).slug };
    const [set, views] = await Promise.all([
      catalog.attributes(parent),
      parent.kind === 'lists' ? catalog.views(parent.slug) : undefined,
    ]);
    const attributes = set.attributes.map(compact);
    const titles = views?.map((v) => v.title);
    return {
      structured: { attributes, ...(titles ? { views: titles } : {}) },
      text: `${parent.slug} attributes:\n${attributes.map(line).join('\n')}${
        titles ? `\nViews: ${titles.map((t) => `"${t}"`).join(', ') || 'none'}.` : ''
      }`,
    };
  },
});
