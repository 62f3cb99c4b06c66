/**
 * The symbolic dimensions of a model's graph inputs (dim_param names and denotations), read from
 * the ModelProto without parsing the rest: graph fields other than inputs (nodes, initializers)
 * are skipped by their length, and a file is read in 64 KiB windows, so large weights are never
 * read. Used to check `freeDimensionOverrides` names, which ONNX Runtime silently ignores when
 * they match nothing.
 */
import { open } from 'node:fs/promises';
import { invalid } from '../base/errors.js';

export interface InputDimensions {
  /** dim_param names of the graph inputs' tensor shapes. */
  names: Set<string>;
  /** Dimension denotations (e.g. data_batch), lowercased. */
  denotations: Set<string>;
}

/** Bytes [pos, pos + len) of the model: at once when they are at hand (bytes, the current file window), else a promise. */
type Read = (pos: number, len: number) => Uint8Array | Promise<Uint8Array>;

const decoder = new TextDecoder();
const WINDOW = 64 * 1024;

/** Reads the protobuf varint at `pos`: [value, position after it]. */
export function varint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let mul = 1;
  let b: number;
  do {
    if (pos >= buf.length) throw new RangeError('truncated varint');
    b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    mul *= 128;
  } while (b & 0x80);
  return [result, pos];
}

/** Calls `f(field, body)` for each length-delimited field of the message in `buf` (other wire types are skipped). */
function fields(buf: Uint8Array, f: (field: number, body: Uint8Array) => void): void {
  let pos = 0;
  while (pos < buf.length) {
    let key: number;
    [key, pos] = varint(buf, pos);
    const wire = key & 7;
    if (wire === 0) [, pos] = varint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len: number;
      [len, pos] = varint(buf, pos);
      f(Math.floor(key / 8), buf.subarray(pos, pos + len));
      pos += len;
    } else return;
  }
}

/**
 * Collects the dims of an input's TypeProto: ORT overrides the dimensions of plain tensor inputs
 * only (TypeProto.tensor_type, field 1: its shape is field 2, a TensorShapeProto of Dimension).
 * Denotations compare case-insensitively, as in ORT: they are kept lowercased.
 */
function collectType(type: Uint8Array, out: InputDimensions): void {
  fields(type, (field, tensor) => {
    if (field !== 1) return;
    fields(tensor, (f, shape) => {
      if (f !== 2) return;
      fields(shape, (g, dim) => {
        if (g !== 1) return;
        fields(dim, (h, s) => {
          if (h === 2) out.names.add(decoder.decode(s));
          else if (h === 3) out.denotations.add(decoder.decode(s).toLowerCase());
        });
      });
    });
  });
}

/** Walks the length-delimited fields of the message at [start, end) of the source, reading only field heads. */
async function walk(
  read: Read,
  start: number,
  end: number,
  visit: (field: number, pos: number, len: number) => Promise<void>,
): Promise<void> {
  let pos = start;
  while (pos < end) {
    const r = read(pos, Math.min(20, end - pos));
    const head = r instanceof Uint8Array ? r : await r;
    let key: number;
    let p: number;
    [key, p] = varint(head, 0);
    const wire = key & 7;
    if (wire === 0) {
      [, p] = varint(head, p);
      pos += p;
    } else if (wire === 1) pos += p + 8;
    else if (wire === 5) pos += p + 4;
    else if (wire === 2) {
      let len: number;
      [len, p] = varint(head, p);
      await visit(Math.floor(key / 8), pos + p, len);
      pos += p + len;
    } else return;
  }
}

async function scan(read: Read, size: number): Promise<InputDimensions> {
  const out: InputDimensions = { names: new Set(), denotations: new Set() };
  await walk(read, 0, size, async (field, pos, len) => {
    if (field !== 7) return; // ModelProto.graph
    await walk(read, pos, pos + len, async (g, at, n) => {
      if (g !== 11) return; // GraphProto.input: a ValueInfoProto
      fields(await read(at, n), (v, type) => v === 2 && collectType(type, out));
    });
  });
  return out;
}

/** The graph inputs' symbolic dimensions of `model` (a path or the bytes), or undefined when it cannot be read as a ModelProto. */
export async function readInputDimensions(model: string | Uint8Array): Promise<InputDimensions | undefined> {
  try {
    if (typeof model !== 'string') return await scan((p, l) => model.subarray(p, p + l), model.byteLength);
    const fh = await open(model, 'r');
    try {
      const { size } = await fh.stat();
      let windowStart = 0;
      let window = new Uint8Array(0);
      const load = async (p: number, l: number): Promise<Uint8Array> => {
        const buf = new Uint8Array(Math.max(l, WINDOW));
        const { bytesRead } = await fh.read(buf, 0, buf.length, p);
        windowStart = p;
        window = buf.subarray(0, bytesRead);
        return window.subarray(0, l);
      };
      return await scan((p, l) => {
        if (p >= windowStart && p + l <= windowStart + window.length) return window.subarray(p - windowStart, p - windowStart + l);
        return load(p, l);
      }, size);
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
}

function quoted(names: Set<string>): string {
  return [...names].map((n) => `'${n}'`).join(', ') || 'none';
}

/**
 * Refuses `freeDimensionOverrides` (and `...ByDenotation`) names that match no dimension of the
 * model's inputs: ONNX Runtime ignores them, so a typo would silently leave the dimension free.
 * A model that cannot be read here is left to ORT to report.
 */
export async function checkFreeDimensionOverrides(
  model: string | Uint8Array,
  byName: readonly [string, string][] | undefined,
  byDenotation: readonly [string, string][] | undefined,
): Promise<void> {
  if (!byName?.length && !byDenotation?.length) return;
  const dims = await readInputDimensions(model);
  if (dims === undefined) return;
  for (const [name] of byName ?? []) {
    if (!dims.names.has(name))
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        'freeDimensionOverrides',
        `names of the model's symbolic input dimensions (${quoted(dims.names)})`,
        `'${name}', which no input has`,
      );
  }
  for (const [denotation] of byDenotation ?? []) {
    if (!dims.denotations.has(denotation.toLowerCase()))
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        'freeDimensionOverridesByDenotation',
        `denotations of the model's input dimensions (${quoted(dims.denotations)})`,
        `'${denotation}', which no input has`,
      );
  }
}
