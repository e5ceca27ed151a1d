import type { IncomingMessage, ServerResponse } from 'node:http';

// How much of a refused body a server reads and throws away before answering 413 (nginx's
// lingering close, done before the answer): a client still sending when the connection closes
// gets a reset, and its TCP stack may throw the unread answer away with it. Past either bound
// the answer goes at once, and so it does when the client pauses (it declared more than it
// sends, as a smuggling attempt does, and waits for an answer).
const drainLimitBytes = 64 * 1024 * 1024;
const drainTimeoutMs = 5_000;
const drainIdleMs = 500;

/**
 * Reads and discards what is left of `req`'s body (within the bounds above), then calls
 * `answer`. A client that sent `Expect: 100-continue` and was not invited (`res` wrote no
 * `100 Continue`) sends nothing: it is answered at once.
 */
export function drainThen(req: IncomingMessage, res: ServerResponse, answer: () => void): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  const invited = req.headers.expect === undefined || (res as ServerResponse & { _sent100?: boolean })._sent100 === true;
  // A destroyed or fully read request has nothing left.
  if (req.complete || req.destroyed || req.readableEnded || !invited || declared > drainLimitBytes) {
    answer();
    return;
  }
  let drained = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    clearTimeout(idle);
    req.off('data', onData);
    answer();
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > drainLimitBytes) finish();
    else idle.refresh();
  };
  const timer = setTimeout(finish, drainTimeoutMs);
  const idle = setTimeout(finish, drainIdleMs);
  req.on('data', onData);
  // A reader that gave up may have paused the request.
  req.resume();
  req.once('end', finish);
  req.once('error', finish);
  req.once('close', finish);
}

/**
 * Answers a request whose body was refused (413) and closes its connection cleanly: drains the
 * rest of the body first (drainThen), writes the answer with `send` (which sets
 * `Connection: close`), and once it is flushed destroys the request — which closes the socket
 * only when the drain stopped short; a fully read request closes with a FIN after the answer.
 */
export function answerThenClose(req: IncomingMessage, res: ServerResponse, send: () => void): void {
  drainThen(req, res, () => {
    if (res.writableEnded || res.destroyed) return;
    res.shouldKeepAlive = false;
    send();
    res.once('finish', () => req.destroy());
  });
}
