// Run a child process; fail loudly with the command line and its output when it exits non-zero.
import { spawn, type SpawnOptions } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions extends SpawnOptions {
  /** Don't throw on a non-zero exit; the caller inspects `code`. */
  allowFailure?: boolean;
  /** Stream the child's output to ours as it arrives (still captured). */
  echo?: boolean;
  input?: string;
}

export function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const { allowFailure = false, echo = false, input, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...spawnOptions });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (echo) process.stdout.write(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (echo) process.stderr.write(chunk);
    });
    child.on('error', (err) => reject(new Error(`could not run \`${[cmd, ...args].join(' ')}\`: ${err.message}`)));
    child.on('close', (code) => {
      const result = { code: code ?? 1, stdout, stderr };
      if (result.code !== 0 && !allowFailure) {
        reject(
          new Error(
            `\`${[cmd, ...args].join(' ')}\` exited with ${result.code}\n${stderr.trim() || stdout.trim()}`,
          ),
        );
      } else {
        resolve(result);
      }
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}
