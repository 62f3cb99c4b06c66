// Which OS and CPU a native binary is for, read from its header (ELF e_machine, Mach-O cputype,
// PE Machine), so that no build or package step can put an x64 file into the arm64 package.
// Names are Node's (process.platform / process.arch).
import { closeSync, openSync, readSync } from 'node:fs';

const ELF_MACHINE = new Map([
  [0x03, 'ia32'],
  [0x28, 'arm'],
  [0x3e, 'x64'],
  [0xb7, 'arm64'],
]);
const MACHO_CPU = new Map([
  [0x01000007, 'x64'],
  [0x0100000c, 'arm64'],
]);
const PE_MACHINE = new Map([
  [0x014c, 'ia32'],
  [0x8664, 'x64'],
  [0xaa64, 'arm64'],
]);

function head(file, bytes) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** { os, cpu, format } of a shared library or executable, or undefined if the header is none of these. */
export function binaryTarget(file) {
  const b = head(file, 4096);
  if (b.length >= 20 && b.readUInt32BE(0) === 0x7f454c46) {
    const machine = b[5] === 2 ? b.readUInt16BE(18) : b.readUInt16LE(18);
    return { os: 'linux', cpu: ELF_MACHINE.get(machine) ?? `elf-machine-0x${machine.toString(16)}`, format: `ELF${b[4] === 2 ? 64 : 32}` };
  }
  if (b.length >= 8 && b.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = b.readUInt32LE(4);
    return { os: 'darwin', cpu: MACHO_CPU.get(cpu) ?? `macho-cpu-0x${cpu.toString(16)}`, format: 'Mach-O 64' };
  }
  if (b.length >= 8 && b.readUInt32BE(0) === 0xcafebabe) return { os: 'darwin', cpu: 'universal', format: 'Mach-O fat' };
  if (b.length >= 0x40 && b.toString('latin1', 0, 2) === 'MZ') {
    const pe = b.readUInt32LE(0x3c);
    if (pe + 6 <= b.length && b.toString('latin1', pe, pe + 4) === 'PE\0\0') {
      const machine = b.readUInt16LE(pe + 4);
      return { os: 'win32', cpu: PE_MACHINE.get(machine) ?? `pe-machine-0x${machine.toString(16)}`, format: 'PE' };
    }
  }
  return undefined;
}
