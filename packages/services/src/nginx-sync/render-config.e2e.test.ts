import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nginxArgs, nginxConfigPath } from '../contract/nginx-files.js';
import { backendsRequired } from '@topolab/test-support/programs';
import { findProgram } from '../contract/programs.js';
import type { Catalog } from '../contract/registry-api.js';
import { renderNginxConfig } from './render-config.js';

const instance = (instanceId: string, host: string, port: number) => ({ service: instanceId.split('#')[0]!, instanceId, host, port, registeredAt: 1, lastHeartbeat: 1 });

const catalog: Catalog = {
  epoch: 'e1',
  version: 7,
  routes: [
    { prefix: '/auth/internal', service: 'auth', access: 'internal' },
    { prefix: '/mail/send', service: 'mail', access: 'protected', bodyLimit: 10 * 1024 * 1024 },
    { prefix: '/profile', service: 'profile', access: 'protected' },
    { prefix: '/auth', service: 'auth', access: 'public' },
    { prefix: '/mail', service: 'mail', access: 'protected' },
    { prefix: "/odd;'$x", service: 'odd', access: 'public' },
  ],
  services: { profile: [instance('profile#1', '127.0.5.1', 4001), instance('profile#2', '127.0.5.2', 4002)], auth: [instance('auth#1', '127.0.3.1', 4003)], mail: [], odd: [] },
};
const input = { catalog, host: '127.0.12.1', port: 18080, dir: '/tmp/topolab-nginx', generation: 3, upstreamTimeoutMs: 5000, bodyLimit: 1048576, logAddress: '127.0.0.1:5140' };

const nginx = findProgram('nginx');
if (!nginx && backendsRequired()) throw new Error('nginx is required (TOPOLAB_REQUIRE_BACKENDS=1) but not installed');

describe('nginx.conf rendered from the catalog', () => {
  it('names an instance registered by host name (a container, `profile-1`) as nginx resolves it, and leaves out a host that could break the config', () => {
    const named: Catalog = { ...catalog, services: { ...catalog.services, profile: [instance('profile#1', 'profile-1', 3005), instance('profile#2', 'evil;host', 3005)] } };
    const { text } = renderNginxConfig({ ...input, catalog: named });
    expect(text).toContain('    server profile-1:3005 max_fails=5 fail_timeout=2s;  # profile#1');
    expect(text).not.toContain('evil');
  });

  it("runs nginx's worker as the user it is given (the topology's own, when started as root), and refuses a name that is not one", () => {
    expect(renderNginxConfig(input).text).not.toMatch(/^user /m);
    expect(renderNginxConfig({ ...input, workerUser: 'root' }).text).toMatch(/^daemon off;\nuser root;$/m);
    for (const workerUser of ['root; daemon on', 'a b', '', '$x']) expect(() => renderNginxConfig({ ...input, workerUser })).toThrow(RangeError);
  });

  it('has one upstream per service with live instances and a location pair per route', () => {
    const { text } = renderNginxConfig(input);
    expect(text).toContain('upstream svc_profile {\n    server 127.0.5.1:4001 max_fails=5 fail_timeout=2s;  # profile#1\n    server 127.0.5.2:4002');
    expect(text).toContain('location = /profile {');
    expect(text).toContain('location /profile/ {');
    expect(text).toContain('proxy_pass http://svc_profile;');
    expect(text).not.toContain('upstream svc_mail');
    expect(text).toMatch(/location \/mail\/send\/ \{[^}]*client_max_body_size 10485760;[^}]*return 503 '\{"error":\{"code":"LB_NO_INSTANCE"/);
    expect(text).toContain("return 200 '3';");
    expect(text).toContain('access_log syslog:server=127.0.0.1:5140,nohostname,tag=nginx topolab_span if=$topolab_sampled;');
  });

  it('keeps internal routes unreachable even under a public prefix, and leaves out a prefix nginx would read as syntax', () => {
    const { text, skipped } = renderNginxConfig(input);
    expect(text).toMatch(/location \/auth\/internal\/ \{[^}]*return 404 '\{"error":\{"code":"LB_ROUTE_NOT_FOUND"/);
    expect(text).not.toContain('odd');
    expect(skipped).toEqual([{ prefix: "/odd;'$x", reason: expect.any(String) }]);
    expect(() => renderNginxConfig({ ...input, dir: '/tmp/a b' })).toThrow(RangeError);
    expect(() => renderNginxConfig({ ...input, host: 'evil;host' })).toThrow(RangeError);
  });

  it('passes WebSockets through: Upgrade forwarded, Connection upgrade for a handshake and empty (keep-alive) otherwise', () => {
    const { text } = renderNginxConfig(input);
    expect(text).toContain("  map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' '';\n  }");
    expect(text).toContain('  proxy_http_version 1.1;');
    expect(text).toContain('  proxy_set_header Upgrade $http_upgrade;');
    expect(text).toContain('  proxy_set_header Connection $connection_upgrade;');
    expect(text).not.toContain('proxy_set_header Connection "";');
    // Set once in the http block: a location with proxy_set_header of its own would drop them.
    expect(text.match(/proxy_set_header/g)).toHaveLength(4);
  });

  it('changes its routing part only when routes or instances change', () => {
    const base = renderNginxConfig(input).routing;
    expect(renderNginxConfig({ ...input, generation: 4, catalog: { ...catalog, version: 8 } }).routing).toBe(base);
    const evicted = { ...catalog, services: { ...catalog.services, profile: [catalog.services.profile![0]!] } };
    expect(renderNginxConfig({ ...input, catalog: evicted }).routing).not.toBe(base);
  });

  it.skipIf(!nginx)('is a config nginx accepts (nginx -t)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolab-nginx-t-'));
    try {
      writeFileSync(nginxConfigPath(dir), renderNginxConfig({ ...input, dir }).text);
      const output = execFileSync(nginx!, ['-t', ...nginxArgs(dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(output).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
