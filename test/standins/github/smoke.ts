// Smoke test of the GitHub stand-in, outside the vitest suite:
//   node test/standins/github/smoke.ts
// Starts the server on a free port, signs in through the OAuth pages with plain
// fetch (forms read with a regex) and PKCE, then calls every endpoint and each
// error path. One line per check; exits 1 if any check fails.
import { createGitHubStandin } from './app.ts';
import { startGitHubStandin } from './server.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read loosely in the checks.
type Loose = any;

let failures = 0;
let passes = 0;

function check(name: string, condition: boolean, detail?: unknown): void {
  if (condition) {
    passes++;
    console.log(`ok   ${name}`);
  } else {
    failures++;
    console.log(
      `FAIL ${name}${detail === undefined ? '' : `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`,
    );
  }
}

function equal(name: string, actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(name, a === e, `expected ${e}, got ${a}`);
}

const UA = 'github-standin-smoke';
const REDIRECT = 'http://localhost:8788/callback';

const standin = await startGitHubStandin({ port: 0, redirectUris: ['http://127.0.0.1/native-cb'] });
const base = standin.url;

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The first <form>'s action and its hidden inputs. */
function readForm(page: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(page)?.[1];
  if (action === undefined) throw new Error(`no form in page: ${page.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    if (match[1] !== undefined && match[2] !== undefined) fields[match[1]] = unescapeHtml(match[2]);
  }
  return { action: unescapeHtml(action), fields };
}

async function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: b64url(new Uint8Array(digest)) };
}

interface FlowOptions {
  login: string;
  scope?: string;
  state?: string;
  challenge?: string;
  decision?: 'allow' | 'deny';
  redirectUri?: string;
  extra?: Record<string, string>;
}

/** Browser-less authorize flow: GET authorize, sign in, decide; returns the redirect Location. */
async function authorize(options: FlowOptions): Promise<URL> {
  const params = new URLSearchParams({ client_id: 'dev-github-client', ...options.extra });
  if (options.redirectUri !== '') params.set('redirect_uri', options.redirectUri ?? REDIRECT);
  if (options.scope !== undefined) params.set('scope', options.scope);
  if (options.state !== undefined) params.set('state', options.state);
  if (options.challenge !== undefined) {
    params.set('code_challenge', options.challenge);
    params.set('code_challenge_method', 'S256');
  }
  const first = await fetch(`${base}/login/oauth/authorize?${params}`);
  if (first.status !== 200) throw new Error(`authorize answered ${first.status}: ${await first.text()}`);
  const signIn = readForm(await first.text());
  const second = await post(signIn.action, { ...signIn.fields, login: options.login });
  const secondPage = await second.text();
  if (second.status !== 200) throw new Error(`sign-in answered ${second.status}: ${secondPage}`);
  const consent = readForm(secondPage);
  const third = await post(consent.action, { ...consent.fields, decision: options.decision ?? 'allow' });
  const location = third.headers.get('location');
  if (third.status !== 302 || location === null) throw new Error(`decision answered ${third.status}`);
  return new URL(location);
}

async function exchange(fields: Record<string, string>, accept = 'application/json') {
  const response = await post(
    '/login/oauth/access_token',
    { client_id: 'dev-github-client', client_secret: 'dev-github-secret', redirect_uri: REDIRECT, ...fields },
    { accept },
  );
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function api(path: string, token: string | null, init: RequestInit & { scheme?: string } = {}) {
  const headers = new Headers(init.headers);
  if (!headers.has('user-agent')) headers.set('user-agent', UA);
  if (!headers.has('accept')) headers.set('accept', 'application/vnd.github+json');
  if (token !== null) headers.set('authorization', `${init.scheme ?? 'Bearer'} ${token}`);
  const response = await fetch(`${base}${path}`, { ...init, headers, redirect: init.redirect ?? 'follow' });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as Loose };
}

