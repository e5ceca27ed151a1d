import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openChatStore, type ChatStore } from './store.js';

describe('chat store', () => {
  let dir: string;
  let stores: ChatStore[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topolab-chat-store-'));
    // Two instances over one WAL database, as the topology runs them.
    stores = [openChatStore(join(dir, 'chat.db')), openChatStore(join(dir, 'chat.db'))];
  });

  afterEach(() => {
    for (const store of stores) store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('always has the lobby, and creates a room once', () => {
    const [one, two] = stores as [ChatStore, ChatStore];
    expect(one.listRooms()).toEqual([{ name: 'lobby', createdBy: null, createdAt: 0 }]);
    expect(one.createRoom('ops', 'u1', 1000)).toEqual({ name: 'ops', createdBy: 'u1', createdAt: 1000 });
    expect(two.createRoom('ops', 'u2', 2000)).toBeUndefined();
    expect(two.listRooms().map((room) => room.name)).toEqual(['lobby', 'ops']);
    expect(two.hasRoom('ops')).toBe(true);
    expect(two.hasRoom('nope')).toBe(false);
  });

  it('stores messages from both instances with one growing id, and refuses an unknown room', () => {
    const [one, two] = stores as [ChatStore, ChatStore];
    const first = one.addMessage('lobby', 'u1', 'hello', 10);
    const second = two.addMessage('lobby', 'u2', 'hi', 11);
    expect(first).toEqual({ id: 1, room: 'lobby', from: 'u1', text: 'hello', time: 10 });
    expect(second?.id).toBe(2);
    expect(one.addMessage('nope', 'u1', 'lost', 12)).toBeUndefined();
    expect(two.history('lobby', { limit: 10 }).map((message) => message.text)).toEqual(['hello', 'hi']);
  });

  it('pages history newest page first, each page oldest first', () => {
    const [one] = stores as [ChatStore];
    one.createRoom('ops', 'u1', 0);
    for (let i = 1; i <= 5; i++) one.addMessage('lobby', 'u1', `m${i}`, i);
    one.addMessage('ops', 'u1', 'elsewhere', 6);
    const newest = one.history('lobby', { limit: 2 });
    expect(newest.map((message) => message.text)).toEqual(['m4', 'm5']);
    const before = one.history('lobby', { limit: 2, before: newest[0]!.id });
    expect(before.map((message) => message.text)).toEqual(['m2', 'm3']);
    expect(one.history('lobby', { limit: 10, before: 1 })).toEqual([]);
  });
});
