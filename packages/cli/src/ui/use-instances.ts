import { useEffect, useState } from 'react';
import type { InstanceView } from '@topolab/runtime/topology';
import type { Topology } from '@topolab/runtime';

/** The topology's instances, re-read every `intervalMs` (heartbeat ages move even when nothing happens). */
export function useInstances(topology: Pick<Topology, 'instances'>, intervalMs = 500): { instances: InstanceView[]; now: number } {
  const [snapshot, setSnapshot] = useState(() => ({ instances: topology.instances(), now: Date.now() }));
  useEffect(() => {
    const timer = setInterval(() => setSnapshot({ instances: topology.instances(), now: Date.now() }), intervalMs);
    return () => clearInterval(timer);
  }, [topology, intervalMs]);
  return snapshot;
}
