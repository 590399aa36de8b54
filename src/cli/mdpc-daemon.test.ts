/** `mdpc daemon`: a solve through the warm daemon equals the in-process solve; lifecycle and errors. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tmpDir } from '../testing/helpers';

const SOLVE = ['solve', '--load', 'nominal', '--objective', 'loss', '--mt', 'off', '--json'];

async function until(what: string, ok: () => boolean, timeoutMs = 120000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('mdpc daemon: solves as the process does, in the client\'s directory, then stops', async () => {
  const dir = tmpDir('mdpc-daemon-');
  const env = { CASE33TS_DAEMON_SOCKET: path.join(dir, 'd.sock') };
  const status = (): any => JSON.parse(runCli('mdpc', ['daemon', 'status', '--json'], { env }).stdout);
  try {
    assert.equal(status(), null);
    const started = runCli('mdpc', ['daemon', 'start', '--idle-timeout', '120'], { env });
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /mdpc daemon started \(socket .*d\.sock, idle timeout 120 s\)/);
    assert.match(runCli('mdpc', ['daemon', 'start'], { env }).stdout, /already running \(pid \d+/);

    const cwd = path.join(dir, 'work');
    fs.mkdirSync(cwd);
    const viaDaemon = runCli('mdpc', [...SOLVE, '--run', 'd1'], { env, cwd });
    assert.equal(viaDaemon.code, 0, viaDaemon.stderr);
    const st = status();
    assert.equal(st.served, 1);
    assert.equal(st.warm, true);
    // the files went to the client's directory, named as asked
    assert.deepEqual(fs.readdirSync(path.join(cwd, 'log', 'd1')).sort(), ['step_nominal.log', 'step_nominal.lp']);

    const here = runCli('mdpc', [...SOLVE, '--no-log', '--no-daemon'], { env });
    assert.equal(here.code, 0, here.stderr);
    assert.equal(status().served, 1, '--no-daemon solved in its own process');
    const a = JSON.parse(viaDaemon.stdout);
    const b = JSON.parse(here.stdout);
    assert.deepEqual(a.openLines, b.openLines);
    assert.deepEqual(a.openLines, [7, 9, 14, 32, 37]);
    assert.deepEqual(a.work, b.work, 'the same HiGHS work in the daemon and in a fresh process');
    assert.equal(a.ac.reward.total, b.ac.reward.total);
    assert.equal(a.model.objective, b.model.objective);

    // a usage error comes back with its message and exit code, nothing written
    const bad = runCli('mdpc', ['solve', '--objective', 'speed', '--run', 'bad'], { env, cwd });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'mdpc: option --objective: expected one of reward, cost, loss, found "speed"\n');
    assert.equal(fs.existsSync(path.join(cwd, 'log', 'bad')), false);
    assert.equal(status().served, 2);

    const stop = runCli('mdpc', ['daemon', 'stop'], { env });
    assert.equal(stop.stdout, 'mdpc daemon stopping\n');
    await until('the socket to go', () => !fs.existsSync(env.CASE33TS_DAEMON_SOCKET));
    assert.equal(status(), null);
    assert.equal(runCli('mdpc', ['daemon', 'stop'], { env }).stdout, 'mdpc daemon not running\n');
  } finally {
    runCli('mdpc', ['daemon', 'stop'], { env });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('mdpc daemon: another build is not used (the client solves and the daemon stops); idle timeout', async () => {
  const dir = tmpDir('mdpc-daemon-');
  const env = { CASE33TS_DAEMON_SOCKET: path.join(dir, 'd.sock') };
  try {
    // a daemon that looks like another build of the package
    const other = runCli('mdpc', ['daemon', 'start'], { env: { ...env, CASE33TS_DAEMON_BUILD_SALT: 'older' } });
    assert.equal(other.code, 0, other.stderr);
    const r = runCli('mdpc', [...SOLVE, '--no-log'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).openLines, [7, 9, 14, 32, 37]);
    await until('the stale daemon to stop', () => !fs.existsSync(env.CASE33TS_DAEMON_SOCKET));

    const bad = runCli('mdpc', ['daemon', 'start', '--idle-timeout', '0'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /option --idle-timeout: expected an integer in 1\.\.86400, found 0/);

    assert.equal(runCli('mdpc', ['daemon', 'start', '--idle-timeout', '1'], { env }).code, 0);
    await until('the idle daemon to stop', () => !fs.existsSync(env.CASE33TS_DAEMON_SOCKET));
    assert.equal(JSON.parse(runCli('mdpc', ['daemon', 'status', '--json'], { env }).stdout), null);
  } finally {
    runCli('mdpc', ['daemon', 'stop'], { env });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
