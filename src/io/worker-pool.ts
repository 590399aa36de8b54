/**
 * A pool of worker processes fed from one job queue over IPC: K children of `command args`,
 * each asking for the next job when it is ready or has finished one, so jobs of uneven length
 * keep every worker busy. After a worker fails (exits non-zero) no job is handed out any more;
 * the others finish the one they hold. Jobs are strings (the worker parses them).
 *
 *   parent:  const pool = startPool({ command: process.execPath, args: [script], workers: 2, jobs: ['0/3', '1/3', '2/3'] });
 *            const codes = await pool.done;     // one exit code per worker; pool.kill() stops them
 *   worker:  await serveQueue(async (job) => { ...do job... });
 */
import { spawn, ChildProcess } from 'node:child_process';

export interface PoolOptions {
  command: string;
  args: string[];
  /** at most this many processes (fewer when there are fewer jobs) */
  workers: number;
  jobs: string[];
  /** worker `w` was handed `job` */
  onStart?: (w: number, job: string) => void;
  /** worker `w` reported `job` complete */
  onFinish?: (w: number, job: string) => void;
  /** worker `w` exited with a non-zero code; `stderr`: everything it wrote there */
  onFailure?: (w: number, code: number, stderr: string) => void;
}

export interface Pool {
  /** the workers' exit codes, when all have exited */
  done: Promise<number[]>;
  /** SIGTERM to every worker still running */
  kill(): void;
}

export function startPool(o: PoolOptions): Pool {
  const queue = o.jobs.slice();
  const children = new Set<ChildProcess>();
  let failed = false;
  const worker = (w: number): Promise<number> => new Promise<number>((resolve) => {
    const child = spawn(o.command, o.args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    children.add(child);
    let err = '';
    let current: string | undefined;
    child.stderr!.on('data', (d) => (err += d));
    child.on('message', () => {
      // ready, or a job finished: hand out the next one (none after a failure elsewhere)
      if (current !== undefined) o.onFinish?.(w, current);
      current = failed ? undefined : queue.shift();
      if (current !== undefined) o.onStart?.(w, current);
      child.send(current !== undefined ? { job: current } : { done: true });
    });
    child.on('exit', (code) => {
      children.delete(child);
      if (code !== 0) {
        failed = true;
        o.onFailure?.(w, code ?? 1, err);
      }
      resolve(code ?? 1);
    });
  });
  const n = Math.min(o.workers, queue.length);
  return {
    done: Promise.all(Array.from({ length: n }, (_, w) => worker(w))),
    kill: () => { for (const c of children) c.kill('SIGTERM'); },
  };
}

/**
 * Worker side: take jobs from the parent over IPC, run each in this process (what it loaded
 * stays loaded), answer when it is complete; resolves when the parent says there are no more.
 */
export function serveQueue(runOne: (job: string) => Promise<void>): Promise<void> {
  const send = (m: object): Promise<void> => new Promise((resolve) => process.send!(m, () => resolve()));
  return new Promise<void>((resolve, reject) => {
    let chain = Promise.resolve();
    process.on('message', (m: { job?: string; done?: boolean }) => {
      chain = chain.then(async () => {
        if (m.done) { process.disconnect(); resolve(); return; }
        await runOne(m.job!);
        await send({ finished: m.job });
      }).catch(reject);
    });
    void send({ ready: true });
  });
}
