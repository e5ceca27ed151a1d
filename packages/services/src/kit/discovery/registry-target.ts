/** Host and port of the registry from its URL (`http://127.0.1.1:40123`). */
export function registryTarget(registryUrl: string): { host: string; port: number } {
  const url = new URL(registryUrl);
  return { host: url.hostname, port: Number(url.port || 80) };
}
