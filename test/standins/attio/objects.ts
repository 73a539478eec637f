// /v2/objects and the attribute endpoints shared by objects and lists:
//   GET /v2/{objects|lists}/{id}/attributes[/{attribute}[/options|/statuses]]
import type { Hono } from 'hono';
import type { AppEnv } from './auth.ts';
import { jsonResponse } from './errors.ts';
import { paginate, param, queryBool, queryInt, type RouteDeps } from './http.ts';
import type { ParentRef } from './model.ts';
import { renderAttribute, renderObject, renderSelectOption, renderStatus } from './schema.ts';
import type { Store } from './store.ts';

function resolveParent(store: Store, target: 'objects' | 'lists', identifier: string): ParentRef {
  if (target === 'objects') return { kind: 'object', id: store.requireObject(identifier).id };
  return { kind: 'list', id: store.requireList(identifier).id };
}

export function registerObjectRoutes(api: Hono<AppEnv>, deps: RouteDeps): void {
  api.get('/objects', (c) => {
    const store = deps.store(c);
    return jsonResponse({ data: [...store.objects.values()].map((o) => renderObject(store, o)) });
  });

  api.get('/objects/:object', (c) => {
    const store = deps.store(c);
    return jsonResponse({ data: renderObject(store, store.requireObject(c.req.param('object'))) });
  });

  for (const target of ['objects', 'lists'] as const) {
    const base = `/${target}/:identifier/attributes`;

    api.get(base, (c) => {
      const store = deps.store(c);
      const parent = resolveParent(store, target, param(c, 'identifier'));
      const showArchived = queryBool(c, 'show_archived') ?? false;
      const offset = queryInt(c, 'offset', { fallback: 0, min: 0 });
      const limit = queryInt(c, 'limit', { fallback: 1000, min: 1 });
      const attributes = store.attributesOf(parent, showArchived);
      return jsonResponse({ data: paginate(attributes, offset, limit).map((a) => renderAttribute(store, a)) });
    });

    api.get(`${base}/:attribute`, (c) => {
      const store = deps.store(c);
      const parent = resolveParent(store, target, param(c, 'identifier'));
      return jsonResponse({ data: renderAttribute(store, store.requireAttribute(parent, param(c, 'attribute'))) });
    });

    // Select options; a status attribute keeps its values at /statuses and answers [] here.
    api.get(`${base}/:attribute/options`, (c) => {
      const store = deps.store(c);
      const parent = resolveParent(store, target, param(c, 'identifier'));
      const attribute = store.requireAttribute(parent, param(c, 'attribute'));
      const showArchived = queryBool(c, 'show_archived') ?? false;
      const data = attribute.options
        .map((option, index) =>
          showArchived || !option.is_archived ? renderSelectOption(store, attribute, index) : null,
        )
        .filter((o) => o !== null);
      return jsonResponse({ data });
    });

    api.get(`${base}/:attribute/statuses`, (c) => {
      const store = deps.store(c);
      const parent = resolveParent(store, target, param(c, 'identifier'));
      const attribute = store.requireAttribute(parent, param(c, 'attribute'));
      const showArchived = queryBool(c, 'show_archived') ?? false;
      const data = attribute.statuses
        .map((status, index) => (showArchived || !status.is_archived ? renderStatus(store, attribute, index) : null))
        .filter((s) => s !== null);
      return jsonResponse({ data });
    });
  }
}
