// Sends a syslog file (one message a line) to 127.0.0.1:PORT over N TCP connections, then exits.
// A process of its own, so that the receiver's CPU time counts only the receiver.
//   tsx bench/syslog-send.ts --port 5514 --file FILE [--connections 4]
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' }, file: { type: 'string' }, connections: { type: 'string', default: '4' } } });
const text = readFileSync(values.file!, 'utf8');
const lines = text.split('\n').filter(Boolean);
const connections = Number(values.connections);
const per = Math.ceil(lines.length / connections);
const CHUNK = 2000;

const send = (from: number, to: number) =>
  new Promise<void>((resolve, reject) => {
    const write = async () => {
      for (let start = from; start < to; start += CHUNK) {
        const chunk = lines.slice(start, Math.min(to, start + CHUNK)).join('\n') + '\n';
        if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
      }
      socket.end();
    };
    const socket = connect(Number(values.port), '127.0.0.1', () => void write().catch(reject));
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });

await Promise.all(Array.from({ length: connections }, (_, c) => send(c * per, Math.min(lines.length, (c + 1) * per))));
