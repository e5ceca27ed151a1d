import { defineErrors } from '../kit/errors.js';

/** Error codes of the message bus. */
export const busErrors = defineErrors({
  BUS_TOPIC_INVALID: {
    status: 400,
    message: 'The topic name is not valid.',
    hint: 'Use 1..64 characters: a lowercase letter, then lowercase letters, digits, ".", "_" or "-".',
  },
  BUS_MESSAGE_TOO_LARGE: { status: 413, message: 'The message data is larger than the limit.', hint: 'Publish at most 64 KiB of JSON; send an id, not the document.' },
  BUS_PUBLISH_FORBIDDEN: {
    status: 403,
    message: 'This client may not publish on this topic.',
    hint: 'Each topic has its publishers (contract/service-auth.ts busPublishers): token.revoked and the user events are auth’s, chat.message is chat’s.',
  },
  BUS_BACKEND_UNAVAILABLE: { status: 503, message: 'The bus backend cannot be reached.', hint: 'See the bus instance log.' },
});
