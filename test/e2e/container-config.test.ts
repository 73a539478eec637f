import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/**
 * The container way of running a backend (docs/backend.md, "A stdio server in a Cloudflare
 * Container"): the product's wrangler.jsonc with the documented additions must be a deployment
 * wrangler accepts, with the container class exported and its Dockerfile where the config says.
 * Docker cannot build the image on these machines, so wrangler is told not to roll the container
 * out (`--containers-rollout=none`); the image itself is built by `wrangler deploy` on the user's side.
 */
it('the documented container configuration is a deployment wrangler accepts', () => {
  // wrangler.jsonc's comments are whole lines; its strings hold `//` (URLs), so only those go.
  const config = JSON.parse(readFileSync(join(root, 'wrangler.jsonc'), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
  const dir = mkdtempSync(join(tmpdir(), 'container-config-'));
  try {
    const withContainer = {
      ...config,
      main: join(root, config.main),
      containers: [{ class_name: 'BackendContainer', image: join(root, 'container/Dockerfile'), max_instances: 5 }],
      durable_objects: {
        bindings: [...config.durable_objects.bindings, { name: 'BACKEND_CONTAINER', class_name: 'BackendContainer' }],
      },
      migrations: [...config.migrations, { tag: 'v4', new_sqlite_classes: ['BackendContainer'] }],
      vars: { ...config.vars, BACKEND: 'container' },
      dev: { ...config.dev, enable_containers: false },
    };
    const path = join(dir, 'wrangler.json');
    writeFileSync(path, JSON.stringify(withContainer));
    const run = spawnSync(
      join(root, 'node_modules/.bin/wrangler'),
      ['deploy', '--dry-run', '--containers-rollout=none', '--outdir', join(dir, 'out'), '-c', path],
      { cwd: root, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, timeout: 120_000 },
    );
    const output = run.stdout + run.stderr;
    expect(run.status, output).toBe(0);
    expect(output).toMatch(/env\.BACKEND_CONTAINER\s+BackendContainer|env\.BACKEND_CONTAINER \(BackendContainer\)/);
    expect(output).toContain('container/Dockerfile');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
