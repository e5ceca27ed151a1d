/** The life of one supervised instance, as the supervisor sees it. */
export type InstanceState =
  /** Spawned; waiting for its `ready` message. */
  | 'starting'
  /** Reported ready: listening (and registered, for domain services). */
  | 'ready'
  /** Asked to stop: SIGTERM sent, waiting for it to exit (SIGKILL after the grace period). */
  | 'stopping'
  /** Gone after being asked to stop. */
  | 'exited'
  /** Gone without being asked to (including a kill fault or a failed start). */
  | 'crashed'
  /** Frozen by SIGSTOP: the process exists but answers nothing until SIGCONT. */
  | 'paused';

/** Whether the process of an instance in `state` may still exist. */
export function isLiveState(state: InstanceState): boolean {
  return state !== 'exited' && state !== 'crashed';
}
