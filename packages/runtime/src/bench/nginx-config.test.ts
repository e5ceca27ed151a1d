import { describe, expect, it } from 'vitest';
import { buildNginxConfig } from './nginx-config.js';

const base = {
  dir: '/tmp/topolab-nginx-abc',
  listenHost: '127.0.0.1',
  listenPort: 40123,
  upstreams: [
    { host: '127.0.5.1', port: 41001 },
    { host: '127.0.5.2', port: 41002 },
  ],
};

describe('buildNginxConfig', () => {
  it('runs one worker in the foreground with its files in the temp dir', () => {
    const config = buildNginxConfig(base);
    expect(config).toMatch(/^daemon off;$/m);
    expect(config).toMatch(/^worker_processes 1;$/m);
    expect(config).toContain('pid /tmp/topolab-nginx-abc/nginx.pid;');
    expect(config).toContain('error_log /tmp/topolab-nginx-abc/error.log');
    expect(config).toContain('access_log off;');
    expect(config).toContain('proxy_temp_path /tmp/topolab-nginx-abc/proxy;');
  });

  it('proxies to every profile instance over keep-alive, passing the client identity assertion through, naming no user itself', () => {
    const config = buildNginxConfig({ ...base, keepalive: 16 });
    expect(config).toContain('server 127.0.5.1:41001;');
    expect(config).toContain('server 127.0.5.2:41002;');
    expect(config).toContain('keepalive 16;');
    expect(config.match(/keepalive_requests \d+;/g)).toHaveLength(2);
    expect(config).toContain('listen 127.0.0.1:40123;');
    expect(config).toContain('proxy_http_version 1.1;');
    expect(config).toContain('proxy_set_header Connection "";');
    expect(config).not.toMatch(/x-user-id|x-jwt-assertion/);
    expect(config.split('{').length).toBe(config.split('}').length);
  });

  it('brackets IPv6 addresses', () => {
    expect(buildNginxConfig({ ...base, upstreams: [{ host: '::1', port: 5 }] })).toContain('server [::1]:5;');
  });

  it('refuses values that could break out of the config', () => {
    expect(() => buildNginxConfig({ ...base, listenHost: '127.0.0.1"; evil' })).toThrow(RangeError);
    expect(() => buildNginxConfig({ ...base, upstreams: [{ host: '127.0.0.1;', port: 1 }] })).toThrow(RangeError);
    expect(() => buildNginxConfig({ ...base, dir: '/tmp/a b' })).toThrow(RangeError);
    expect(() => buildNginxConfig({ ...base, upstreams: [] })).toThrow(RangeError);
  });
});
