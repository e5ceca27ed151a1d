import { loadConfig } from '../kit/config.js';
import { runService } from '../kit/service-main.js';
import { createNginxSyncApp } from './app.js';
import { parseNginxSyncConfig } from './config.js';
import { killNginxGroup } from './nginx-control.js';

const config = loadConfig(() => parseNginxSyncConfig());

// nginx's worker outlives its master (which dies with the supervisor): when the supervisor is
// gone, nginx-sync, which notices as every Node instance does, takes nginx's process group with it.
process.once('disconnect', () => killNginxGroup(config.nginx));

// No routes: nginx-sync registers nginx (as an lb instance), never itself.
void runService(({ telemetry, http, createCatalog, credentials }) => createNginxSyncApp({ config, catalog: createCatalog(), http, telemetry, credentials: credentials('registry') }));
