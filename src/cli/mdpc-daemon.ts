/**
 * `mdpc daemon`: a long-lived process that runs one-shot `mdpc solve` commands with a warm HiGHS.
 *
 * A fresh process pays for V8 optimizing the HiGHS WebAssembly while its first solve runs (Node 20
 * cannot keep compiled WebAssembly between processes). The daemon pays it once, at start (a warm-up
 * solve), and then runs each `mdpc solve` that finds it: the client sends its arguments and working
 * directory over a Unix socket, the daemon runs the same command code in its own process (one
 * request at a time, in order) and streams the command's stdout, stderr and exit code back. Only
 * `solve` goes through it; `--no-daemon` (or CASE33TS_DAEMON=off) keeps a solve in its own process.
 * A daemon built from other files than the client (another version, a rebuilt dist/) is not used:
 * the client solves in-process and asks it to stop. It exits after --idle-timeout seconds unused.
 *
 * Protocol: one JSON request line per connection, JSON reply lines:
 *   {op:'run', argv, cwd, buildId} -> {out}|{err}... then {exit} (or {stale:true})
 *   {op:'status'} -> {pid, version, buildId, startedAt, served, warm, idleTimeoutS}
 *   {op:'stop'} -> {stopping:true}
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Command, Option } from 'commander';
import { configure, parseIntStrict, UsageError, DEFAULT_DATA_DIR } from './common';
import { packageVersion } from '../io/manifest';

/** The socket of this user's daemon for this package version (CASE33TS_DAEMON_SOCKET overrides). */
export function daemonSocketPath(): string {
  if (process.env.CASE33TS_DAEMON_SOCKET) return path.resolve(process.env.CASE33TS_DAEMON_SOCKET);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return path.join(os.tmpdir(), `case33ts-${uid}`, `mdpc-${packageVersion()}.sock`);
}

function daemonLogPath(socket: string): string {
  return socket.replace(/\.sock$/, '') + '.log';
}

/** Identifies the code a process runs: the package version and every compiled file's size and time. */
export function buildId(): string {
  const dist = path.resolve(__dirname, '..');
  // CASE33TS_DAEMON_BUILD_SALT makes a process look like another build (the tests' stale daemon)
  const h = crypto.createHash('sha1').update(packageVersion() + (process.env.CASE33TS_DAEMON_BUILD_SALT ?? ''));
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) {
        const s = fs.statSync(p);
        h.update(`${path.relative(dist, p)}:${s.size}:${s.mtimeMs}\n`);
      }
    }
  };
  walk(dist);
  return h.digest('hex').slice(0, 16);
}

export interface DaemonStatus {
  pid: number;
  version: string;
  buildId: string;
  socket: string;
  startedAt: string;
  /** requests run since start */
  served: number;
  /** the warm-up solve has run */
  warm: boolean;
  idleTimeoutS: number;
}

/** Send one request; resolve with every reply line (parsed), or null when no daemon listens. */
function request(socket: string, body: object, onLine?: (msg: any) => void): Promise<any[] | null> {
  return new Promise((resolve) => {
    if (!fs.existsSync(socket)) return resolve(null);
    const replies: any[] = [];
    let buf = '';
    let connected = false;
    const c = net.createConnection(socket);
    c.setEncoding('utf8');
    c.on('connect', () => {
      connected = true;
      c.write(JSON.stringify(body) + '\n');
    });
    c.on('data', (d: string) => {
      buf += d;
      let k: number;
      while ((k = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, k);
        buf = buf.slice(k + 1);
        if (!line) continue;
        let msg: any;
        try {
          msg = JSON.parse(line);
        } catch {
          continue;
        }
        replies.push(msg);
        onLine?.(msg);
      }
    });
    c.on('error', () => resolve(connected ? replies : null));
    c.on('close', () => resolve(connected ? replies : null));
  });
}

export async function daemonStatus(socket = daemonSocketPath()): Promise<DaemonStatus | null> {
  const r = await request(socket, { op: 'status' });
  return r && r.length ? (r[0] as DaemonStatus) : null;
}

/** Whether a `mdpc solve` argument list should try the daemon. */
export function wantsDaemon(argv: string[]): boolean {
  if (argv[0] !== 'solve' || process.env.CASE33TS_DAEMON === 'off') return false;
  return !argv.some((a) => a === '--no-daemon' || a === '-h' || a === '--help');
}

/**
 * Run `mdpc <argv>` in the daemon, writing its output here as it comes.
 * Returns its exit code, or null when there is no usable daemon (the caller runs the command itself).
 */
