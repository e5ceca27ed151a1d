import { describe, expect, it } from 'vitest';
import { isMessageType, parseStreamMessage } from './stream-messages';

describe('parseStreamMessage', () => {
  it('reads each message type', () => {
    const hello = { type: 'hello', now: 1, gatewayUrl: 'http://127.0.0.1:1', modes: { discovery: 'client', auth: 'remote' }, choices: { discovery: [], auth: [] }, timings: { heartbeatMs: 1000, missedHeartbeats: 3 }, instances: [], spans: [] };
    expect(parseStreamMessage('hello', JSON.stringify(hello))).toEqual(hello);
    expect(parseStreamMessage('instances', JSON.stringify({ type: 'instances', now: 2, instances: [] }))).toMatchObject({ type: 'instances' });
    expect(parseStreamMessage('spans', JSON.stringify({ type: 'spans', spans: [] }))).toMatchObject({ type: 'spans' });
    expect(parseStreamMessage('modes', JSON.stringify({ type: 'modes', time: 1, modes: { discovery: 'server', auth: 'local' }, previous: { discovery: 'client', auth: 'local' } }))).toMatchObject({ type: 'modes' });
    expect(parseStreamMessage('log', JSON.stringify({ type: 'log', time: 1, level: 'info', text: 'hi', instance: undefined }))).toMatchObject({ type: 'log', text: 'hi' });
  });

  it('fills a missing type from the event name', () => {
    expect(parseStreamMessage('spans', '{"spans":[]}')).toEqual({ type: 'spans', spans: [] });
  });

  it('drops what is not JSON, names another type, or lacks a field', () => {
    expect(parseStreamMessage('spans', 'not json')).toBeUndefined();
    expect(parseStreamMessage('spans', '[1]')).toBeUndefined();
    expect(parseStreamMessage('spans', '{"type":"log","spans":[]}')).toBeUndefined();
    expect(parseStreamMessage('instances', '{"type":"instances","instances":[]}')).toBeUndefined();
    expect(parseStreamMessage('ping', '{}')).toBeUndefined();
  });

  it('knows the event names', () => {
    expect(isMessageType('hello')).toBe(true);
    expect(isMessageType('message')).toBe(false);
  });
});
