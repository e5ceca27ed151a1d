import { runtimeError } from '../errors/error-codes.js';
import type { TopolabError } from '../errors/topolab-error.js';

interface Pending {
  readonly command: string;
  readonly resolve: (data: unknown) => void;
  readonly reject: (error: TopolabError) => void;
  readonly timer: NodeJS.Timeout;
}

/** Correlates `command` messages with their `reply` by id, with a timeout per command. */
export interface CommandReplies {
  /** Registers a command and returns its id and the promise of its reply data. */
  expect(command: string, timeoutMs: number): { id: number; reply: Promise<unknown> };
  /** Settles the command `id` with the reply of the child. */
  settle(reply: { id: number; ok: boolean; error?: string; data?: unknown }): void;
  /** Rejects every pending command (the child exited or the send failed). */
  rejectAll(reason: string): void;
}

/** Creates the reply book of one instance; `instanceId` is used in messages only. */
export function createCommandReplies(instanceId: string): CommandReplies {
  const pending = new Map<number, Pending>();
  let nextId = 1;

  const fail = (id: number, error: TopolabError) => {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.reject(error);
  };

  return {
    expect(command, timeoutMs) {
      const id = nextId++;
      const reply = new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          fail(id, runtimeError('SUPERVISOR_COMMAND_TIMEOUT', {
            message: `${instanceId} did not answer the command ${command} within ${timeoutMs} ms.`,
            details: { instanceId, command, timeoutMs },
          }));
        }, timeoutMs);
        timer.unref();
        pending.set(id, { command, resolve, reject, timer });
      });
      return { id, reply };
    },
    settle(reply) {
      const entry = pending.get(reply.id);
      if (!entry) return;
      if (reply.ok) {
        pending.delete(reply.id);
        clearTimeout(entry.timer);
        entry.resolve(reply.data);
        return;
      }
      fail(reply.id, runtimeError('SUPERVISOR_COMMAND_FAILED', {
        message: `${instanceId} refused the command ${entry.command}: ${reply.error ?? 'no reason given'}`,
        details: { instanceId, command: entry.command },
      }));
    },
    rejectAll(reason) {
      for (const [id, entry] of pending) {
        fail(id, runtimeError('SUPERVISOR_COMMAND_FAILED', {
          message: `${instanceId} did not answer the command ${entry.command}: ${reason}.`,
          details: { instanceId, command: entry.command },
        }));
      }
    },
  };
}
