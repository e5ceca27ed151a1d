export * from './topolab-error.js';
export * from './error-codes.js';
