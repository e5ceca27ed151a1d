import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpamMessage, SpamVerdict, VirusScanResult } from '../src/mail/filters/index.js';
import { closeServer, listenOnLoopback, recordTelemetry, type RecordedTelemetry } from './kit.js';
import { createTestServiceGuard } from './kit-service-auth.js';
import { createMailApp, type MailApp } from '../src/mail/app.js';
import type { MailFilters } from '../src/mail/filter-seam.js';
import { mailDatabaseFile, openMailStore, type MailStore } from '../src/mail/store.js';
import { UserLookupError, type MailUser, type UserDirectory } from '../src/mail/users.js';
import { asUser, createTestIdentityVerifier } from './kit-identity.js';

/** Users every mail test knows (all verified but `carol`). */
export const testUsers = Object.freeze({
  ada: { userId: 'u-ada', username: 'ada', firstName: 'Ada', verified: true },
  bob: { userId: 'u-bob', username: 'bob', firstName: 'Bob', verified: true },
  cy: { userId: 'u-cy', username: 'cy', firstName: 'Cy', verified: true },
  carol: { userId: 'u-carol', username: 'carol', firstName: 'Carol', verified: false },
} satisfies Record<string, MailUser>);

/** A directory over a fixed list of users that counts its lookups and can be made to fail. */
export interface FakeDirectory extends UserDirectory {
  readonly users: MailUser[];
  lookups: number;
  /** When true, every lookup throws UserLookupError (auth down). */
  failing: boolean;
}

/** Creates a FakeDirectory; `extra` users are added to testUsers. */
export function createFakeDirectory(extra: readonly MailUser[] = []): FakeDirectory {
  const directory: FakeDirectory = {
    users: [...Object.values(testUsers), ...extra],
    lookups: 0,
    failing: false,
    async byUsernames(usernames) {
      directory.lookups += 1;
      if (directory.failing) throw new UserLookupError('auth is down (fake)');
      return new Map(directory.users.filter((user) => user.verified && usernames.includes(user.username)).map((user) => [user.username, user]));
    },
    async byId(userId) {
      directory.lookups += 1;
      if (directory.failing) throw new UserLookupError('auth is down (fake)');
      return directory.users.find((user) => user.userId === userId && user.verified);
    },
  };
  return directory;
}

/** Fake filters: `SPAMWORD` in a subject or body is spam, `VIRUS` in a body or attachment is infected; marks are recorded. */
export interface FakeFilters extends MailFilters {
  readonly scored: SpamMessage[];
  readonly learned: { userId: string; message: SpamMessage; label: 'spam' | 'ham' }[];
}

/** Creates FakeFilters. */
export function createFakeFilters(): FakeFilters {
  const scored: SpamMessage[] = [];
  const learned: FakeFilters['learned'] = [];
  return {
    scored,
    learned,
    spam: {
      score(message): SpamVerdict {
        scored.push(message);
        const spam = `${message.subject} ${message.body}`.includes('SPAMWORD');
        return { score: spam ? 0.99 : 0.05, spam, reasons: spam ? ['fake: SPAMWORD'] : [] };
      },
      learn: (userId, message, label) => void learned.push({ userId, message, label }),
    },
    virus: {
      async scan({ body, attachments }): Promise<VirusScanResult> {
        const infected = body.includes('VIRUS') || attachments.some((a) => a.data.includes('VIRUS'));
        return { infected, reasons: infected ? ['fake: VIRUS'] : [] };
      },
    },
  };
}

/** One answer, body parsed when it is JSON. */
export interface MailResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** An in-process mail service on 127.0.0.1:0 over a database in its own temp dir. */
export interface TestMail {
  readonly app: MailApp;
  readonly url: string;
  readonly store: MailStore;
  readonly directory: FakeDirectory;
  readonly filters: FakeFilters;
  readonly recorded: RecordedTelemetry;
  /** Sends `body` as JSON as the user `as` (a testUsers key or a user id; null: no user). */
  request(method: string, path: string, body?: unknown, as?: string | null): Promise<MailResponse>;
  close(): Promise<void>;
}

/** Starts mail for a test with fake users and filters; the caller registers `close` right away. */
export async function startTestMail(options: { readonly clock?: () => number } = {}): Promise<TestMail> {
  const dir = mkdtempSync(join(tmpdir(), 'topolab-mail-'));
  const store = openMailStore(join(dir, mailDatabaseFile));
  const directory = createFakeDirectory();
  const filters = createFakeFilters();
  const recorded = recordTelemetry('mail');
  const app = createMailApp({ store, users: directory, filters, telemetry: recorded.telemetry, serviceAuth: createTestServiceGuard('mail'), identity: createTestIdentityVerifier('mail', options.clock), ...(options.clock ? { clock: options.clock } : {}) });
  const { url } = await listenOnLoopback(app.server);
  return {
    app,
    url,
    store,
    directory,
    filters,
    recorded,
    async request(method, path, body, as = 'ada') {
      const userId = as === null ? undefined : ((testUsers as Record<string, MailUser>)[as]?.userId ?? as);
      const res = await fetch(url + path, {
        method,
        headers: { ...(userId ? await asUser(userId, 'mail', options.clock ? { now: options.clock() } : {}) : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text };
    },
    async close() {
      await closeServer(app.server);
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
