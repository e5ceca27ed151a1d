export * from './read-authenticator.js';
export * from './read-phone.js';
