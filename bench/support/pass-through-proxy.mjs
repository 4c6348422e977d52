// The least an HTTP hop in front of llama-server can cost: Node's http server and client, request
// and answer bytes passed on untouched (no JSON parsed, nothing re-encoded). Like our service, it
// keeps a pool of keep-alive connections and sends a streamed request (`"stream":true`) on a
// connection of its own, since llama-server closes the connection after a stream. Run as its own
// process by bench/proxy-floor.bench.ts:
//   node bench/support/pass-through-proxy.mjs <upstream base URL> <port>
import { Agent, createServer, request } from 'node:http';

const [upstream, port] = process.argv.slice(2);
const pooled = new Agent({ keepAlive: true });
const single = new Agent({ keepAlive: false });
createServer((incoming, outgoing) => {
  const chunks = [];
  incoming.on('data', (chunk) => chunks.push(chunk));
  incoming.on('end', () => {
    const body = Buffer.concat(chunks);
    const agent = /"stream"\s*:\s*true/.test(body.toString('latin1')) ? single : pooled;
    const forwarded = request(`${upstream}${incoming.url}`, { method: incoming.method, headers: incoming.headers, agent }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on('error', () => outgoing.destroy());
    forwarded.end(body);
  });
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