export async function runInDaemon(argv: string[], socket = daemonSocketPath()): Promise<number | null> {
  // no daemon: nothing more to look at (buildId reads every compiled file's size and time)
  if (!fs.existsSync(socket)) return null;
  let wrote = false;
  let exit: number | null = null;
  let stale = false;
  const replies = await request(socket, { op: 'run', argv, cwd: process.cwd(), buildId: buildId() }, (m) => {
    if (typeof m.out === 'string') { process.stdout.write(m.out); wrote = true; }
    else if (typeof m.err === 'string') { process.stderr.write(m.err); wrote = true; }
    else if (typeof m.exit === 'number') exit = m.exit;
    else if (m.stale) stale = true;
  });
  if (replies === null || stale) return null;
  if (exit !== null) return exit;
  if (!wrote) return null; // it ended before running anything: solve here
  process.stderr.write('mdpc: error: the mdpc daemon ended during the solve\n');
  return 1;
}

/** Serve requests until stopped or idle; `run` executes a command and returns its exit code. */
export function serveDaemon(socket: string, idleTimeoutS: number, run: (argv: string[]) => Promise<number>, warmUp: () => Promise<void>): Promise<void> {
  const myBuild = buildId();
  const status: DaemonStatus = {
    pid: process.pid, version: packageVersion(), buildId: myBuild, socket, startedAt: new Date().toISOString(),
    served: 0, warm: false, idleTimeoutS,
  };
  fs.mkdirSync(path.dirname(socket), { recursive: true, mode: 0o700 });
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;
  let idleTimer: NodeJS.Timeout | null = null;
  return new Promise((resolve, reject) => {
    const server = net.createServer((c) => {
      let buf = '';
      c.setEncoding('utf8');
      c.on('error', () => undefined); // a client gone away: its output is dropped
      c.on('data', (d: string) => {
        buf += d;
        const k = buf.indexOf('\n');
        if (k < 0) return;
        let req: any;
        try {
          req = JSON.parse(buf.slice(0, k));
        } catch {
          c.end(JSON.stringify({ err: 'mdpc daemon: expected one JSON request line\n' }) + '\n' + JSON.stringify({ exit: 2 }) + '\n');
          return;
        }
        buf = '';
        handle(req, c);
      });
    });
    const send = (c: net.Socket, msg: object): void => {
      if (!c.destroyed) c.write(JSON.stringify(msg) + '\n');
    };
    const shutdown = (): void => {
      if (idleTimer) clearTimeout(idleTimer);
      server.close(() => {
        try { fs.unlinkSync(socket); } catch { /* removed already */ }
        resolve();
      });
    };
    const armIdle = (): void => {
      if (idleTimer) clearTimeout(idleTimer);
      if (pending === 0) idleTimer = setTimeout(shutdown, idleTimeoutS * 1000);
    };
    const handle = (req: any, c: net.Socket): void => {
      if (req.op === 'status') return void c.end(JSON.stringify(status) + '\n');
      if (req.op === 'stop') {
        c.end(JSON.stringify({ stopping: true }) + '\n');
        return void (queue = queue.then(shutdown));
      }
      if (req.op !== 'run' || !Array.isArray(req.argv) || req.argv[0] !== 'solve' || typeof req.cwd !== 'string') {
        return void c.end(JSON.stringify({ err: 'mdpc daemon: only "solve" requests are served\n' }) + '\n' + JSON.stringify({ exit: 2 }) + '\n');
      }
      if (req.buildId !== myBuild) {
        c.end(JSON.stringify({ stale: true }) + '\n');
        return void (queue = queue.then(shutdown));
      }
      pending++;
      if (idleTimer) clearTimeout(idleTimer);
      queue = queue.then(async () => {
        const code = await captured((s) => send(c, { out: s }), (s) => send(c, { err: s }), req.cwd, () => run(req.argv));
        status.served++;
        send(c, { exit: code });
        c.end();
        pending--;
        armIdle();
      });
    };
    server.on('error', reject);
    // a socket file left by a daemon that died: nobody answers on it
    if (fs.existsSync(socket)) fs.unlinkSync(socket);
    server.listen(socket, () => {
      fs.chmodSync(socket, 0o600);
      queue = queue.then(async () => {
        await warmUp();
        status.warm = true;
      });
      armIdle();
    });
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, shutdown);
  });
}

