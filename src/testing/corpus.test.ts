import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORPUS } from './corpus';
import { DATA_24H, copyCase, listFiles, runCli, tmpDir } from './helpers';

test(`bad-input corpus: ${CORPUS.length} cases, each one clear line, the right exit code, nothing written`, () => {
  const failures: string[] = [];
  for (const c of CORPUS) {
    const data = copyCase(DATA_24H);
    for (const [name, content] of Object.entries(c.files ?? {})) {
      const p = path.join(data, name);
      const text = typeof content === 'function' ? content(fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '') : content;
      fs.writeFileSync(p, text);
    }
    const out = tmpDir();
    const args = c.args.map((a) => a.replace('{data}', data).replace('{out}', out));
    const r = runCli(c.tool, args);
    const problems: string[] = [];
    if (r.code !== c.exit) problems.push(`exit ${r.code}, expected ${c.exit}`);
    if (c.exit !== 0) {
      if (c.stderr && !c.stderr.test(r.stderr)) problems.push(`stderr ${JSON.stringify(r.stderr.slice(0, 300))} does not match ${c.stderr}`);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with --help'));
      if (lines.length !== 1) problems.push(`expected one line, got ${lines.length}`);
      if (/\n\s+at /.test(r.stderr)) problems.push('stack trace');
      if (r.stdout !== '') problems.push('wrote to stdout');
      const written = listFiles(out);
      if (written.length) problems.push(`wrote ${written.join(', ')}`);
    }
    if (problems.length) failures.push(`${c.name}: ${problems.join('; ')}`);
  }
  assert.deepEqual(failures, []);
});
