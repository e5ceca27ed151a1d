import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase } from '../kit/sqlite.js';
import { spamMigrations } from './filters/index.js';
import { mailMigrations, messageId } from './schema.js';
import { mailDatabaseFile, openMailStore } from './store.js';
import { testDir } from '@topolab/test-support/files';

describe('contents.sender_id', () => {
  it('is added to a database from before it, filled from the sender’s own copy, and left empty for system messages', () => {
    const dir = testDir('mail-senders');
    const file = join(dir, mailDatabaseFile);
    // A database as the previous release left it: mail's migration and the spam filter's, no sender_id.
    const old = openDatabase(file, { migrations: [...mailMigrations, ...spamMigrations] });
    old.exec(`
      INSERT INTO owners (num, user_id, next_seq) VALUES (1, 'u-ada', 3), (2, 'u-bob', 2);
      INSERT INTO contents (id, sender, sender_name, to_list, cc_list, subject, body, sent_at, attachment_count, size)
        VALUES (1, 'ada@topolab.test', 'Ada', '["bob@topolab.test"]', '[]', 'old mail', 'x', 1, 0, 1),
               (2, 'mailer-daemon@topolab.test', 'Mail Delivery System', '["ada@topolab.test"]', '[]', 'Undeliverable', 'x', 1, 0, 1);
      INSERT INTO messages (id, owner, mailbox, kind, content_id, bcc_list, read, sent_at, delivered_at, attachment_count)
        VALUES (${messageId(1, 1)}, 1, 'sent', 'mail', 1, '[]', 1, 1, 1, 0),
               (${messageId(2, 1)}, 2, 'inbox', 'mail', 1, NULL, 0, 1, 1, 0),
               (${messageId(1, 2)}, 1, 'inbox', 'bounce', 2, NULL, 0, 1, 1, 0);
    `);
    old.close();

    const store = openMailStore(file, { extraMigrations: spamMigrations });
    onTestFinished(() => store.close());
    expect(store.listMailbox('u-bob', 'inbox', { limit: 10 }).map((m) => m.from)).toEqual([{ address: 'ada@topolab.test', name: 'Ada', userId: 'u-ada' }]);
    expect(store.listMailbox('u-ada', 'inbox', { limit: 10 }).map((m) => m.from.userId)).toEqual([undefined]);
    // A second instance opening the same file finds the column there and changes nothing.
    const again = openMailStore(file, { extraMigrations: spamMigrations });
    again.close();
    expect(store.listMailbox('u-bob', 'inbox', { limit: 10 })[0]?.from.userId).toBe('u-ada');
  });
});