async function control(path: string, body: unknown = {}) {
  const response = await fetch(`${base}/_standin/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Loose };
}

try {
  // ── Control plane ────────────────────────────────────────────────────────────
  equal('health', await (await fetch(`${base}/_standin/health`)).json(), { ok: true });

  // ── OAuth: authorize errors ──────────────────────────────────────────────────
  {
    const unknownClient = await fetch(
      `${base}/login/oauth/authorize?client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`,
      {
        redirect: 'manual',
      },
    );
    check(
      'authorize: unknown client → 400 page',
      unknownClient.status === 400 && (unknownClient.headers.get('content-type') ?? '').includes('text/html'),
    );
    const badRedirect = await fetch(
      `${base}/login/oauth/authorize?client_id=dev-github-client&redirect_uri=${encodeURIComponent('https://evil.example/callback')}&state=s1`,
      { redirect: 'manual' },
    );
    const badRedirectText = await badRedirect.text();
    check(
      'authorize: unregistered redirect_uri → 400 page, no redirect',
      badRedirect.status === 400 &&
        badRedirect.headers.get('location') === null &&
        badRedirectText.includes('The redirect_uri is not associated with this application.'),
      badRedirect.status,
    );
    const otherPath = await fetch(
      `${base}/login/oauth/authorize?client_id=dev-github-client&redirect_uri=${encodeURIComponent('http://localhost:8788/other')}`,
      { redirect: 'manual' },
    );
    check('authorize: path outside the callback → 400', otherPath.status === 400);
    const otherPort = await fetch(
      `${base}/login/oauth/authorize?client_id=dev-github-client&redirect_uri=${encodeURIComponent('http://localhost:9999/callback')}`,
      { redirect: 'manual' },
    );
    check('authorize: other port (not a loopback IP) → 400', otherPort.status === 400);
    const subdir = await fetch(
      `${base}/login/oauth/authorize?client_id=dev-github-client&redirect_uri=${encodeURIComponent('http://localhost:8788/callback/sub')}`,
    );
    check('authorize: sub-path of the callback is allowed (GitHub rule)', subdir.status === 200);
    const loopback = await fetch(
      `${base}/login/oauth/authorize?client_id=dev-github-client&redirect_uri=${encodeURIComponent('http://127.0.0.1:54321/native-cb')}`,
    );
    check('authorize: loopback IP callback with any port is allowed', loopback.status === 200);
    const plain = await fetch(
      `${base}/login/oauth/authorize?client_id=dev-github-client&redirect_uri=${encodeURIComponent(REDIRECT)}&state=s2&code_challenge=${'a'.repeat(43)}&code_challenge_method=plain`,
      { redirect: 'manual' },
    );
    const plainLocation = new URL(plain.headers.get('location') ?? 'http://x/');
    check(
      'authorize: code_challenge_method=plain → redirect error=invalid_request',
      plain.status === 302 &&
        plainLocation.origin + plainLocation.pathname === REDIRECT &&
        plainLocation.searchParams.get('error') === 'invalid_request' &&
        plainLocation.searchParams.get('state') === 's2',
      plain.headers.get('location'),
    );
    const page = await (
      await fetch(
        `${base}/login/oauth/authorize?client_id=dev-github-client&redirect_uri=${encodeURIComponent(REDIRECT)}&login=octocat`,
      )
    ).text();
    check(
      'authorize: sign-in form posts to /login/oauth/authorize/sign-in with a login input and Continue',
      page.includes('action="/login/oauth/authorize/sign-in"') &&
        /<input[^>]*name="login"[^>]*value="octocat"/.test(page) &&
        page.includes('>Continue</button>') &&
        !page.includes('<script'),
    );
  }

  // ── OAuth: the whole flow with PKCE ──────────────────────────────────────────
  const { verifier, challenge } = await pkcePair();
  const redirect = await authorize({
    login: 'octocat',
    scope: 'read:user user:email read:org repo',
    state: 'xyz 1',
    challenge,
  });
  const code = redirect.searchParams.get('code') ?? '';
  check(
    'flow: allow → 302 to redirect_uri with code and state',
    redirect.origin + redirect.pathname === REDIRECT && code !== '' && redirect.searchParams.get('state') === 'xyz 1',
    redirect.href,
  );

  const wrongVerifier = await exchange({ code, code_verifier: `${verifier}x` });
  equal(
    'token: wrong code_verifier → 200 bad_verification_code',
    [wrongVerifier.status, JSON.parse(wrongVerifier.text).error],
    [200, 'bad_verification_code'],
  );
  const noVerifier = await exchange({ code });
  equal(
    'token: missing code_verifier for a PKCE code → bad_verification_code',
    JSON.parse(noVerifier.text).error,
    'bad_verification_code',
  );
  const wrongSecret = await exchange({ code, code_verifier: verifier, client_secret: 'wrong' });
  equal(
    'token: wrong secret → 200 incorrect_client_credentials',
    [wrongSecret.status, JSON.parse(wrongSecret.text)],
    [
      200,
      {
        error: 'incorrect_client_credentials',
        error_description: 'The client_id and/or client_secret passed are incorrect.',
        error_uri:
          'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials',
      },
    ],
  );
  const wrongRedirect = await exchange({ code, code_verifier: verifier, redirect_uri: 'https://evil.example/cb' });
  equal(
    'token: unregistered redirect_uri → redirect_uri_mismatch',
    JSON.parse(wrongRedirect.text).error,
    'redirect_uri_mismatch',
  );
  const otherRegistered = await exchange({
    code,
    code_verifier: verifier,
    redirect_uri: 'http://127.0.0.1:8788/callback',
  });
  equal(
    'token: a different registered redirect_uri than the authorize one → redirect_uri_mismatch',
    JSON.parse(otherRegistered.text).error,
    'redirect_uri_mismatch',
  );
  const good = await exchange({ code, code_verifier: verifier });
  const goodJson = JSON.parse(good.text);
  check('token: JSON answer', good.status === 200 && good.type.startsWith('application/json'), good);
  check('token: access_token is gho_ + 36', /^gho_[A-Za-z0-9]{36}$/.test(goodJson.access_token), goodJson);
  equal(
    'token: token_type and comma-separated scope',
    [goodJson.token_type, goodJson.scope],
    ['bearer', 'read:user,user:email,read:org,repo'],
  );
  const reused = await exchange({ code, code_verifier: verifier });
  equal('token: code is single use → bad_verification_code', JSON.parse(reused.text).error, 'bad_verification_code');
  const unknownCode = await exchange({ code: 'deadbeef' });
  equal('token: unknown code → bad_verification_code', JSON.parse(unknownCode.text), {
    error: 'bad_verification_code',
    error_description: 'The code passed is incorrect or expired.',
    error_uri:
      'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code',
  });
  const octocat = goodJson.access_token as string;

  // Form-encoded answer (no Accept), normalized scopes, JSON request body, XML answer.
  const hubotRedirect = await authorize({ login: 'HUBOT', scope: 'repo,public_repo user:email', state: 'h' });
  const form = await exchange({ code: hubotRedirect.searchParams.get('code') ?? '' }, '*/*');
  const formParams = new URLSearchParams(form.text);
  check('token: default answer is form-encoded', form.type.startsWith('application/x-www-form-urlencoded'), form.type);
  equal(
    'token: form fields, scopes normalized (public_repo is in repo)',
    [formParams.get('token_type'), formParams.get('scope'), form.text.startsWith('access_token=gho_')],
    ['bearer', 'repo,user:email', true],
  );
  const hubot = formParams.get('access_token') ?? '';
  const formError = await exchange({ code: 'nope' }, '*/*');
  check(
    'token: errors are form-encoded too',
    formError.text.startsWith('error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.'),
    formError.text,
  );

  const strangerRedirect = await authorize({ login: 'stranger', scope: 'public_repo', redirectUri: '' });
  equal(
    'flow: omitted redirect_uri uses the first callback URL',
    strangerRedirect.origin + strangerRedirect.pathname,
    REDIRECT,
  );
  const jsonBody = await fetch(`${base}/login/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      client_id: 'dev-github-client',
      client_secret: 'dev-github-secret',
      code: strangerRedirect.searchParams.get('code'),
    }),
  });
  const jsonBodyAnswer = (await jsonBody.json()) as Loose;
  check(
    'token: JSON request body accepted',
    typeof jsonBodyAnswer.access_token === 'string' && jsonBodyAnswer.scope === 'public_repo',
    jsonBodyAnswer,
  );
  const stranger = jsonBodyAnswer.access_token as string;

  const xmlRedirect = await authorize({ login: 'mona', scope: 'user' });
  const xml = await exchange({ code: xmlRedirect.searchParams.get('code') ?? '' }, 'application/xml');
  check(
    'token: XML answer',
    xml.type.startsWith('application/xml') &&
      /^<OAuth><access_token>gho_\w+<\/access_token><scope>user<\/scope><token_type>bearer<\/token_type><\/OAuth>$/.test(
        xml.text,
      ),
    xml.text,
  );
  const mona = /<access_token>(\w+)<\/access_token>/.exec(xml.text)?.[1] ?? '';

  // Deny, expiry, sign-up rules.
  const denied = await authorize({ login: 'octocat', scope: 'repo', state: 'deny-state', decision: 'deny' });
  check(
    'flow: deny → access_denied with GitHub description, error_uri and state',
    denied.searchParams.get('error') === 'access_denied' &&
      denied.search.includes('error_description=The+user+has+denied+your+application+access.') &&
      denied.searchParams.get('error_uri') ===
        'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied' &&
      denied.searchParams.get('state') === 'deny-state' &&
      !denied.searchParams.has('code'),
    denied.href,
  );
  const expiring = await authorize({ login: 'octocat', scope: 'repo' });
  const realNow = standin.state.auth.now;
  standin.state.auth.now = () => realNow() + 11 * 60 * 1000;
  const expired = await exchange({ code: expiring.searchParams.get('code') ?? '' });
  standin.state.auth.now = realNow;
  equal(
    'token: code older than 10 minutes → bad_verification_code',
    JSON.parse(expired.text).error,
    'bad_verification_code',
  );

  const newcomerRedirect = await authorize({ login: 'new-person', scope: 'user:email' });
  const newcomer = JSON.parse((await exchange({ code: newcomerRedirect.searchParams.get('code') ?? '' })).text)
    .access_token as string;
  const newcomerUser = await api('/user', newcomer);
  const newcomerEmails = await api('/user/emails', newcomer);
  check(
    'flow: an unknown login becomes a new user',
    newcomerUser.status === 200 && newcomerUser.json.login === 'new-person' && newcomerUser.json.id === 2000001,
    newcomerUser.json,
  );
  equal('flow: the new user has a verified primary <login>@github.test', newcomerEmails.json[0], {
    email: 'new-person@github.test',
    primary: true,
    verified: true,
    visibility: 'private',
  });
  const noSignup = await fetch(`${base}/login/oauth/authorize?client_id=dev-github-client&allow_signup=false`);
  const noSignupForm = readForm(await noSignup.text());
  const noSignupAnswer = await post(noSignupForm.action, { ...noSignupForm.fields, login: 'someone-else' });
  check(
    'flow: allow_signup=false refuses an unknown login',
    noSignupAnswer.status === 400 && (await noSignupAnswer.text()).includes('does not allow sign-ups'),
  );
  const badLogin = await post('/login/oauth/authorize/sign-in', { client_id: 'dev-github-client', login: '-bad-' });
  check('flow: invalid login → 400 form with error', badLogin.status === 400);
  const usedTicket = await post('/login/oauth/authorize/decision', { ticket: 'nope', decision: 'allow' });
  check(
    'flow: unknown ticket → error page, no redirect',
    usedTicket.status === 400 && usedTicket.headers.get('location') === null,
  );

  // ── REST: transport rules ────────────────────────────────────────────────────
  const noUa = await createGitHubStandin().app.fetch(new Request('http://standin.test/user'));
  const noUaText = await noUa.text();
  check(
    'rest: no User-Agent (app.fetch) → 403 with GitHub text',
    noUa.status === 403 && noUaText.includes('Please make sure your request has a User-Agent header'),
    noUaText,
  );
  const emptyUa = await api('/user', octocat, { headers: { 'user-agent': '' } });
  check(
    'rest: empty User-Agent over HTTP → 403',
    emptyUa.status === 403 && emptyUa.text.startsWith('Request forbidden by administrative rules.'),
    emptyUa.status,
  );
  const noAuth = await api('/user', null);
  equal(
    'rest: no token on /user → 401 Requires authentication',
    [noAuth.status, noAuth.json],
    [
      401,
      {
        message: 'Requires authentication',
        documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
        status: '401',
      },
    ],
  );
  const badToken = await api('/user', 'gho_notatoken');
  equal(
    'rest: unknown token → 401 Bad credentials',
    [badToken.status, badToken.json],
    [401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }],
  );
  const badTokenPublic = await api('/repos/octocat/hello-world', 'gho_notatoken');
  check('rest: unknown token is 401 even on public data', badTokenPublic.status === 401);
  const anonymousPublic = await api('/repos/octocat/hello-world', null);
  check(
    'rest: anonymous read of a public repository works (60/h limit)',
    anonymousPublic.status === 200 && anonymousPublic.headers.get('x-ratelimit-limit') === '60',
  );
  const tokenScheme = await api('/user', octocat, { scheme: 'token' });
  check('rest: "Authorization: token …" accepted', tokenScheme.status === 200);
  const me = await api('/user', octocat);
  for (const header of [
    'x-ratelimit-limit',
    'x-ratelimit-remaining',
    'x-ratelimit-reset',
    'x-ratelimit-used',
    'x-ratelimit-resource',
  ]) {
    check(`rest: ${header} present`, me.headers.get(header) !== null);
  }
  equal(
    'rest: x-ratelimit-limit/resource for a user',
    [me.headers.get('x-ratelimit-limit'), me.headers.get('x-ratelimit-resource')],
    ['5000', 'core'],
  );
  equal(
    'rest: x-oauth-scopes lists the token scopes',
    me.headers.get('x-oauth-scopes'),
    'read:user, user:email, read:org, repo',
  );
  check('rest: x-github-request-id present', /^[0-9A-F:]+$/.test(me.headers.get('x-github-request-id') ?? ''));
  const before = Number(me.headers.get('x-ratelimit-remaining'));
  const after = Number((await api('/user', octocat)).headers.get('x-ratelimit-remaining'));
  equal('rest: x-ratelimit-remaining goes down', after, before - 1);
  const badVersion = await api('/user', octocat, { headers: { 'x-github-api-version': '2020-01-01' } });
  equal(
    'rest: unsupported X-GitHub-Api-Version → 400',
    [badVersion.status, badVersion.json.message],
    [400, 'API version 2020-01-01 is not supported.'],
  );
  const unknownPath = await api('/nope', octocat);
  equal(
    'rest: unknown path → 404 Not Found',
    [unknownPath.status, unknownPath.json],
    [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }],
  );

  // ── REST: users, emails, orgs ────────────────────────────────────────────────
  equal(
    'GET /user: octocat',
    [me.json.login, me.json.id, me.json.node_id, me.json.name, me.json.email, me.json.type],
    ['octocat', 583231, 'MDQ6VXNlcjU4MzIzMQ==', 'The Octocat', null, 'User'],
  );
  check(
    'GET /user: html_url and avatar_url',
    me.json.html_url === 'https://github.com/octocat' && String(me.json.avatar_url).includes('/u/583231'),
  );
  check(
    'GET /user: private fields with read:user',
    me.json.two_factor_authentication === true && typeof me.json.plan === 'object',
  );
  const hubotMe = await api('/user', hubot);
  equal(
    'GET /user: hubot public email, no private fields without user scope',
    [hubotMe.json.email, 'plan' in hubotMe.json],
    ['hubot@github.test', false],
  );
  const emails = await api('/user/emails', octocat);
  equal('GET /user/emails: octocat primary verified', emails.json[0], {
    email: 'octocat@github.test',
    primary: true,
    verified: true,
    visibility: 'private',
  });
  check(
    'GET /user/emails: includes the noreply address',
    emails.json.some((e: Loose) => e.email === '583231+octocat@users.noreply.github.test' && e.visibility === null),
  );
  const monaEmails = await api('/user/emails', mona);
  equal(
    'GET /user/emails: mona primary unverified (user scope covers user:email)',
    [monaEmails.status, monaEmails.json[0].verified, monaEmails.json[0].primary],
    [200, false, true],
  );
  const hubotEmails = await api('/user/emails', hubot);
  const noScopeEmails = await api('/user/emails', stranger);
  equal(
    'GET /user/emails: without user:email → 404',
    [noScopeEmails.status, noScopeEmails.json.message, noScopeEmails.headers.get('x-accepted-oauth-scopes')],
    [404, 'Not Found', 'user, user:email'],
  );
  check(
    'GET /user/emails: user:email scope is enough',
    hubotEmails.status === 200 && hubotEmails.json[0].email === 'hubot@github.test',
  );
  const orgs = await api('/user/orgs', octocat);
  equal(
    'GET /user/orgs: octocat',
    orgs.json.map((o: Loose) => [o.login, o.id]),
    [
      ['octo-org', 5000001],
      ['acme-dev', 5000002],
    ],
  );
  const hubotOrgs = await api('/user/orgs', hubot);
  equal(
    'GET /user/orgs: without read:org or user → 403',
    [hubotOrgs.status, hubotOrgs.json.message],
    [403, 'You need at least read:org scope or user scope to list your organizations.'],
  );
  const monaOrgs = await api('/user/orgs', mona);
  equal('GET /user/orgs: mona has none', [monaOrgs.status, monaOrgs.json], [200, []]);
  const members = await api('/orgs/octo-org/members', octocat);
  equal(
    'GET /orgs/octo-org/members: a member with read:org sees concealed members',
    members.json.map((m: Loose) => m.login),
    ['hubot', 'octocat'],
  );
  const strangerMembers = await api('/orgs/octo-org/members', stranger, { redirect: 'manual' });
  check(
    'GET /orgs/octo-org/members: non-member → 302 to public_members',
    strangerMembers.status === 302 &&
      (strangerMembers.headers.get('location') ?? '').endsWith('/orgs/octo-org/public_members'),
    strangerMembers.headers.get('location'),
  );
  const followed = await api('/orgs/octo-org/members', stranger);
  equal(
    'GET /orgs/octo-org/members: following the redirect gives public members only',
    followed.json.map((m: Loose) => m.login),
    ['octocat'],
  );
  const acmeMembers = await api('/orgs/acme-dev/members', stranger);
  equal('GET /orgs/acme-dev/members: concealed members hidden from non-members', acmeMembers.json, []);
  const unknownOrg = await api('/orgs/no-such-org/members', octocat);
  check('GET /orgs/{org}/members: unknown org → 404', unknownOrg.status === 404);
  const users = await api('/users/mona', stranger);
  equal(
    'GET /users/{username}',
    [users.json.login, users.json.id, users.json.name],
    ['mona', 1000101, 'Mona Lisa Octocat'],
  );
  const org = await api('/orgs/octo-org', stranger);
  equal('GET /orgs/{org}', [org.json.login, org.json.type, org.json.public_repos], ['octo-org', 'Organization', 0]);

  // ── REST: repositories ───────────────────────────────────────────────────────
  const allRepos: Loose[] = [];
  let next: string | null = `/user/repos?per_page=2`;
  let pages = 0;
  let firstLink = '';
  while (next !== null) {
    const page = await api(next, octocat);
    pages++;
    if (pages === 1) firstLink = page.headers.get('link') ?? '';
    allRepos.push(...page.json);
    const nextUrl = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    next = nextUrl ? nextUrl.slice(base.length) : null;
  }
  check(
    'GET /user/repos: Link header with next and last',
    firstLink.includes('rel="next"') &&
      firstLink.includes('rel="last"') &&
      firstLink.includes(`${base}/user/repos?per_page=2&page=2`),
    firstLink,
  );
  equal(
    'GET /user/repos: octocat sees 4 repositories, by full_name',
    allRepos.map((r) => r.full_name),
    ['acme-dev/website', 'octo-org/platform', 'octocat/hello-world', 'octocat/secret-plans'],
  );
  const helloListed = allRepos.find((r) => r.full_name === 'octocat/hello-world');
  equal(
    'GET /user/repos: repository fields',
    [
      helloListed.id,
      helloListed.private,
      helloListed.html_url,
      helloListed.description,
      helloListed.stargazers_count,
      helloListed.open_issues_count,
      helloListed.owner.login,
    ],
    [1296269, false, 'https://github.com/octocat/hello-world', 'My first repository on GitHub!', 1420, 3, 'octocat'],
  );
  const publicOnly = await api('/user/repos', standin.state.createToken('octocat', 'read:user'));
  equal(
    'GET /user/repos: no private repositories without the repo scope',
    publicOnly.json.map((r: Loose) => r.full_name),
    ['acme-dev/website', 'octocat/hello-world'],
  );
  const updated = await api('/user/repos?sort=updated&affiliation=owner', octocat);
  equal(
    'GET /user/repos: sort=updated&affiliation=owner',
    updated.json.map((r: Loose) => r.name),
    ['hello-world', 'secret-plans'],
  );
  const typeAndVisibility = await api('/user/repos?type=owner&visibility=public', octocat);
  check('GET /user/repos: type with visibility → 422', typeAndVisibility.status === 422);
  const secret = await api('/repos/octocat/secret-plans', octocat);
  equal(
    'GET /repos/{owner}/{repo}: private repository with repo scope',
    [secret.status, secret.json.private, secret.json.visibility, secret.json.permissions?.admin],
    [200, true, 'private', true],
  );
  const secretHidden = await api('/repos/octocat/secret-plans', stranger);
  equal(
    'GET /repos/{owner}/{repo}: private repository hidden → 404',
    [secretHidden.status, secretHidden.json.documentation_url],
    [404, 'https://docs.github.com/rest/repos/repos#get-a-repository'],
  );
  const platform = await api('/repos/OCTO-ORG/Platform', hubot);
  equal(
    'GET /repos/{owner}/{repo}: case-insensitive, org repo for a member',
    [platform.status, platform.json.full_name, platform.json.organization?.login, platform.json.permissions?.push],
    [200, 'octo-org/platform', 'octo-org', true],
  );

  // ── REST: issues and comments ────────────────────────────────────────────────
  const issue2 = await api('/repos/octocat/hello-world/issues/2', octocat);
  equal(
    'GET issue: hello-world#2',
    [issue2.json.number, issue2.json.title, issue2.json.state, issue2.json.comments, issue2.json.user.login],
    [2, 'Login button does not respond on Safari', 'open', 4, 'hubot'],
  );
  equal(
    'GET issue: labels and assignees',
    [issue2.json.labels.map((l: Loose) => l.name), issue2.json.assignees.map((a: Loose) => a.login)],
    [['bug', 'help wanted'], ['octocat']],
  );
  check(
    'GET issue: not a pull request',
    !('pull_request' in issue2.json) && issue2.json.html_url === 'https://github.com/octocat/hello-world/issues/2',
  );
  const pr3 = await api('/repos/octocat/hello-world/issues/3', octocat);
  check(
    'GET issue: a pull request has pull_request and /pull/ html_url',
    typeof pr3.json.pull_request === 'object' &&
      pr3.json.html_url === 'https://github.com/octocat/hello-world/pull/3' &&
      pr3.json.draft === false,
  );
  const closed6 = await api('/repos/octocat/hello-world/issues/6', octocat);
  equal(
    'GET issue: closed not_planned with closed_by',
    [closed6.json.state, closed6.json.state_reason, closed6.json.closed_by?.login],
    ['closed', 'not_planned', 'octocat'],
  );
  const missingIssue = await api('/repos/octocat/hello-world/issues/999', octocat);
  check(
    'GET issue: unknown number → 404',
    missingIssue.status === 404 &&
      missingIssue.json.documentation_url === 'https://docs.github.com/rest/issues/issues#get-an-issue',
  );
  const privateIssue = await api('/repos/octocat/secret-plans/issues/1', stranger);
  check('GET issue: in a private repository without access → 404', privateIssue.status === 404);
  const comments = await api('/repos/octocat/hello-world/issues/2/comments?per_page=3', octocat);
  equal(
    'GET comments: per_page=3 of 4',
    [comments.status, comments.json.length, comments.json[0].user.login, comments.json[0].author_association],
    [200, 3, 'octocat', 'OWNER'],
  );
  check(
    'GET comments: Link rel=next',
    (comments.headers.get('link') ?? '').includes('page=2>; rel="next"'),
    comments.headers.get('link'),
  );
  const comments2 = await api('/repos/octocat/hello-world/issues/2/comments?per_page=3&page=2', octocat);
  equal(
    'GET comments: page 2',
    comments2.json.map((c: Loose) => c.body),
    ['Thanks! Linking #3.'],
  );
  const openIssues = await api('/repos/octocat/hello-world/issues?state=open', octocat);
  equal(
    'GET repo issues: open ones, newest first',
    openIssues.json.map((i: Loose) => i.number),
    [4, 3, 2],
  );

  // ── REST: search ─────────────────────────────────────────────────────────────
  const search = async (q: string, token: string | null = octocat, extra = '') =>
    api(`/search/issues?q=${encodeURIComponent(q)}${extra}`, token);
  const safari = await search('safari');
  equal(
    'search: free word (title/body/comments)',
    [safari.json.total_count, safari.json.incomplete_results, safari.json.items.map((i: Loose) => i.number).sort()],
    [2, false, [2, 3]],
  );
  equal(
    'search: x-ratelimit-resource search, limit 30',
    [safari.headers.get('x-ratelimit-resource'), safari.headers.get('x-ratelimit-limit')],
    ['search', '30'],
  );
  check(
    'search: items carry score and pull_request for PRs',
    safari.json.items.every((i: Loose) => typeof i.score === 'number') &&
      safari.json.items.some((i: Loose) => i.pull_request),
  );
  const openPrs = await search('is:pr is:open repo:octocat/hello-world');
  equal(
    'search: is:pr is:open repo:',
    openPrs.json.items.map((i: Loose) => i.title),
    ['Fix Safari click handler'],
  );
  const bugIssues = await search('label:bug is:issue');
  equal('search: label:bug is:issue', bugIssues.json.total_count, 3);
  const byHubot = await search('author:hubot');
  equal('search: author:hubot', byHubot.json.total_count, 4);
  const assigned = await search('assignee:@me is:open');
  equal('search: assignee:@me is:open', assigned.json.total_count, 4);
  const orgSearch = await search('org:octo-org');
  equal('search: org:octo-org (private repo, repo scope)', orgSearch.json.total_count, 4);
  const orgHidden = await search('is:issue', stranger);
  check(
    'search: private issues hidden without access',
    orgHidden.json.items.every(
      (i: Loose) =>
        !String(i.repository_url).includes('octo-org') && !String(i.repository_url).includes('secret-plans'),
    ),
  );
  const phrase = await search('"rate limiter" in:title');
  equal(
    'search: "phrase" in:title',
    phrase.json.items.map((i: Loose) => i.title),
    ['API rate limiter drops requests under load'],
  );
  const inTitle = await search('passive in:title');
  equal('search: in:title excludes body matches', inTitle.json.total_count, 0);
  const closed = await search('is:closed user:octocat');
  equal('search: is:closed user:octocat', closed.json.total_count, 4);
  const negated = await search('repo:octocat/hello-world -label:bug is:issue');
  equal('search: -label:', negated.json.items.map((i: Loose) => i.number).sort(), [1, 4, 6]);
  const labelQuoted = await search('label:"help wanted"');
  equal(
    'search: label with a space',
    labelQuoted.json.items.map((i: Loose) => i.number),
    [2],
  );
  const sorted = await search('repo:octocat/hello-world', octocat, '&sort=created&order=asc&per_page=2');
  equal(
    'search: sort=created&order=asc&per_page=2',
    sorted.json.items.map((i: Loose) => i.number),
    [1, 6],
  );
  check('search: Link header on a paged search', (sorted.headers.get('link') ?? '').includes('rel="last"'));
  const empty = await search('');
  equal(
    'search: empty q → 422 missing',
    [empty.status, empty.json],
    [
      422,
      {
        message: 'Validation Failed',
        errors: [{ resource: 'Search', field: 'q', code: 'missing' }],
        documentation_url: 'https://docs.github.com/v3/search',
        status: '422',
      },
    ],
  );
  const hiddenRepo = await search('repo:octocat/secret-plans', stranger);
  equal(
    'search: repo: the caller cannot see → 422 invalid',
    [hiddenRepo.status, hiddenRepo.json.errors?.[0]?.code],
    [422, 'invalid'],
  );
  const anonymousSearch = await search('dark mode', null);
  equal(
    'search: anonymous search of public issues',
    [anonymousSearch.status, anonymousSearch.json.total_count, anonymousSearch.headers.get('x-ratelimit-limit')],
    [200, 1, '10'],
  );
  const created = await search('created:>=2026-02-01 repo:octocat/hello-world');
  equal('search: created:>= range', created.json.total_count, 3);

  // ── REST: create an issue ────────────────────────────────────────────────────
  const create = (repo: string, body: unknown, token: string) =>
    api(`/repos/${repo}/issues`, token, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const newIssue = await create(
    'octocat/hello-world',
    { title: 'Smoke test issue', body: 'Made by smoke.ts', labels: ['bug', 'new-label'], assignees: ['hubot'] },
    octocat,
  );
  equal(
    'POST issue: 201 with number 7, labels (unknown one created), assignee',
    [
      newIssue.status,
      newIssue.json.number,
      newIssue.json.labels.map((l: Loose) => l.name),
      newIssue.json.assignees.map((a: Loose) => a.login),
      newIssue.json.user.login,
    ],
    [201, 7, ['bug', 'new-label'], ['hubot'], 'octocat'],
  );
  check(
    'POST issue: Location header',
    newIssue.headers.get('location') === `${base}/repos/octocat/hello-world/issues/7`,
    newIssue.headers.get('location'),
  );
  const readBack = await api('/repos/octocat/hello-world/issues/7', octocat);
  equal('POST issue: readable afterwards', readBack.json.title, 'Smoke test issue');
  const badAssignee = await create('octocat/hello-world', { title: 'x', assignees: ['stranger'] }, octocat);
  equal(
    'POST issue: unassignable user → 422 Validation Failed',
    [badAssignee.status, badAssignee.json.message, badAssignee.json.errors],
    [422, 'Validation Failed', [{ value: 'stranger', resource: 'Issue', field: 'assignees', code: 'invalid' }]],
  );
  const noTitle = await create('octocat/hello-world', { body: 'no title' }, octocat);
  equal(
    'POST issue: missing title → 422 Invalid request',
    [noTitle.status, noTitle.json.message],
    [422, 'Invalid request.\n\n"title" wasn\'t supplied.'],
  );
  const blankTitle = await create('octocat/hello-world', { title: '  ' }, octocat);
  equal(
    'POST issue: blank title → 422 missing_field',
    [blankTitle.status, blankTitle.json.errors],
    [422, [{ resource: 'Issue', code: 'missing_field', field: 'title' }]],
  );
  const badJson = await api('/repos/octocat/hello-world/issues', octocat, { method: 'POST', body: '{nope' });
  equal(
    'POST issue: bad JSON → 400 Problems parsing JSON',
    [badJson.status, badJson.json.message],
    [400, 'Problems parsing JSON'],
  );
  const strangerIssue = await create(
    'octocat/hello-world',
    { title: 'From a stranger', labels: ['bug'], assignees: ['octocat'] },
    stranger,
  );
  equal(
    'POST issue: no push access → created, labels and assignees silently dropped',
    [
      strangerIssue.status,
      strangerIssue.json.labels,
      strangerIssue.json.assignees,
      strangerIssue.json.author_association,
    ],
    [201, [], [], 'NONE'],
  );
  const noScope = await create('octocat/hello-world', { title: 'x' }, standin.state.createToken('stranger', ''));
  equal(
    'POST issue: token without public_repo → 404',
    [noScope.status, noScope.headers.get('x-accepted-oauth-scopes')],
    [404, 'public_repo, repo'],
  );
  const privateNoAccess = await create(
    'octocat/secret-plans',
    { title: 'x' },
    standin.state.createToken('stranger', 'repo'),
  );
  equal('POST issue: private repository without access → 404', privateNoAccess.status, 404);
  const privateNoScope = await create(
    'octo-org/platform',
    { title: 'x' },
    standin.state.createToken('hubot', 'public_repo'),
  );
  equal('POST issue: private repository with only public_repo → 404', privateNoScope.status, 404);
  const orgIssue = await create('octo-org/platform', { title: 'Org issue', labels: ['infra'] }, hubot);
  equal(
    'POST issue: org member with repo scope',
    [orgIssue.status, orgIssue.json.number, orgIssue.json.author_association],
    [201, 5, 'MEMBER'],
  );
  const noAuthCreate = await api('/repos/octocat/hello-world/issues', null, { method: 'POST', body: '{"title":"x"}' });
  equal('POST issue: no token → 401 Requires authentication', noAuthCreate.status, 401);

  // ── Faults ───────────────────────────────────────────────────────────────────
  const fault = await control('faults', {
    status: 429,
    count: 1,
    pathPrefix: '/user',
    login: 'octocat',
    retryAfterSeconds: 7,
  });
  check('faults: POST /_standin/faults', fault.status === 200 && fault.json.data.status === 429, fault.json);
  const otherUser = await api('/user', hubot);
  check('faults: a login filter leaves other users alone', otherUser.status === 200);
  const limited = await api('/user/emails', octocat);
  check(
    'faults: 429 looks like GitHub rate limiting',
    limited.status === 429 &&
      limited.headers.get('x-ratelimit-remaining') === '0' &&
      limited.headers.get('retry-after') === '7' &&
      String(limited.json.message).startsWith('API rate limit exceeded for user ID 583231.') &&
      limited.json.documentation_url === 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
    [limited.status, limited.json, Object.fromEntries(limited.headers)],
  );
  check('faults: count consumed, next request passes', (await api('/user/emails', octocat)).status === 200);
  await control('faults', { status: 403, secondary: true });
  const secondary = await api('/user', octocat);
  check(
    'faults: 403 secondary rate limit',
    secondary.status === 403 &&
      String(secondary.json.message).startsWith('You have exceeded a secondary rate limit') &&
      secondary.headers.get('retry-after') === '1' &&
      secondary.headers.get('x-ratelimit-remaining') !== '0',
  );
  await control('faults', { status: 502, pathPrefix: '/search' });
  const bad = await search('safari');
  equal('faults: 502 on a path prefix', [bad.status, bad.json.message], [502, 'Server Error']);
  await control('faults', { status: 503, retryAfterSeconds: 3 });
  const unavailable = await api('/user', octocat);
  equal('faults: 503 with retry-after', [unavailable.status, unavailable.headers.get('retry-after')], [503, '3']);
  await control('faults', { delayMs: 150 });
  const started = Date.now();
  const delayed = await api('/user', octocat);
  check('faults: delay only', delayed.status === 200 && Date.now() - started >= 140);
  standin.faults.add({ status: 500 });
  equal('faults: in-process faults.add', (await api('/user', octocat)).status, 500);
  await control('faults', { status: 503, pathPrefix: '/login/oauth/access_token' });
  const tokenOutage = await exchange({ code: 'x' });
  equal('faults: /login prefixes reach the token endpoint', tokenOutage.status, 503);
  const badFault = await control('faults', { status: 418 });
  equal('faults: invalid fault → 400', badFault.status, 400);

  // ── Requests log, revocation, reset ──────────────────────────────────────────
  const log = (await (await fetch(`${base}/_standin/requests`)).json()) as Loose;
  check(
    'requests: counts and recent entries',
    log.total > 50 && log.byRoute['GET /user'] > 5 && log.recent.at(-1).userAgent === UA,
    { total: log.total },
  );
  equal('revoke: by token', (await control('revoke', { token: mona })).json, { revoked: 1 });
  const revoked = await api('/user', mona);
  equal(
    'revoke: revoked token → 401 Bad credentials',
    [revoked.status, revoked.json.message],
    [401, 'Bad credentials'],
  );
  const revokedHubot = await control('revoke', { login: 'hubot' });
  check(
    'revoke: by login',
    revokedHubot.json.revoked === 2 && (await api('/user', hubot)).status === 401,
    revokedHubot.json,
  );
  const minted = await control('tokens', { login: 'stranger', scope: 'repo user' });
  check(
    'tokens: POST /_standin/tokens mints a token',
    /^gho_/.test(minted.json.access_token) && minted.json.scope === 'repo,user',
  );
  equal('reset: POST /_standin/reset', (await control('reset')).json, { ok: true });
  equal('reset: created issues are gone', (await api('/repos/octocat/hello-world/issues/7', octocat)).status, 404);
  equal(
    'reset: created labels are gone',
    (await api('/repos/octocat/hello-world/issues/2', octocat)).json.labels.length,
    2,
  );
  equal('reset: tokens survive a plain reset', (await api('/user', octocat)).status, 200);
  equal('reset: same seed ids', (await api('/repos/octocat/hello-world/issues/2', octocat)).json.id, issue2.json.id);
  await control('reset', { tokens: true });
  equal('reset: { tokens: true } drops tokens', (await api('/user', octocat)).status, 401);
  const rate = await api('/rate_limit', standin.state.createToken('octocat', ''));
  equal(
    'GET /rate_limit',
    [rate.status, rate.json.resources.core.limit, rate.json.resources.search.limit],
    [200, 5000, 30],
  );
} catch (error) {
  failures++;
  console.log(`FAIL unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await standin.close();
}

console.log(`\n${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
