import { useEffect, useRef, useState } from 'react';
import { authModeNames, discoveryModeNames, type Topology, type TopologyModes } from '@topolab/runtime';

/** The modes in force and the next one to try on each axis. */
export interface ModesState {
  readonly modes: TopologyModes;
  /** The discovery mode after the last one tried (`d` cycles). */
  nextDiscovery(): TopologyModes['discovery'];
  /** The auth mode after the last one tried (`a` cycles). */
  nextAuth(): TopologyModes['auth'];
}

/**
 * Follows `topology.modes` events. Cycling starts from the last mode tried, not the one in
 * force, so a mode the gateways refuse (not available) is skipped on the next key press.
 */
export function useModes(topology: Pick<Topology, 'modes' | 'events'>): ModesState {
  const [modes, setModes] = useState(() => topology.modes());
  const tried = useRef<{ discovery?: string; auth?: string }>({});
  useEffect(
    () =>
      topology.events.subscribe((event) => {
        if (event.type !== 'topology.modes') return;
        tried.current = {};
        setModes(event.modes);
      }),
    [topology],
  );
  const cycle = <T extends string>(axis: 'discovery' | 'auth', names: readonly T[]): T => {
    const from = tried.current[axis] ?? modes[axis];
    const next = names[(names.indexOf(from as T) + 1) % names.length]!;
    tried.current = { ...tried.current, [axis]: next };
    return next;
  };
  return { modes, nextDiscovery: () => cycle('discovery', discoveryModeNames), nextAuth: () => cycle('auth', authModeNames) };
}
