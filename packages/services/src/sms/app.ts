import type { Server } from 'node:http';
import type { RouteSpec } from '../contract/registry-api.js';
import { appliedEventsRoute } from '../kit/events/applied-events-route.js';
import { openConsumerStore } from '../kit/events/consumer-store.js';
import { singleLineText } from '../kit/http/free-text.js';
import { createHttpServer, databaseHealthRoute, defineRoute, reply, Router } from '../kit/http/index.js';
import type { ServiceAppOptions } from '../kit/http/app-options.js';
import { smsErrors } from './errors.js';
import type { SmsStore } from './store.js';
import { renderTemplate, templateNames } from './templates.js';
import * as z from '../kit/zod.js';

/** What createSmsApp needs. */
export interface SmsAppOptions extends ServiceAppOptions {
  readonly store: SmsStore;
}

/** SMS is internal: only other services send, and the "phone" is read through the control API. */
export const smsRoutes: readonly RouteSpec[] = [{ prefix: '/sms', access: 'internal' }];

const e164 = z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +447700900123'));

const sendBody = z.object({
  to: e164,
  template: z.enum(templateNames),
  // Each value lands inside one line of the message text (kit/http/free-text.ts): no control characters.
  fields: z._default(z.record(z.string().check(z.regex(/^\w{1,32}$/)), singleLineText({ max: 500 })), {}),
  userId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});

const messagesQuery = z.object({
  to: z.optional(e164),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
});

/** Builds the SMS service: templates, sending (stored, never delivered anywhere) and the phone view. */
export function createSmsApp(options: SmsAppOptions): { server: Server; routes: readonly RouteSpec[] } {
  const { store, telemetry } = options;
  const clock = options.clock ?? Date.now;
  const router = new Router().add(
    defineRoute({
      method: 'POST',
      path: '/sms/send',
      scope: 'sms.send',
      body: sendBody,
      handler: ({ body }) => {
        const text = renderTemplate(body.template, body.fields);
        const message = store.insert({ time: clock(), type: body.template, to: body.to, ...(body.userId ? { userId: body.userId } : {}), text });
        telemetry.event('sms.sent', { messageId: message.id, to: message.to, template: message.type, ...(body.userId ? { userId: body.userId } : {}) });
        return reply(201, { id: message.id });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/sms/messages',
      scope: 'sms.read',
      query: messagesQuery,
      handler: ({ query }) => ({ messages: query.to ? store.listTo(query.to, query.limit) : store.listRecent(query.limit) }),
    }),
    appliedEventsRoute({ service: 'sms', scope: 'sms.events', store: options.appliedEvents ?? openConsumerStore(store.db) }),
    databaseHealthRoute(() => store.ping(), smsErrors.SMS_DB_UNAVAILABLE),
  );
  const server = createHttpServer({ router, telemetry, serviceAuth: options.serviceAuth, identity: options.identity, registered: smsRoutes, ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}) });
  return { server, routes: smsRoutes };
}
