/**
 * The names of reservoir export files, written and read back: `<model>-<version>-<time>.csv`, and
 * `<model>-<version>-<time>-<n>.csv` for the n-th further export in the same millisecond. Retention
 * (export-files.ts) deletes only files whose name parses back to the exporting version's prefix, so
 * a user's own files in the folder, and other versions' exports, are never touched.
 *
 * A name parses one way only: the time is a fixed-form UTC stamp (`2026-12-01T22-49-52-123Z`)
 * anchored before the end, so `a-1` version `2` (`a-1-2-<time>.csv`) never reads as model `a`
 * version `1-2`'s. Names that differ only in characters replaced by `_` (`a b` and `a_b`) share a
 * prefix and so one retention budget: the file name cannot tell them apart. This file loads
 * nothing (the server imports it without loading `ortex/monitoring`).
 */

/** A model or version name as part of a file name: ASCII letters, digits, `.`, `_` and `-` only (others become `_`). */
export function fileNamePart(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** What every export file name of one model version starts with (before `-<time>`). */
export function exportPrefix(model: string, version: string): string {
  return `${fileNamePart(model)}-${fileNamePart(version)}`;
}

/** A time (ms since the epoch) as it appears in a file name: ISO 8601 UTC with `:` and `.` as `-`. */
export function fileTimeStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

/** File name of an export: `<model>-<version>-<time>.csv`, with `-<n>` before `.csv` for n > 0. */
export function exportFileName(model: string, version: string, time: number | Date = Date.now(), n = 0): string {
  return `${exportPrefix(model, version)}-${fileTimeStamp(+time)}${n > 0 ? `-${n}` : ''}.csv`;
}

const EXPORT_NAME = /^(.+)-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(?:-([1-9]\d{0,8}))?\.csv$/;

export interface ParsedExportName {
  prefix: string;
  /** The time in the name (ms since the epoch). */
  time: number;
  /** 0, or the n of a further export in the same millisecond. */
  n: number;
}

/** The prefix, time and sequence number of an export file name; undefined for any other name. */
export function parseExportFileName(name: string): ParsedExportName | undefined {
  const m = EXPORT_NAME.exec(name);
  if (!m) return undefined;
  const time = Date.parse(`${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:${m[7]}.${m[8]}Z`);
  if (!Number.isFinite(time)) return undefined;
  return { prefix: m[1]!, time, n: m[9] ? Number(m[9]) : 0 };
}

/** The temporary name a file is written under before it is published as `name`: `.<name>.<pid>-<8 hex>.tmp`. */
export function tempFileName(name: string, pid: number, random: string): string {
  return `.${name}.${pid}-${random}.tmp`;
}

const TEMP_NAME = /^\.(.+)\.\d+-[0-9a-f]{8}\.tmp$/;

/** The name a temporary file was going to be published as (see tempFileName); undefined for any other name. */
export function parseTempFileName(name: string): string | undefined {
  return TEMP_NAME.exec(name)?.[1];
}
