import { runService } from '../kit/service-main.js';
import { createRegistryApp } from './app.js';

// The registry registers nothing (no `routes`), so runService only listens, starts the sweeper and reports ready.
void runService(({ config, telemetry }) => createRegistryApp({ config, telemetry }));
