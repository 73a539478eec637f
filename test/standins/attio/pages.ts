// A minimal, read-only record page so that a record's `web_url` opens something
// when the stand-in's own origin is used as `baseUrl`.
import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { Store } from './store.ts';
import { renderValues } from './values.ts';

function summarize(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  const v: Record<string, unknown> = { ...value };
  delete v.active_from;
  delete v.active_until;
  delete v.created_by_actor;
  delete v.attribute_type;
  const nested = v.option ?? v.status;
  if (typeof nested === 'object' && nested !== null && 'title' in nested) return String(nested.title);
  if (typeof v.value !== 'undefined') return String(v.value);
  if (typeof v.full_name === 'string') return v.full_name;
  if (typeof v.currency_value === 'number') return `${v.currency_value} ${String(v.currency_code ?? '')}`.trim();
  if (typeof v.domain === 'string') return v.domain;
  if (typeof v.email_address === 'string') return v.email_address;
  if (typeof v.phone_number === 'string') return v.phone_number;
  if (typeof v.target_record_id === 'string') return `${String(v.target_object)}/${v.target_record_id}`;
  if (typeof v.referenced_actor_id === 'string') return v.referenced_actor_id;
  if (typeof v.locality === 'string')
    return [v.locality, v.region, v.country_code].filter((p) => typeof p === 'string').join(', ');
  return JSON.stringify(v);
}

/** `storeForSlug`: the workspace whose slug starts the page's path (each workspace's `web_url`s use its slug). */
export function registerRecordPage(app: Hono, storeForSlug: (slug: string) => Store | undefined): void {
  app.get('/:workspace/:segment/:record_id/overview', (c) => {
    const s = storeForSlug(c.req.param('workspace'));
    const record = s?.records.get(c.req.param('record_id'));
    if (!s || !record) return c.text('Not found', 404);
    const values = renderValues(s, { kind: 'object', id: record.object_id }, record);
    const rows = Object.entries(values)
      .filter(([, list]) => list.length > 0)
      .map(([slug, list]) => html`<tr><th>${slug}</th><td>${list.map(summarize).join('; ')}</td></tr>`);
    return c.html(html`<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>${s.recordText(record)} · ${s.workspace.name}</title></head>
  <body style="font-family: system-ui, sans-serif; margin: 2rem;">
    <p>${s.workspace.name} (Attio stand-in)</p>
    <h1>${s.recordText(record)}</h1>
    <table>${rows}</table>
  </body>
</html>`);
  });
}
