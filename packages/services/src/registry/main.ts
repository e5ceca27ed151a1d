import { warmUpKeySet } from '../kit/service-auth/key-set.js';
import { runService } from '../kit/service-main.js';
import { createRegistryApp } from './app.js';

// The registry registers nothing (no `routes`), so runService only listens, starts the sweeper and reports ready.
// Leases need service tokens, checked with auth's key as handed over (auth needs the registry before anyone could ask auth).
void runService(({ config, telemetry, createServiceGuard }) => ({ ...createRegistryApp({ config, telemetry, serviceAuth: createServiceGuard() }), warm: warmUpKeySet }));
