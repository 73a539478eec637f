// The HTML shell of a stand-in's own pages (sign-in, consent, errors), styled like the service
// it stands in for. Values are escaped by hono/html; only the style sheet is raw.
import type { Context } from 'hono';
import { html, raw } from 'hono/html';

export type Html = ReturnType<typeof html>;

export function pageKit(style: string) {
  function page(title: string, body: Html): Html {
    return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>${raw(style)}</style>
  </head>
  <body>
    <main>${body}</main>
  </body>
</html>`;
  }

  function errorPage(
    c: Context,
    title: string,
    message: string,
    status: 400 | 403 = 400,
  ): Response | Promise<Response> {
    return c.html(page(title, html`<h1>${title}</h1><p class="error" id="error">${message}</p>`), status);
  }

  return { page, errorPage };
}
