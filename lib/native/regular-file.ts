/**
 * Checks that a path given for a native library is a regular file before anything opens it:
 * dlopen() of a FIFO blocks forever waiting for a writer, and of a directory or device fails
 * with a message that names neither.
 */
import { statSync, type Stats } from 'node:fs';

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * What is wrong with `path` as a library to load: 'missing' when nothing is there, the kind of
 * thing it is when it is not a regular file, undefined when it is one (symbolic links followed).
 */
export function fileProblem(path: string): 'missing' | string | undefined {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : `unreadable (${code ?? String(e)})`;
  }
  return st.isFile() ? undefined : kind(st);
}
