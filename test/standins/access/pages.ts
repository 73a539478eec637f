// Plain HTML pages (no JavaScript) for the stand-in's sign-in step.

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; background: #f6f7f9; margin: 0; }
main { max-width: 26rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
h1 { font-size: 1.3rem; margin-top: 0; }
label, input, button { display: block; width: 100%; box-sizing: border-box; font-size: 1rem; }
input { padding: .5rem; margin: .3rem 0 1rem; }
button { padding: .6rem; margin-top: .5rem; cursor: pointer; }
.error { color: #b00020; }
.hint { color: #555; font-size: .85rem; }
</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

export interface SignInPageInput {
  /** Who is asking: "Cloudflare Access", "Supabase Auth". */
  provider: string;
  action: string;
  clientName: string;
  scopes: string[];
  email?: string;
  error?: string;
  seedEmails: string[];
  /** Any email signs in (Access), or only the users listed (Supabase). */
  anyEmail: boolean;
}

export function signInPage(input: SignInPageInput): string {
  const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>\n` : '';
  const scopes = input.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ');
  const seeds = input.seedEmails.map((e) => `<code>${escapeHtml(e)}</code>`).join(', ');
  return layout(
    `Sign in · ${input.provider}`,
    `<h1>Sign in to ${escapeHtml(input.clientName)}</h1>
<p>${escapeHtml(input.provider)} (stand-in) will share your identity with this application: ${scopes}</p>
${error}<form method="post" action="${escapeHtml(input.action)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" value="${escapeHtml(input.email ?? '')}" autofocus>
<button type="submit" name="decision" value="allow">Sign in</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</form>
<p class="hint">${input.anyEmail ? 'Any email signs in. Seeded users' : 'Users'}: ${seeds}.</p>`,
  );
}

export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
