// undici's own modules, imported one by one by kit/http/undici.ts (which gives them undici's types).
declare module 'undici/lib/dispatcher/agent.js' {
  const value: unknown;
  export default value;
}
declare module 'undici/lib/api/api-request.js' {
  const value: unknown;
  export default value;
}
declare module 'undici/lib/core/connect.js' {
  const value: unknown;
  export default value;
}
declare module 'undici/lib/core/errors.js' {
  const value: unknown;
  export default value;
}
