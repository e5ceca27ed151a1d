import type { ServiceSpec } from '@topolab/services/contract';

/** The services that run one companion instance beside each instance of `host` (its sidecars). */
export function colocatedWith(manifest: readonly ServiceSpec[], host: string): ServiceSpec[] {
  return manifest.filter((spec) => spec.colocatedWith === host);
}

/**
 * The variable through which a host instance finds its companion: `TOPOLAB_<SERVICE>_URL`
 * (`sidecar` → `TOPOLAB_SIDECAR_URL`, the contract's `envNames.sidecarUrl`).
 */
export function colocatedUrlEnvName(service: string): string {
  return `TOPOLAB_${service.toUpperCase().replace(/-/g, '_')}_URL`;
}

/**
 * What a service waits for before it starts: its `startAfter`, plus its companions (each
 * companion instance starts before the host instance with the same index).
 */
export function startDependencies(manifest: readonly ServiceSpec[], spec: ServiceSpec): string[] {
  return [...spec.startAfter, ...colocatedWith(manifest, spec.name).map((companion) => companion.name)];
}
