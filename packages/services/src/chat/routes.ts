import { chatLimits } from '../contract/chat-api.js';
import { reply } from '../kit/http/reply.js';
import { requireUser } from '../kit/http/identity.js';
import { defineRoute, type Route } from '../kit/http/router.js';
import type { Telemetry } from '../kit/telemetry.js';
import { chatErrors } from './errors.js';
import { roomNamePattern } from './frames.js';
import type { ChatStore } from './store.js';
import { chatSocketPath } from './websocket.js';
import * as z from '../kit/zod.js';

/** What the chat's HTTP routes need. */
export interface ChatRouteDeps {
  readonly store: ChatStore;
  readonly telemetry: Telemetry;
  /** Epoch ms now. */
  readonly clock: () => number;
}

const roomBody = z.strictObject({ name: z.string().check(z.regex(roomNamePattern, 'must be 1 to 40 lower-case letters, digits, - or _, starting with a letter or digit')) });
const historyQuery = z.object({
  before: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(Number.MAX_SAFE_INTEGER))),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)), chatLimits.historyLimit),
});

const unknownRoom = (room: string) => chatErrors.CHAT_UNKNOWN_ROOM({ message: `There is no room called ${JSON.stringify(room.slice(0, 40))}.` });

/** Rooms and history over HTTP, for the user the gateway names; `GET /chat/ws` without an upgrade answers 426. */
export function createChatRoutes(deps: ChatRouteDeps): Route[] {
  const { store, telemetry, clock } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/chat/rooms',
      handler: (ctx) => {
        requireUser(ctx);
        return { rooms: store.listRooms() };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/chat/rooms',
      body: roomBody,
      handler: (ctx) => {
        const userId = requireUser(ctx);
        const room = store.createRoom(ctx.body.name, userId, clock());
        if (!room) throw chatErrors.CHAT_ROOM_EXISTS();
        telemetry.event('chat.room.created', { room: room.name, userId });
        return reply(201, { room });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/chat/rooms/:room/messages',
      query: historyQuery,
      handler: (ctx) => {
        requireUser(ctx);
        const { room } = ctx.params;
        if (!store.hasRoom(room!)) throw unknownRoom(room!);
        const messages = store.history(room!, { limit: ctx.query.limit, ...(ctx.query.before === undefined ? {} : { before: ctx.query.before }) });
        const nextBefore = messages.length === ctx.query.limit ? messages[0]!.id : null;
        return { messages, nextBefore };
      },
    }),
    defineRoute({
      method: 'GET',
      path: chatSocketPath,
      handler: () => {
        throw chatErrors.CHAT_UPGRADE_REQUIRED({ headers: { upgrade: 'websocket', connection: 'Upgrade' } });
      },
    }),
  ];
}
