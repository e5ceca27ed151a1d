import type { ServiceSpec } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import { startDependencies } from './colocation.js';

/**
 * Groups services into layers that can start in parallel: each layer holds the services
 * whose `startAfter` and companions (`colocatedWith`, within this manifest) are all in
 * earlier layers. A cycle is CONFIG_INVALID.
 */
export function orderStartLayers(manifest: readonly ServiceSpec[]): ServiceSpec[][] {
  const names = new Set<string>(manifest.map((spec) => spec.name));
  const placed = new Set<string>();
  const layers: ServiceSpec[][] = [];
  let remaining = [...manifest];
  while (remaining.length > 0) {
    const layer = remaining.filter((spec) => startDependencies(manifest, spec).every((dependency) => !names.has(dependency) || placed.has(dependency)));
    if (layer.length === 0) {
      throw runtimeError('CONFIG_INVALID', { message: `The services ${remaining.map((spec) => spec.name).join(', ')} wait for each other (startAfter cycle).` });
    }
    for (const spec of layer) placed.add(spec.name);
    remaining = remaining.filter((spec) => !placed.has(spec.name));
    layers.push(layer);
  }
  return layers;
}
