/*
 * The bench's bare Node proxy: the Node ceiling of a proxy hop. A node:http server that sends
 * every request to its upstreams in turn over an undici Pool each, and streams the answer back:
 * no routing, auth, tracing, retries or limits, and nothing signed (the load generator sends the
 * identity header the direct row sends; it passes through with the others). Run as a program of
 * its own so its CPU is its own: `node bare-proxy.js http://127.0.0.1:40001 http://…`; it prints
 * its port on stdout and exits when its parent's IPC channel closes.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);
const forward = (headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>) => Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined && !hopByHop.has(entry[0])));
const pools = process.argv.slice(2).map((origin) => new Pool(origin));
let next = 0;

const server = createServer((req, res) => {
  const pool = pools[next++ % pools.length]!;
  const body = req.method === 'GET' || req.method === 'HEAD' ? null : req;
  pool
    .stream({ path: req.url ?? '/', method: req.method as Dispatcher.HttpMethod, headers: forward(req.headers), body }, ({ statusCode, headers }) => {
      res.writeHead(statusCode, forward(headers));
      return res;
    })
    .catch(() => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
process.on('disconnect', () => process.exit(0));
