import { describe, expect, it } from 'vitest';
import { parseClientFrame, textProblem } from './frames.js';

const frame = (value: unknown) => parseClientFrame(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), false);
const codeOf = (parsed: ReturnType<typeof parseClientFrame>) => (parsed.ok ? 'ok' : parsed.error.code);

describe('chat frames', () => {
  it('accepts join, leave and send', () => {
    expect(frame({ type: 'join', room: 'lobby' })).toEqual({ ok: true, frame: { type: 'join', room: 'lobby' } });
    expect(frame({ type: 'leave', room: 'lobby', extra: 1 })).toEqual({ ok: true, frame: { type: 'leave', room: 'lobby' } });
    expect(frame({ type: 'send', room: 'lobby', text: 'two\nlines\tand emoji 👩‍💻' })).toMatchObject({ ok: true, frame: { text: 'two\nlines\tand emoji 👩‍💻' } });
  });

  it.each([
    ['not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
    ['null', 'null'],
    ['no type', { room: 'lobby' }],
    ['an unknown type', { type: 'shout', room: 'lobby' }],
    ['no room', { type: 'join' }],
    ['a room that is not a string', { type: 'send', room: 7, text: 'x' }],
  ])('refuses %s with CHAT_BAD_FRAME', (_what, value) => {
    expect(codeOf(frame(value))).toBe('CHAT_BAD_FRAME');
  });

  it('refuses binary frames', () => {
    expect(codeOf(parseClientFrame(Buffer.from('{"type":"join","room":"lobby"}'), true))).toBe('CHAT_BAD_FRAME');
  });

  it.each([
    ['no text', { type: 'send', room: 'lobby' }],
    ['blank text', { type: 'send', room: 'lobby', text: ' \n\t ' }],
    ['a NUL', { type: 'send', room: 'lobby', text: 'a\u0000b' }],
    ['an ESC', { type: 'send', room: 'lobby', text: '\u001b[2Jhi' }],
    ['a DEL', { type: 'send', room: 'lobby', text: 'a\u007fb' }],
    ['a bell', { type: 'send', room: 'lobby', text: 'ding\u0007' }],
    ['a carriage return', { type: 'send', room: 'lobby', text: 'a\rb' }],
    ['a C1 control', { type: 'send', room: 'lobby', text: 'a\u0085b' }],
    ['a bidirectional override', { type: 'send', room: 'lobby', text: 'abc\u202edef' }],
    ['a lone surrogate', { type: 'send', room: 'lobby', text: 'a\ud800b' }],
    ['2001 characters', { type: 'send', room: 'lobby', text: 'x'.repeat(2001) }],
  ])('refuses %s with CHAT_TEXT_INVALID and names the room', (_what, value) => {
    const parsed = frame(value);
    expect(codeOf(parsed)).toBe('CHAT_TEXT_INVALID');
    expect(parsed).toMatchObject({ room: 'lobby' });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(textProblem('😀'.repeat(2000))).toBeUndefined();
    expect(textProblem('😀'.repeat(2001))).toMatch(/longer than 2000/);
  });
});
