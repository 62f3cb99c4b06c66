// Host facts recorded with every result: CPU, cores, memory, OS, Node, ONNX Runtime versions,
// git commit, and the load average (a busy machine makes numbers unreliable).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './models.mjs';

function git(args) {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** CPU quota from cgroup v2 (cpu.max), in cores, or null when unlimited/unknown. */
function cgroupCpuLimit() {
  try {
    const [quota, period] = readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim().split(/\s+/);
    return quota === 'max' ? null : Number(quota) / Number(period);
  } catch {
    return null;
  }
}

export function hostFacts() {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain']);
  return {
    cpu_model: cpus[0]?.model?.trim() ?? 'unknown',
    logical_cores: cpus.length,
    available_parallelism: os.availableParallelism?.() ?? cpus.length,
    cgroup_cpu_limit: cgroupCpuLimit(),
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntime_node: packageVersion('onnxruntime-node'),
    tinybench: packageVersion('tinybench'),
    ortex: JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version,
    git_commit: git(['rev-parse', 'HEAD']),
    git_dirty: status === null ? null : status.length > 0,
    loadavg_start: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
