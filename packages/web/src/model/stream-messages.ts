/** Reading the stream's messages: JSON with a shape check, so a bad one is dropped, never thrown. Pure: no DOM. */
import { messageTypes, type DashboardMessage } from '../protocol';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isModes = (value: unknown) => isObject(value) && typeof value.discovery === 'string' && typeof value.auth === 'string';

/** Whether `name` is one of the stream's event names. */
export function isMessageType(name: string): name is DashboardMessage['type'] {
  return (messageTypes as readonly string[]).includes(name);
}

// Whether a message of `type` has the fields the page reads.
function hasShape(type: DashboardMessage['type'], message: Json): boolean {
  switch (type) {
    case 'hello':
      return typeof message.now === 'number' && isModes(message.modes) && Array.isArray(message.instances) && Array.isArray(message.spans) && isObject(message.choices) && isObject(message.timings);
    case 'instances':
      return typeof message.now === 'number' && Array.isArray(message.instances);
    case 'spans':
      return Array.isArray(message.spans);
    case 'modes':
      return isModes(message.modes);
    case 'log':
      return typeof message.text === 'string' && typeof message.time === 'number';
  }
}

/**
 * The message of an SSE event named `eventName` whose data is `data`; undefined when the data
 * is not JSON, names another type, or lacks a field the page reads.
 */
export function parseStreamMessage(eventName: string, data: string): DashboardMessage | undefined {
  if (!isMessageType(eventName)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const type = parsed.type ?? eventName;
  if (type !== eventName || !hasShape(eventName, parsed)) return undefined;
  // The shape check above covers every field the page reads without a fallback.
  return { ...parsed, type: eventName } as unknown as DashboardMessage;
}
