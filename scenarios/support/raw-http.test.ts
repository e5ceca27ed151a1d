import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { chunked, describeExchange, exchangeRaw, rawRequest } from './raw-http.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A loopback server that answers every request with its method and path (chunked for /chunked). */
async function startEcho(): Promise<string> {
  server = createServer((req, res) => {
    const body = JSON.stringify({ method: req.method, url: req.url });
    if (req.url === '/chunked') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(body.slice(0, 5));
      res.end(body.slice(5));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('exchangeRaw', () => {
  it('reads every pipelined answer, whatever its framing, and sees the server close', async () => {
    const url = await startEcho();
    const exchange = await exchangeRaw(url, rawRequest(['GET /one HTTP/1.1', 'Host: x']) + rawRequest(['GET /chunked HTTP/1.1', 'Host: x', 'Connection: close']));
    expect(exchange.responses.map((response) => [response.status, response.body])).toEqual([
      [200, { method: 'GET', url: '/one' }],
      [200, { method: 'GET', url: '/chunked' }],
    ]);
    expect(exchange.closedByServer).toBe(true);
    expect(describeExchange(exchange)).toBe('answered 200, then 200, then closed the connection');
  });

  it('reports a connection the server keeps open after the timeout, and a parser refusal', async () => {
    const url = await startEcho();
    const open = await exchangeRaw(url, rawRequest(['GET /one HTTP/1.1', 'Host: x']), { timeoutMs: 200 });
    expect(open.responses).toHaveLength(1);
    expect(open.closedByServer).toBe(false);
    const refused = await exchangeRaw(url, rawRequest(['POST /a HTTP/1.1', 'Host: x', 'Content-Length: 3', 'Content-Length: 4'], 'abcd'));
    expect(refused.responses.map((response) => response.status)).toEqual([400]);
    expect(refused.closedByServer).toBe(true);
  });
});

describe('chunked', () => {
  it('frames parts as chunks and ends with the trailers', () => {
    expect(chunked(['hello', 'é'], ['x-a: 1'])).toBe('5\r\nhello\r\n2\r\né\r\n0\r\nx-a: 1\r\n\r\n');
  });
});
