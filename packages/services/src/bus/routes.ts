import { reply } from '../kit/http/reply.js';
import { clientService, mayPublish } from '../contract/service-auth.js';
import { defineRoute, type Route } from '../kit/http/router.js';
import type { Telemetry } from '../kit/telemetry.js';
import { maxMessageBytes, topicPattern, type BusBackend } from './backend.js';
import { busErrors } from './errors.js';
import type { TopicStreams } from './topic-streams.js';
import * as z from '../kit/zod.js';

/** What the bus routes need. */
export interface BusRouteDeps {
  readonly backend: BusBackend;
  readonly streams: TopicStreams;
  readonly telemetry: Telemetry;
  /** Whether publishing and reading need service tokens (checked by the server's guard). @default false */
  readonly guarded?: boolean;
}

const seq = z.coerce.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER));
const publishBody = z.object({ data: z.json() });
const backlogQuery = z.object({ after: z._default(seq, 0), limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 100) });
const streamQuery = z.object({ after: z.optional(seq) });

/** The bus HTTP API of `contract/bus-api.ts`: publish, backlog, stream, health. */
export function createBusRoutes(deps: BusRouteDeps): Route[] {
  const { backend, streams, telemetry } = deps;
  const publish = deps.guarded ? ({ scope: 'bus.publish' } as const) : {};
  const subscribe = deps.guarded ? ({ scope: 'bus.subscribe' } as const) : {};
  return [
    defineRoute({
      method: 'POST',
      path: '/bus/topics/:topic/messages',
      body: publishBody,
      ...publish,
      handler: async ({ params, body, attributes, caller }) => {
        const topic = validateTopic(params.topic, attributes);
        if (deps.guarded && (!caller || !mayPublish(clientService(caller.clientId), topic))) {
          telemetry.warn('publish refused', { caller: caller?.clientId, topic });
          throw busErrors.BUS_PUBLISH_FORBIDDEN({ message: `${caller?.clientId ?? 'This client'} may not publish on ${topic}.` });
        }
        const bytes = Buffer.byteLength(JSON.stringify(body.data));
        if (bytes > maxMessageBytes) throw busErrors.BUS_MESSAGE_TOO_LARGE({ message: `The message data is ${bytes} bytes; the limit is ${maxMessageBytes}.` });
        const message = await backend.publish(topic, body.data);
        telemetry.debug('published', { topic, seq: message.seq });
        return reply(201, { topic, seq: message.seq });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/bus/topics/:topic/messages',
      query: backlogQuery,
      ...subscribe,
      handler: ({ params, query, attributes }) => backend.backlog(validateTopic(params.topic, attributes), query.after, query.limit),
    }),
    defineRoute({
      method: 'GET',
      path: '/bus/topics/:topic/stream',
      query: streamQuery,
      ...subscribe,
      handler: async ({ method, params, query, res, attributes }) => {
        const topic = validateTopic(params.topic, attributes);
        if (method === 'HEAD') {
          res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' }).end();
          return;
        }
        await streams.open(res, topic, query.after);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/health',
      handler: async () => {
        if (!(await backend.ping().catch(() => false))) throw busErrors.BUS_BACKEND_UNAVAILABLE();
        return { status: 'ok', subscribers: streams.size };
      },
    }),
  ];
}

function validateTopic(topic: string | undefined, attributes: Record<string, string | number | boolean>): string {
  if (topic === undefined || !topicPattern.test(topic)) throw busErrors.BUS_TOPIC_INVALID();
  attributes.topic = topic;
  return topic;
}
