import { clientCredentialsErrors } from './auth/client-credentials.js';
import { authErrors } from './auth/errors.js';
import { busErrors } from './bus/errors.js';
import { cacheErrors } from './cache/errors.js';
import { chatErrors } from './chat/errors.js';
import { gatewayErrors } from './gateway/errors.js';
import { graphqlErrors } from './graphql/errors.js';
import type { ErrorDefinition } from './kit/errors.js';
import { httpErrors } from './kit/errors.js';
import { serviceAuthErrors } from './kit/service-auth/guard.js';
import { lbErrors } from './lb/errors.js';
import { mailErrors } from './mail/errors.js';
import { profileErrors } from './profile/errors.js';
import { registryErrors } from './registry/errors.js';
import { sidecarErrors } from './sidecar/errors.js';
import { smsErrors } from './sms/errors.js';

/** Every error table of the services, by area, for docs/errors.md and its test. */
export const serviceErrorTables: Readonly<Record<string, Readonly<Record<string, ErrorDefinition>>>> = Object.freeze({
  'every service (kit)': httpErrors.definitions,
  'internal routes (service tokens)': serviceAuthErrors.definitions,
  registry: registryErrors.definitions,
  gateway: gatewayErrors.definitions,
  lb: lbErrors.definitions,
  auth: authErrors.definitions,
  'auth: client credentials (RFC 6749 §5.2)': clientCredentialsErrors.definitions,
  sms: smsErrors.definitions,
  profile: profileErrors.definitions,
  mail: mailErrors.definitions,
  chat: chatErrors.definitions,
  graphql: graphqlErrors.definitions,
  bus: busErrors.definitions,
  cache: cacheErrors.definitions,
  sidecar: sidecarErrors.definitions,
});
