import type { AttioClient, AttributeParent } from '../../attio/client';
import type { SessionCache } from '../../mcp/session-cache';
import { ToolError } from '../../mcp/tool';

/** Workspace schema changes rarely; five minutes keeps a session fresh without re-asking Attio on every call. */
const SCHEMA_TTL_MS = 5 * 60_000;

/** One attribute, compactly: what a model needs to filter on it or write it. */
export interface AttributeInfo {
  slug: string;
  title: string;
  type: string;
  multi: boolean;
  writable: boolean;
  unique: boolean;
  required: boolean;
  /** Titles of a select's options or a status attribute's statuses (archived ones left out). */
  choices?: string[];
  /** Object slugs a record-reference attribute may point to. */
  targets?: string[];
}

export interface AttributeSet {
  parent: AttributeParent;
  attributes: AttributeInfo[];
  bySlug: Map<string, AttributeInfo>;
}

export interface ObjectInfo {
  slug: string;
  id: string;
  singular: string;
  plural: string;
}

/**
 * The workspace's objects, lists, attributes and members, read from Attio once per session and
 * kept in the session cache. Lookups that fail throw a `ToolError` naming what does exist, so
 * the model can correct itself on the next call.
 */
export class AttioCatalog {
  constructor(
    private readonly attio: AttioClient,
    private readonly cache: SessionCache,
  ) {}

  objects(): Promise<ObjectInfo[]> {
    return this.cache.remember('attio:objects', SCHEMA_TTL_MS, async () =>
      (await this.attio.objects()).data.map((o) => ({
        slug: o.api_slug,
        id: o.id.object_id,
        singular: o.singular_noun ?? o.api_slug,
        plural: o.plural_noun ?? o.api_slug,
      })),
    );
  }

  lists(): Promise<{ slug: string; name: string; parentObjects: string[] }[]> {
    return this.cache.remember('attio:lists', SCHEMA_TTL_MS, async () =>
      (await this.attio.lists()).data.map((l) => ({ slug: l.api_slug, name: l.name, parentObjects: l.parent_object })),
    );
  }

  /** The object with this slug (or plural/singular noun, any case), or a `ToolError` listing the objects. */
  async object(name: string): Promise<ObjectInfo> {
    const objects = await this.objects();
    const wanted = name.trim().toLowerCase();
    const found = objects.find((o) =>
      [o.slug, o.id, o.singular.toLowerCase(), o.plural.toLowerCase()].includes(wanted),
    );
    if (found) return found;
    throw new ToolError(
      `Unknown object "${name}". Objects in this workspace: ${objects.map((o) => o.slug).join(', ')}.`,
    );
  }

  async list(name: string): Promise<{ slug: string; name: string; parentObjects: string[] }> {
    const lists = await this.lists();
    const wanted = name.trim().toLowerCase();
    const found = lists.find((l) => l.slug === wanted || l.name.toLowerCase() === wanted);
    if (found) return found;
    throw new ToolError(
      `Unknown list "${name}". Lists in this workspace: ${lists.map((l) => `${l.slug} ("${l.name}")`).join(', ') || 'none'}.`,
    );
  }

  /** A list's saved views: titles and ids (an id filters entries as the view does). */
  views(list: string): Promise<{ id: string; title: string }[]> {
    return this.cache.remember(`attio:views:${list}`, SCHEMA_TTL_MS, async () =>
      (await this.attio.listViews(list)).data.map((v) => ({ id: v.id.view_id, title: v.title })),
    );
  }

  /** The view with this title (any case) or id, or a `ToolError` listing the list's views. */
  async view(list: string, name: string): Promise<{ id: string; title: string }> {
    const views = await this.views(list);
    const wanted = name.trim().toLowerCase();
    const found = views.find((v) => v.id === name || v.title.toLowerCase() === wanted);
    if (found) return found;
    throw new ToolError(
      `Unknown view "${name}" of ${list}. Views: ${views.map((v) => `"${v.title}"`).join(', ') || 'none'}.`,
    );
  }

