import type { ChildMessage, ParentMessage } from '../contract/ipc.js';

/** What a command handler answers: data for the reply, or a thrown error for a refusal. */
export type CommandHandler = (command: string, args: Readonly<Record<string, unknown>>) => unknown;

/** The instance's end of the IPC channel to the supervisor. */
export interface ParentChannel {
  /** False when the instance runs standalone or the supervisor is gone. */
  readonly connected: boolean;
  /** Sends a message; silently dropped when not connected. */
  send(message: ChildMessage): void;
  /** Handles `command` messages; unknown commands should throw. */
  onCommand(handler: CommandHandler): void;
}

/**
 * Connects to the supervisor's IPC channel. When the channel disconnects (the supervisor
 * exited, even by SIGKILL) `onDisconnect` runs, so no instance outlives its parent.
 */
export function connectParent(onDisconnect: () => void): ParentChannel {
  const send = process.send?.bind(process);
  let handler: CommandHandler | undefined;
  if (send) {
    process.once('disconnect', onDisconnect);
    process.on('message', (raw: unknown) => {
      const message = raw as ParentMessage;
      if (message?.type !== 'command' || typeof message.id !== 'number') return;
      void answerCommand(message);
    });
  }

  async function answerCommand(message: ParentMessage): Promise<void> {
    try {
      if (!handler) throw new Error(`Unknown command ${message.command}`);
      const data = await handler(message.command, message.args ?? {});
      channel.send({ type: 'reply', id: message.id, ok: true, data });
    } catch (error) {
      channel.send({ type: 'reply', id: message.id, ok: false, error: (error as Error).message });
    }
  }

  const channel: ParentChannel = {
    get connected() {
      return Boolean(send) && process.connected;
    },
    send(message) {
      if (!send || !process.connected) return;
      try {
        send(message);
      } catch {
        // The channel closed between the check and the send: the disconnect handler runs next.
      }
    },
    onCommand(next) {
      handler = next;
    },
  };
  return channel;
}
