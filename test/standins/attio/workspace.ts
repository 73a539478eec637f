// GET /v2/self (token introspection) and the workspace member endpoints.
import type { Hono } from 'hono';
import type { AccessToken, AppEnv, AuthState } from './auth.ts';
import { tokenFromHeader } from './auth.ts';
import { jsonResponse, notFound } from './errors.ts';
import type { RouteDeps } from './http.ts';
import type { WorkspaceMember } from './model.ts';
import type { Store } from './store.ts';

export function renderMember(store: Store, member: WorkspaceMember): Record<string, unknown> {
  return {
    id: { workspace_id: store.workspace.id, workspace_member_id: member.id },
    first_name: member.first_name,
    last_name: member.last_name,
    avatar_url: member.avatar_url,
    email_address: member.email_address,
    created_at: member.created_at,
    access_level: member.access_level,
  };
}

export function registerWorkspaceRoutes(
  api: Hono<AppEnv>,
  deps: RouteDeps & { auth: () => AuthState; storeForToken: (token: AccessToken) => Store },
): void {
  // An unknown or revoked token answers 200 { active: false }, like OAuth introspection.
  api.get('/self', (c) => {
    const raw = tokenFromHeader(c.req.header('authorization'));
    const token = raw === null ? undefined : deps.auth().lookup(raw);
    if (!token) return jsonResponse({ active: false });
    const store = deps.storeForToken(token);
    return jsonResponse({
      active: true,
      scope: token.scopes.join(' '),
      client_id: token.clientId,
      token_type: 'Bearer',
      exp: null,
      iat: token.iat,
      sub: store.workspace.id,
      aud: token.clientId,
      iss: 'attio.com',
      authorized_by_workspace_member_id: token.memberId,
      workspace_id: store.workspace.id,
      workspace_name: store.workspace.name,
      workspace_slug: store.workspace.slug,
      workspace_logo_url: store.workspace.logo_url,
    });
  });

  api.get('/workspace_members', (c) => {
    const store = deps.store(c);
    return jsonResponse({ data: [...store.members.values()].map((m) => renderMember(store, m)) });
  });

  api.get('/workspace_members/:workspace_member_id', (c) => {
    const store = deps.store(c);
    const id = c.req.param('workspace_member_id');
    const member = store.members.get(id);
    if (!member) throw notFound(`Workspace member with ID "${id}" not found.`);
    return jsonResponse({ data: renderMember(store, member) });
  });
}
