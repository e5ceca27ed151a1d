import { defineErrors } from '../kit/errors.js';

/** Error codes of the message bus. */
export const busErrors = defineErrors({
  BUS_TOPIC_INVALID: [400, 'The topic name is not valid.', 'Use 1..64 characters: a lowercase letter, then lowercase letters, digits, ".", "_" or "-".'],
  BUS_MESSAGE_TOO_LARGE: [413, 'The message data is larger than the limit.', 'Publish at most 64 KiB of JSON; send an id, not the document.'],
  BUS_PUBLISH_FORBIDDEN: [403, 'This client may not publish on this topic.', 'Each topic has its publishers (contract/service-auth.ts busPublishers): token.revoked and the user events are auth’s, chat.message is chat’s.'],
  BUS_BACKEND_UNAVAILABLE: [503, 'The bus backend cannot be reached.', 'See the bus instance log.'],
});
