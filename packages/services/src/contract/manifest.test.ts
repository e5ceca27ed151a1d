import { describe, expect, it } from 'vitest';
import { findServiceSpec, serviceManifest } from './manifest.js';

const names = new Set(serviceManifest.map((spec) => spec.name));

describe('serviceManifest: per-service facts the runtime reads instead of asking a name', () => {
  it('names one registry, and the gateways as the one edge listener that is published and keeps its address', () => {
    expect(serviceManifest.filter((spec) => spec.isRegistry).map((spec) => spec.name)).toEqual(['registry']);
    expect(serviceManifest.filter((spec) => spec.listener === 'edge').map((spec) => spec.name)).toEqual(['gateway']);
    expect(findServiceSpec('gateway')).toMatchObject({ keepsAddress: true, launchEnv: ['limits', 'modes'], export: { port: 8080, published: true, proxy: true } });
    expect(findServiceSpec('dns')).toMatchObject({ listener: 'dns', export: { leftOut: expect.stringContaining('dns#1') } });
  });

  it('gives every program a launcher, an image and install hints; only redis has an external alternative', () => {
    for (const spec of serviceManifest.filter((candidate) => candidate.program)) {
      expect(spec.program).toMatchObject({ launcher: expect.any(String), image: expect.stringContaining(':'), debianPackage: expect.any(String), brewFormula: expect.any(String) });
      expect(spec.singleton).toBe(true);
    }
    expect(serviceManifest.filter((spec) => spec.program?.external).map((spec) => spec.name)).toEqual(['redis']);
    expect(findServiceSpec('nginx')?.program?.healthPath).toBe('/_topolab/health');
  });

  it('points every reference at a service of the manifest', () => {
    for (const spec of serviceManifest) {
      for (const other of [...spec.startAfter, spec.colocatedWith, spec.registeredBy, spec.registersAs, spec.export?.podOf]) {
        if (other !== undefined) expect(names.has(other), `${spec.name} → ${other}`).toBe(true);
      }
    }
  });

  it('gives every exported service its own container port, so pod-mates never collide', () => {
    const ports = serviceManifest.filter((spec) => !spec.export?.leftOut).map((spec) => spec.export?.port ?? 3000 + spec.addressOctet);
    expect(new Set(ports).size).toBe(ports.length);
  });
});
