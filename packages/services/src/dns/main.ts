import { loadConfig } from '../kit/config.js';
import { runService } from '../kit/service-main.js';
import { createDnsApp } from './app.js';
import { parseDnsConfig } from './config.js';

const config = loadConfig(() => parseDnsConfig());

void runService((deps) => createDnsApp({ config, telemetry: deps.telemetry, catalog: deps.createCatalog() }));