  attributes(parent: AttributeParent): Promise<AttributeSet> {
    return this.cache.remember(`attio:attributes:${parent.kind}:${parent.slug}`, SCHEMA_TTL_MS, async () => {
      const [{ data }, objects] = await Promise.all([this.attio.attributes(parent), this.objects()]);
      const slugById = new Map(objects.map((o) => [o.id, o.slug]));
      const attributes = await Promise.all(
        data
          .filter((a) => !a.is_archived)
          .map(async (a): Promise<AttributeInfo> => {
            const info: AttributeInfo = {
              slug: a.api_slug,
              title: a.title,
              type: a.type,
              multi: a.is_multiselect,
              writable: a.is_writable ?? true,
              unique: a.is_unique ?? false,
              required: a.is_required ?? false,
            };
            if (a.type === 'select' || a.type === 'status') {
              const kind = a.type === 'select' ? 'options' : 'statuses';
              const choices = await this.attio.attributeChoices(parent, a.api_slug, kind);
              info.choices = choices.data.filter((c) => !c.is_archived).map((c) => c.title);
            }
            const allowed = a.config?.record_reference?.allowed_object_ids;
            if (a.type === 'record-reference' && allowed) {
              info.targets = allowed.map((id) => slugById.get(id) ?? id);
            }
            return info;
          }),
      );
      return { parent, attributes, bySlug: new Map(attributes.map((a) => [a.slug, a])) };
    });
  }

  /** Workspace members: display names by id (owners, authors), and ids by email, name or id (writes). */
  members(): Promise<{ names: Map<string, string>; lookup: Map<string, string> }> {
    return this.cache.remember('attio:members', SCHEMA_TTL_MS, async () => {
      const names = new Map<string, string>();
      const lookup = new Map<string, string>();
      for (const m of (await this.attio.workspaceMembers()).data) {
        const id = m.id.workspace_member_id;
        const name = [m.first_name, m.last_name].filter(Boolean).join(' ');
        names.set(id, name || m.email_address || id);
        for (const key of [id, name, m.email_address]) if (key) lookup.set(key.toLowerCase(), id);
      }
      return { names, lookup };
    });
  }
}

/** The attribute with this slug, or a `ToolError` naming the closest slugs (models guess `email`, not `email_addresses`). */
export function requireAttribute(set: AttributeSet, slug: string): AttributeInfo {
  const found = set.bySlug.get(slug);
  if (found) return found;
  const byTitle = set.attributes.find((a) => a.title.toLowerCase() === slug.toLowerCase());
  if (byTitle) {
    throw new ToolError(`Unknown attribute "${slug}" on ${set.parent.slug}: use its slug "${byTitle.slug}".`);
  }
  throw new ToolError(
    `Unknown attribute "${slug}" on ${set.parent.slug}. Closest: ${closest(
      slug,
      set.attributes.map((a) => a.slug),
    ).join(', ')}. Call describe_object for them all.`,
  );
}

/** The candidates most like `input`: containment first, then edit distance. */
export function closest(input: string, candidates: readonly string[], count = 3): string[] {
  const needle = input.toLowerCase().replace(/[\s-]+/g, '_');
  const score = (candidate: string) => {
    if (candidate.includes(needle) || needle.includes(candidate)) return -1;
    return editDistance(needle, candidate);
  };
  return [...candidates].sort((a, b) => score(a) - score(b)).slice(0, count);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A select or status value given by title, matched case-insensitively; else the valid titles. */
export function requireChoice(attribute: AttributeInfo, given: unknown): string {
  const choices = attribute.choices ?? [];
  if (typeof given === 'string') {
    const wanted = given.trim().toLowerCase();
    const match =
      choices.find((c) => c.toLowerCase() === wanted) ??
      // "Won" for "Won 🎉": titles often carry an emoji the model leaves out.
      choices.find(
        (c) =>
          c
            .toLowerCase()
            .replace(/[^\p{L}\p{N} ]/gu, '')
            .trim() === wanted,
      );
    if (match) return match;
  }
  const kind = attribute.type === 'status' ? 'status' : 'option';
  throw new ToolError(
    `"${String(given)}" is not a ${kind} of ${attribute.slug}. Valid ${kind === 'status' ? 'statuses' : 'options'}: ${choices
      .map((c) => `"${c}"`)
      .join(', ')}.`,
  );
}