/** Run fn with process.stdout/stderr writes sent to out/err, in directory cwd; its exit code. */
async function captured(out: (s: string) => void, err: (s: string) => void, cwd: string, fn: () => Promise<number>): Promise<number> {
  const so = process.stdout.write.bind(process.stdout);
  const se = process.stderr.write.bind(process.stderr);
  const here = process.cwd();
  const sink = (f: (s: string) => void) => ((chunk: unknown, enc?: unknown, cb?: unknown): boolean => {
    f(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    const done = typeof enc === 'function' ? enc : cb;
    if (typeof done === 'function') done();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = sink(out);
  process.stderr.write = sink(err);
  try {
    process.chdir(cwd);
    return await fn();
  } catch (e) {
    err(`mdpc: error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    process.stdout.write = so;
    process.stderr.write = se;
    process.exitCode = undefined;
    try { process.chdir(here); } catch { /* the daemon's directory was removed: stay */ }
  }
}

/** Start a detached daemon unless one answers; resolves once its socket listens. */
async function startDaemon(socket: string, idleTimeoutS: number): Promise<{ started: boolean; status: DaemonStatus | null }> {
  const running = await daemonStatus(socket);
  if (running) return { started: false, status: running };
  fs.mkdirSync(path.dirname(socket), { recursive: true, mode: 0o700 });
  const logFd = fs.openSync(daemonLogPath(socket), 'a');
  const bin = path.resolve(__dirname, '..', '..', 'bin', 'mdpc.js');
  const child = spawn(process.execPath, [bin, 'daemon', 'serve', '--idle-timeout', String(idleTimeoutS)], {
    detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, CASE33TS_DAEMON_SOCKET: socket },
  });
  child.unref();
  fs.closeSync(logFd);
  const t0 = Date.now();
  for (;;) {
    if (fs.existsSync(socket)) return { started: true, status: null };
    if (child.exitCode !== null) break;
    if (Date.now() - t0 > 20000) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the daemon did not start (see ${daemonLogPath(socket)})`);
}

export function registerDaemon(program: Command, run: (argv: string[]) => Promise<number>): void {
  const daemon = configure(program.command('daemon'))
    .description('a long-lived process that runs "mdpc solve" with a warm HiGHS (start | stop | status)')
    .addHelpText('after', `
A fresh process spends seconds while V8 optimizes HiGHS' WebAssembly during its first solve. A running
daemon has paid that once: every "mdpc solve" then runs in it (same output, files and exit code; one
solve at a time, in order) unless given --no-daemon or CASE33TS_DAEMON=off. It stops after
--idle-timeout seconds without a request, on "mdpc daemon stop", or when the package is rebuilt.

Examples:
  mdpc daemon start --idle-timeout 600
  mdpc solve --load nominal --objective loss --mt off
  mdpc daemon status --json
  mdpc daemon stop`);
  const timeoutOpt = (): Option => new Option('--idle-timeout <s>', 'stop after this many seconds without a request').default('600');
  configure(daemon.command('start'))
    .description('start the daemon in the background (it warms HiGHS up with one solve); nothing if one runs')
    .addOption(timeoutOpt())
    .action(async (o: { idleTimeout: string }) => {
      const s = parseIntStrict(o.idleTimeout, '--idle-timeout', 1, 86400);
      const socket = daemonSocketPath();
      const r = await startDaemon(socket, s);
      process.stdout.write(r.started
        ? `mdpc daemon started (socket ${socket}, idle timeout ${s} s)\n`
        : `mdpc daemon already running (pid ${r.status!.pid}, socket ${socket})\n`);
    });
  configure(daemon.command('stop'))
    .description('stop the daemon (after the solve it is running)')
    .action(async () => {
      const socket = daemonSocketPath();
      const r = await request(socket, { op: 'stop' });
      process.stdout.write(r ? 'mdpc daemon stopping\n' : 'mdpc daemon not running\n');
    });
  configure(daemon.command('status'))
    .description('say whether the daemon runs, its pid, requests served, and whether it is warm')
    .option('--json', 'print JSON (null when not running)')
    .action(async (o: { json?: boolean }) => {
      const st = await daemonStatus();
      if (o.json) return void process.stdout.write(JSON.stringify(st) + '\n');
      if (!st) return void process.stdout.write(`mdpc daemon not running (socket ${daemonSocketPath()})\n`);
      process.stdout.write(`mdpc daemon running: pid ${st.pid}, version ${st.version}, since ${st.startedAt}, ${st.served} solves served, ` +
        `${st.warm ? 'warm' : 'warming up'}, idle timeout ${st.idleTimeoutS} s, socket ${st.socket}\n`);
    });
  configure(daemon.command('serve', { hidden: true }))
    .description('run the daemon in the foreground (what "start" runs)')
    .addOption(timeoutOpt())
    .action(async (o: { idleTimeout: string }) => {
      const s = parseIntStrict(o.idleTimeout, '--idle-timeout', 1, 86400);
      const socket = daemonSocketPath();
      if (await daemonStatus(socket)) throw new UsageError(`a daemon already answers on ${socket}`, 'serve');
      await serveDaemon(socket, s, run, warmUpSolve);
    });
}

/** One solve of the bundled case, so that V8 has optimized HiGHS before the first request. */
async function warmUpSolve(): Promise<void> {
  const { loadCase } = await import('../grid/load-case');
  const { nominalSnapshot } = await import('../grid/series');
  const { Expert } = await import('../opt/expert');
  const ex = await Expert.create(loadCase(DEFAULT_DATA_DIR), { objective: 'loss', mt: 'off', logDir: null });
  try {
    ex.solve(nominalSnapshot(ex.net), null, [], 'reconfig');
  } finally {
    ex.dispose();
  }
}
