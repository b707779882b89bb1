import { createSocket } from "node:dgram";
import type { RemoteInfo, Socket } from "node:dgram";

const TYPE_A = 1;
const CLASS_IN = 1;

export interface DnsQuery {
  name: string;
  type: number;
}

interface Question extends DnsQuery {
  /** Offset just past the question section. */
  end: number;
}

/**
 * A minimal authoritative DNS server on UDP, standing in for the cluster DNS: names under
 * `suffix` resolve to one IPv4 address (A only; other types get an empty NOERROR answer), every
 * other name is NXDOMAIN. Enough for nginx's resolver; it records what it was asked.
 */
export class DnsResponder {
  readonly queries: DnsQuery[] = [];
  readonly #suffix: string;
  readonly #address: Buffer;
  readonly #socket: Socket = createSocket("udp4");

  constructor(suffix: string, address = "127.0.0.1") {
    this.#suffix = suffix.toLowerCase();
    this.#address = Buffer.from(address.split(".").map(Number));
    this.#socket.on("message", (msg, from) => this.#answer(msg, from));
  }

  /** Binds to `port` (ephemeral by default) on `host` and resolves with the port. */
  start(host = "127.0.0.1", port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#socket.once("error", reject);
      this.#socket.bind(port, host, () => resolve(this.#socket.address().port));
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #answer(msg: Buffer, from: RemoteInfo): void {
    const question = readQuestion(msg);
    if (!question) return;
    this.queries.push({ name: question.name, type: question.type });
    const known = question.name.endsWith(this.#suffix);
    const address = known && question.type === TYPE_A ? this.#address : undefined;
    this.#socket.send(reply(msg, question.end, known, address), from.port, from.address);
  }
}

function readQuestion(msg: Buffer): Question | undefined {
  if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let offset = 12;
  for (let length = msg[offset] ?? 0; length > 0; length = msg[offset] ?? 0) {
    // A question never uses compression pointers (length bytes >= 0xc0).
    if (length > 63) return undefined;
    labels.push(msg.toString("latin1", offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  if (msg.length < offset + 5 || msg.readUInt16BE(offset + 3) !== CLASS_IN) return undefined;
  return {
    name: labels.join(".").toLowerCase(),
    type: msg.readUInt16BE(offset + 1),
    end: offset + 5,
  };
}

function reply(query: Buffer, questionEnd: number, known: boolean, address?: Buffer): Buffer {
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  // QR and AA set, RD echoed; RA set, RCODE 0 (NOERROR) or 3 (NXDOMAIN).
  header[2] = 0x84 | ((query[2] ?? 0) & 0x01);
  header[3] = 0x80 | (known ? 0 : 3);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(address ? 1 : 0, 6);
  const question = query.subarray(12, questionEnd);
  if (!address) return Buffer.concat([header, question]);
  const record = Buffer.alloc(16);
  record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  record.writeUInt16BE(TYPE_A, 2);
  record.writeUInt16BE(CLASS_IN, 4);
  record.writeUInt32BE(5, 6); // TTL in seconds
  record.writeUInt16BE(4, 10);
  address.copy(record, 12);
  return Buffer.concat([header, question, record]);
}
