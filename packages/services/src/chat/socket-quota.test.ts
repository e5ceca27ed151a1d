import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openChatStore, type ChatStore } from './store.js';
import { openSocketQuota } from './socket-quota.js';

describe('socket quota (per user, across instances sharing the database)', () => {
  const dirs: string[] = [];
  const stores: ChatStore[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function open(instanceId: string, file: string, clock: () => number) {
    const store = openChatStore(file);
    stores.push(store);
    return openSocketQuota({ db: store.db, instanceId, maxPerUser: 3, leaseMs: 1000, clock });
  }
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolab-quota-'));
    dirs.push(dir);
    return join(dir, 'chat.db');
  };

  it('holds the cap across two instances, per user, and a released seat is free again', () => {
    const db = file();
    const one = open('chat#1', db, () => 0);
    const two = open('chat#2', db, () => 0);
    expect([one.claim('ada', 1), two.claim('ada', 1), one.claim('ada', 2), two.claim('ada', 2)]).toEqual([true, true, true, false]);
    expect(one.claim('bob', 3)).toBe(true);
    two.release(1);
    two.release(1);
    expect(two.claim('ada', 4)).toBe(true);
    expect(one.claim('ada', 5)).toBe(false);
  });

  it('stops counting the seats of an instance that died (not renewed within the lease), and frees a restarted one’s at once', () => {
    const db = file();
    let now = 0;
    const dead = open('chat#1', db, () => now);
    const live = open('chat#2', db, () => now);
    for (const id of [1, 2, 3]) dead.claim('ada', id);
    expect(live.claim('ada', 1)).toBe(false);
    now = 999;
    live.renew();
    expect(live.claim('ada', 1)).toBe(false);
    now = 1001;
    expect(live.claim('ada', 1)).toBe(true);
    // chat#2 restarts: its old rows are gone.
    const restarted = open('chat#2', db, () => now);
    for (const id of [1, 2, 3]) expect(restarted.claim('ada', id)).toBe(true);
    restarted.close();
    expect(restarted.claim('ada', 9)).toBe(false);
    restarted.release(1);
    expect(live.claim('ada', 7)).toBe(true);
  });
});
