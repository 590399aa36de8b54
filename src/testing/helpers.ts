/** Shared by the tests (not a test file itself): temporary cases and running the compiled CLIs. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

/** The package root (dist/testing -> ..). */
export const ROOT = path.resolve(__dirname, '..', '..');
export const DATA_33 = path.join(ROOT, 'data', 'ieee33');
export const DATA_24H = path.join(ROOT, 'data', 'ieee33-24h');

export function tmpDir(prefix = 'case33ts-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CaseFiles {
  buses: string;
  lines: string;
  generators?: string;
  [other: string]: string | undefined;
}

/** Write a case directory from CSV texts (keys are file names without .csv). */
export function writeCase(files: CaseFiles, dir = tmpDir()): string {
  for (const [name, text] of Object.entries(files)) {
    if (text !== undefined) fs.writeFileSync(path.join(dir, `${name}.csv`), text);
  }
  return dir;
}

/** Copy a bundled case to a temporary directory, optionally replacing some files. */
export function copyCase(src: string, replace: Record<string, string | null> = {}): string {
  const dir = tmpDir();
  for (const f of fs.readdirSync(src)) {
    if (f.endsWith('.csv')) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  }
  for (const [name, text] of Object.entries(replace)) {
    const p = path.join(dir, name);
    if (text === null) fs.rmSync(p, { force: true });
    else fs.writeFileSync(p, text);
  }
  return dir;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run bin/<tool>.js with arguments; NO_COLOR set so output is plain. */
export function runCli(tool: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', `${tool}.js`), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** All file names under a directory, recursively (for "nothing was written" checks). */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p).map((f) => path.join(e.name, f)));
    else out.push(e.name);
  }
  return out.sort();
}

/** Why numpy tests cannot run here (a reason to skip them), or null when python3 imports numpy. */
export function numpyMissing(): string | null {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (r.error) return `python3 not found (${r.error.message})`;
  if (r.status !== 0) return `python3 has no numpy (pip install numpy): ${r.stderr.trim().split('\n').pop()}`;
  return null;
}

/**
 * numpy's view of an `mdpc export` file against the chain it came from, computed in Python from
 * the CSV alone (csv module): for each array, whether it equals the CSV's columns, and the
 * normalisation statistics recomputed with numpy. Returns the parsed JSON report.
 */
export function numpyCheckExport(npz: string, chainCsv: string): Record<string, unknown> {
  const py = String.raw`
import csv, json, sys, zipfile
import numpy as np
npz, chain = sys.argv[1], sys.argv[2]
assert zipfile.ZipFile(npz).testzip() is None
d = np.load(npz, allow_pickle=False)
rows = list(csv.reader(open(chain, newline='')))
head, body = rows[0], rows[1:]
col = {h: i for i, h in enumerate(head)}
def cols(names): return np.array([[float(r[col[n]]) for n in names] for r in body], dtype=np.float64).reshape(len(body), len(names))
def one(name): return np.array([float(r[col[name]]) for r in body])
obs_names = [h for h in head if h.startswith('S(t)_') and h not in ('S(t)_step', 'S(t)_config')]
act_names = [h for h in head if h.startswith('A(t)_') and h != 'A(t)_config']
X = cols(obs_names); X1 = cols(['S(t+1)_' + n[5:] for n in obs_names]); A = cols(act_names); R = one('R(t+1)')
term = one('terminated') == 1; trunc = one('truncated') == 1; ep = one('episode').astype(np.int64)
starts = np.array([i == 0 or ep[i] != ep[i - 1] or term[i - 1] or trunc[i - 1] for i in range(len(body))], dtype=bool)
cfg = lambda n: np.array([int(r[col[n]]) - 1 if int(r[col[n]]) > 0 else -1 for r in body], dtype=np.int64)
close = lambda a, b: bool(a.shape == b.shape and np.allclose(a, b, rtol=1e-12, atol=1e-12))
out = {
  'files': sorted(d.files),
  'shapes': {k: list(d[k].shape) for k in ('observations', 'actions', 'rewards', 'next_observations')},
  'dtypes': {k: str(d[k].dtype) for k in ('observations', 'terminations', 'episode_ids', 'observation_columns')},
  'columnsMatch': list(d['observation_columns']) == obs_names and list(d['action_columns']) == act_names,
  'observations': bool(np.array_equal(d['observations'], X)),
  'next_observations': bool(np.array_equal(d['next_observations'], X1)),
  'actions': bool(np.array_equal(d['actions'], A)),
  'rewards': bool(np.array_equal(d['rewards'], R)),
  'terminations': bool(np.array_equal(d['terminations'], term)),
  'truncations': bool(np.array_equal(d['truncations'], trunc)),
  'episode_starts': bool(np.array_equal(d['episode_starts'], starts)),
  'episode_ids': bool(np.array_equal(d['episode_ids'], np.cumsum(starts) - 1)),
  'run_episodes': bool(np.array_equal(d['run_episodes'], ep)),
  'steps': bool(np.array_equal(d['steps'], one('S(t)_step').astype(np.int64))),
  'configs': bool(np.array_equal(d['config_obs'], cfg('S(t)_config')) and np.array_equal(d['config_actions'], cfg('A(t)_config'))
                  and np.array_equal(d['config_next_obs'], cfg('S(t+1)_config'))),
  'obsStats': close(d['obs_mean'], X.mean(0)) and close(d['obs_std'], X.std(0)) and close(d['obs_min'], X.min(0)) and close(d['obs_max'], X.max(0)),
  'actionStats': close(d['action_mean'], A.mean(0)) and close(d['action_std'], A.std(0))
                 and close(d['action_min'], A.min(0)) and close(d['action_max'], A.max(0)),
  'rewardStats': close(d['reward_mean'], np.array(R.mean())) and close(d['reward_std'], np.array(R.std())),
  'episodeStarts': d['episode_starts'].astype(int).tolist(),
  'episodeIds': d['episode_ids'].tolist(),
  'terminated': d['terminations'].astype(int).tolist(),
  'truncated': d['truncations'].astype(int).tolist(),
  'configObs': d['config_obs'].tolist(),
}
print(json.dumps(out))`;
  const r = spawnSync('python3', ['-c', py, npz, chainCsv], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 check failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
