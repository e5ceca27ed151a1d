import type { ChatServerFrame, ScenarioContext, ScenarioWebSocket, ScenarioWebSocketOptions } from '@topolab/runtime/dsl';

/** A server frame of one type. */
export type FrameOf<T extends ChatServerFrame['type']> = Extract<ChatServerFrame, { type: T }>;

/** A predicate for `socket.next`: a frame of `type` that also passes `matches`. */
export function frameOf<T extends ChatServerFrame['type']>(type: T, matches: (frame: FrameOf<T>) => boolean = () => true): (frame: unknown) => boolean {
  return (frame) => (frame as { type?: unknown } | null)?.type === type && matches(frame as FrameOf<T>);
}

/** An open chat socket and the instance that holds it. */
export interface ChatSocket {
  readonly socket: ScenarioWebSocket;
  /** `chat#2`, from its `welcome`. */
  readonly instanceId: string;
}

/** Opens `/chat/ws` through the gateway and reads its `welcome`. */
export async function openChat(ctx: ScenarioContext, options: ScenarioWebSocketOptions): Promise<ChatSocket> {
  const socket = await ctx.websocket('/chat/ws', options);
  const welcome = await socket.next<FrameOf<'welcome'>>(frameOf('welcome'), { description: 'the welcome frame' });
  return { socket, instanceId: welcome.instanceId };
}

/** Joins `room` and answers its history. */
export async function joinRoom(chat: ChatSocket, room: string): Promise<FrameOf<'joined'>> {
  chat.socket.send({ type: 'join', room });
  return chat.socket.next<FrameOf<'joined'>>(frameOf('joined', (frame) => frame.room === room), { description: `joined ${room}` });
}

/** The next `message` of `room` whose text is `text`. */
export function messageWith(chat: ChatSocket, room: string, text: string, timeoutMs = 2000): Promise<FrameOf<'message'>> {
  return chat.socket.next<FrameOf<'message'>>(frameOf('message', (frame) => frame.room === room && frame.text === text), { timeoutMs, description: `the message "${text}" in ${room}` });
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
