import { defineErrors } from '../kit/errors.js';

/** Error codes of the auth sidecar besides the kit's `HTTP_*` codes. */
export const sidecarErrors = defineErrors({
  SIDECAR_AUTH_UNAVAILABLE: [503, 'The sidecar cannot check this token right now.', 'It had no cached verdict and auth did not answer; check that an auth instance is running and registered.'],
  SIDECAR_NOT_READY: [503, 'The sidecar is still starting.', 'It is ready once it has loaded the registry catalog (to find auth) and follows revocations; a health check or readiness probe waits for that.'],
});
