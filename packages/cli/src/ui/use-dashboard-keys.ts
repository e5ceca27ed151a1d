import { useInput } from 'ink';
import { isLiveState, type Topology } from '@topolab/runtime';
import type { InstanceView } from '@topolab/runtime/topology';
import type { Actions } from './use-actions.js';
import type { ModesState } from './use-modes.js';
import type { Selection } from './use-selection.js';

/** What the dashboard's keys act on. */
export interface DashboardKeysOptions {
  readonly topology: Pick<Topology, 'fault' | 'scale' | 'setModes'>;
  readonly instances: readonly InstanceView[];
  /** The selected instance, for the fault and scale keys. */
  readonly selection: Selection;
  /** The selected request (newest first): the one whose hop tree is drawn. */
  readonly requestSelection: Selection;
  readonly modes: ModesState;
  readonly actions: Actions;
  readonly onQuit: () => void;
}

/** The keys of the dashboard, as the footer lists them. */
export const dashboardKeys: readonly (readonly [key: string, meaning: string])[] = [
  ['↑↓', 'select'],
  ['←→', 'request'],
  ['k', 'kill'],
  ['s', 'stop'],
  ['p', 'pause/resume'],
  ['r', 'restart'],
  ['z', 'zombie on/off'],
  ['+/-', 'scale'],
  ['d', 'discovery mode'],
  ['a', 'auth mode'],
  ['q', 'quit'],
];

/**
 * ↑/↓ select an instance; ← an older request, → a newer one (back at the newest, the newest
 * is followed again as requests come); k kill, s stop, p pause or resume, r restart, z zombie on or off,
 * +/- scale its service, d and a cycle the discovery and auth modes, q or Ctrl-C quit.
 */
export function useDashboardKeys(options: DashboardKeysOptions): void {
  const { topology, instances, selection, requestSelection, modes, actions } = options;
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) return options.onQuit();
    if (key.upArrow) return selection.up();
    if (key.downArrow) return selection.down();
    if (key.leftArrow) return requestSelection.down();
    if (key.rightArrow) return newerRequest(requestSelection);
    if (input === 'd') {
      const discovery = modes.nextDiscovery();
      return actions.run(`discovery ${discovery}`, () => topology.setModes({ discovery }));
    }
    if (input === 'a') {
      const auth = modes.nextAuth();
      return actions.run(`auth ${auth}`, () => topology.setModes({ auth }));
    }
    const selectedId = selection.current();
    const selected = instances.find((instance) => instance.id === selectedId);
    if (!selected) return;
    const fault = faultOfKey(input, selected);
    if (fault) return actions.run(`${fault} ${selected.id}`, () => topology.fault(fault, selected.id));
    const step = input === '+' || input === '=' ? 1 : input === '-' ? -1 : 0;
    if (step === 0) return;
    const running = instances.filter((instance) => instance.service === selected.service && isLiveState(instance.state)).length;
    actions.run(`scale ${selected.service} ${running + step}`, () => topology.scale(selected.service, running + step));
  });
}

// Back at the newest request, the selection follows the newest again instead of staying on this one.
function newerRequest(requests: Selection): void {
  requests.up();
  if (requests.isFirst()) requests.reset();
}

function faultOfKey(input: string, selected: InstanceView) {
  switch (input) {
    case 'k':
      return 'kill' as const;
    case 's':
      return 'stop' as const;
    case 'p':
      return selected.state === 'paused' ? ('resume' as const) : ('pause' as const);
    case 'r':
      return 'restart' as const;
    case 'z':
      return selected.zombie ? ('unzombie' as const) : ('zombie' as const);
    default:
      return undefined;
  }
}
