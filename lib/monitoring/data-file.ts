/**
 * Streams a training or reference data file in batches of records: CSV (header row, parsed by
 * csv-parse: quoting, BOMs and CRLF handled by a maintained parser) or JSON lines (one object per
 * line). CSV cells stay text (Schema.textView reads them as serving would receive them); JSON
 * values keep their types. Memory: one batch at a time.
 */
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { OrtexError } from '../base/errors.js';
import { parseProfile, type ProfileSpec } from './profile.js';
import { Schema, type RowView } from './schema.js';

export type DataFormat = 'csv' | 'jsonl';

export interface RecordBatch {
  /** CSV: header → cell text; JSON lines: the parsed objects. */
  readonly records: Record<string, unknown>[];
  /** 1-based file line of each record (CSV: the line its record ends on). */
  readonly lines: number[];
  /** Rows before this batch. */
  readonly offset: number;
  /** CSV: the header; JSON lines: the keys of the first record. */
  readonly columns: readonly string[];
  readonly format: DataFormat;
}

/** The format a path's extension implies (.csv, .tsv → csv; .jsonl, .ndjson, .json → jsonl), or `explicit`. */
export function dataFormat(path: string, explicit?: string): DataFormat {
  const f =
    explicit ??
    ({ '.csv': 'csv', '.tsv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'jsonl' } as Record<string, string>)[
      extname(path).toLowerCase()
    ];
  if (f !== 'csv' && f !== 'jsonl')
    throw new OrtexError(
      'ERR_INVALID_ARGUMENT',
      `expected csv or jsonl for the format of ${path} (from its extension or --format), received ${f ?? extname(path) ?? 'none'}`,
    );
  return f;
}

/** Yields the file's records in batches of `batchSize`. Malformed CSV or JSON throws ERR_INVALID_INPUT naming the line. */
export async function* readBatches(path: string, options: { format?: string; batchSize?: number } = {}): AsyncGenerator<RecordBatch> {
  const format = dataFormat(path, options.format);
  const size = options.batchSize ?? 1024;
  let records: Record<string, unknown>[] = [];
  let lines: number[] = [];
  let offset = 0;
  let columns: string[] = [];
  const flush = (): RecordBatch => {
    const b: RecordBatch = { records, lines, offset, columns, format };
    offset += records.length;
    records = [];
    lines = [];
    return b;
  };
  const input = createReadStream(path);
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', reject);
  });
  try {
    await opened;
  } catch (e) {
    throw new OrtexError(
      'ERR_INVALID_ARGUMENT',
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  if (format === 'csv') {
    const parser = input.pipe(
      parse({
        columns: (header: string[]) => (columns = header.map((h) => h.trim())),
        bom: true,
        skip_empty_lines: true,
        delimiter: extname(path).toLowerCase() === '.tsv' ? '\t' : ',',
        info: true,
      }),
    );
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
        records.push(record);
        lines.push(info.lines);
        if (records.length >= size) yield flush();
      }
    } catch (e) {
      throw new OrtexError('ERR_INVALID_INPUT', `${path}: ${(e as Error).message}`, { cause: e });
    } finally {
      input.destroy();
    }
  } else {
    let line = 0;
    try {
      for await (const text of createInterface({ input, crlfDelay: Infinity })) {
        line++;
        if (!text.trim()) continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          throw new OrtexError(
            'ERR_INVALID_INPUT',
            `${path}:${line}: expected a JSON object per line, received malformed JSON (${(e as Error).message})`,
          );
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          throw new OrtexError(
            'ERR_INVALID_INPUT',
            `${path}:${line}: expected a JSON object per line, received ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
          );
        if (!columns.length) columns = Object.keys(value);
        records.push(value as Record<string, unknown>);
        lines.push(line);
        if (records.length >= size) yield flush();
      }
    } finally {
      input.destroy();
    }
  }
  if (records.length) yield flush();
}

/** The feature values of a batch as serving would receive them. */
export function batchView(schema: Schema, batch: RecordBatch): RowView {
  return batch.format === 'csv' ? schema.textView(batch.records as Record<string, string>[]) : schema.view(batch.records);
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new OrtexError('ERR_INVALID_ARGUMENT', `cannot read the ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OrtexError('ERR_INVALID_ARGUMENT', `expected JSON in the ${what} ${path}, received malformed JSON (${(e as Error).message})`);
  }
}

/** Reads and checks schema.json. */
export async function loadSchema(path: string): Promise<Schema> {
  const raw = await readJson(path, 'schema');
  try {
    return Schema.from(raw);
  } catch (e) {
    throw new OrtexError('ERR_INVALID_ARGUMENT', `${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Reads and checks profile.json. */
export async function loadProfile(path: string): Promise<ProfileSpec> {
  const raw = await readJson(path, 'profile');
  try {
    return parseProfile(raw);
  } catch (e) {
    throw new OrtexError('ERR_INVALID_ARGUMENT', `${path}: ${(e as Error).message}`, { cause: e });
  }
}
