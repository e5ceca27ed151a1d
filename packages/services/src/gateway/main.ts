import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { edgeNames } from '../contract/edge.js';
import { createBackendClients } from '../kit/clients/backend-clients.js';
import { loadConfig } from '../kit/config.js';
import { runService } from '../kit/service-main.js';
import { createGatewayApp } from './app.js';
import { createAuthMode } from './auth/factory.js';
import { parseGatewayConfig } from './config.js';
import { createDiscoveryMode } from './discovery/factory.js';
import { createIdentityMinter } from './identity-minter.js';
import { createRedirectServer } from './edge/redirect.js';
import type { ModeDeps } from './mode-deps.js';
import { createModeSwitch } from './mode-switch.js';
import { createModes } from './modes.js';

const config = loadConfig(() => parseGatewayConfig());

// The gateway registers with no routes: it shows up in the registry and heartbeats, but owns no path.
void runService((deps) => {
  const catalog = deps.createCatalog();
  const caller = deps.createServiceCaller(catalog);
  // The bus and the global cache of the topology's backends (embedded services, or Redis), shared by every mode built.
  const backends = createBackendClients({ config: deps.config, telemetry: deps.telemetry, catalog, caller, http: deps.http });
  const modeDeps: ModeDeps = { config, telemetry: deps.telemetry, catalog, caller, http: deps.http, bus: backends.bus, cache: backends.cache };
  const modes = createModes({
    discovery: createDiscoveryMode(config.discoveryMode, modeDeps),
    auth: createAuthMode(config.authMode, modeDeps),
  });
  const modeSwitch = createModeSwitch({
    modes,
    telemetry: deps.telemetry,
    noAuth: config.benchNoAuth,
    build: { discovery: (name) => createDiscoveryMode(name, modeDeps), auth: (name) => createAuthMode(name, modeDeps) },
  });
  const tls = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined;
  const identity = createIdentityMinter({ privateKey: config.identityKey });
  const server = createGatewayApp({ config, telemetry: deps.telemetry, catalog, modes, identity, ...(tls ? { tls } : {}) });
  modeSwitch.track(server);
  // With TLS, plain HTTP on its own port only redirects (nginx's `return 308 https://$host$request_uri`).
  let listening = { host: config.host, port: config.port };
  let redirect: Server | undefined;
  return {
    server,
    routes: [],
    async start(address) {
      listening = address;
      if (tls) {
        redirect = createRedirectServer({
          httpsPort: () => config.httpsPort || listening.port,
          knownHosts: edgeNames.certificateDns,
          fallbackHost: () => listening.host,
          telemetry: deps.telemetry,
        });
        redirect.listen(config.redirectPort, config.host);
        await once(redirect, 'listening');
      }
      await catalog.start(Date.now() + 10_000);
    },
    endpoints(): Record<string, { host: string; port: number }> {
      if (!redirect) return {};
      const { address, port } = redirect.address() as AddressInfo;
      return { http: { host: address, port } };
    },
    onCommand: modeSwitch.onCommand,
    stopping: () => modes.current().auth.quiet?.(),
    close() {
      const { discovery, auth } = modes.current();
      discovery.close();
      auth.close();
      modeSwitch.close();
      redirect?.close();
      redirect?.closeAllConnections();
      backends.close();
      catalog.stop();
    },
  };
});
