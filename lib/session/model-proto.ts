/**
 * Reads the few top-level ModelProto fields ORT's metadata API does not expose (IR version,
 * opset imports) without parsing the graph: the graph field is skipped by its length.
 */
import { open } from 'node:fs/promises';
import { varint as readVarint } from './model-dims.js';

export interface ModelHeader {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  opsets: { domain: string; version: number }[];
}

type Reader = (pos: number, len: number) => Promise<Uint8Array>;

const decoder = new TextDecoder();

function parseOpset(buf: Uint8Array): { domain: string; version: number } {
  let pos = 0,
    domain = '',
    version = 0;
  while (pos < buf.length) {
    let key: number, len: number;
    [key, pos] = readVarint(buf, pos);
    const field = Math.floor(key / 8),
      wire = key & 7;
    if (wire === 0) {
      let v: number;
      [v, pos] = readVarint(buf, pos);
      if (field === 2) version = v;
      continue;
    }
    if (wire !== 2) break;
    [len, pos] = readVarint(buf, pos);
    if (field === 1) domain = decoder.decode(buf.subarray(pos, pos + len));
    pos += len;
  }
  return { domain, version };
}

async function scan(read: Reader, size: number): Promise<ModelHeader> {
  const header: ModelHeader = { opsets: [] };
  let pos = 0;
  while (pos < size) {
    const head = await read(pos, Math.min(20, size - pos));
    let key: number, p: number;
    [key, p] = readVarint(head, 0);
    const field = Math.floor(key / 8),
      wire = key & 7;
    if (wire === 0) {
      let v: number;
      [v, p] = readVarint(head, p);
      if (field === 1) header.irVersion = v;
      pos += p;
    } else if (wire === 2) {
      let len: number;
      [len, p] = readVarint(head, p);
      const start = pos + p;
      if (field === 2 || field === 3 || field === 8) {
        const body = await read(start, len);
        if (field === 2) header.producerName = decoder.decode(body);
        else if (field === 3) header.producerVersion = decoder.decode(body);
        else header.opsets.push(parseOpset(body));
      }
      pos = start + len;
    } else if (wire === 5) pos += p + 4;
    else if (wire === 1) pos += p + 8;
    else break;
  }
  return header;
}

/** Best effort: returns undefined when the bytes are not a readable ModelProto. */
export async function readModelHeader(model: string | Uint8Array): Promise<ModelHeader | undefined> {
  try {
    if (typeof model !== 'string') return await scan(async (p, l) => model.subarray(p, p + l), model.byteLength);
    const fh = await open(model, 'r');
    try {
      const { size } = await fh.stat();
      return await scan(async (p, l) => {
        const buf = new Uint8Array(l);
        const { bytesRead } = await fh.read(buf, 0, l, p);
        return buf.subarray(0, bytesRead);
      }, size);
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
}
