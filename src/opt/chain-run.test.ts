/** resumePoint: a partial chain of other columns is refused with its row, nothing cut. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { chainSchema } from '../mdp';
import { resumePoint } from './chain-run';
import { DATA_33, tmpDir } from '../testing/helpers';

test('resume: a partial chain with another header (an older full schema) is refused before anything is cut', () => {
  const net = loadCase(DATA_33);
  const schema = chainSchema('full', net);
  const dir = tmpDir('resume-');
  const file = path.join(dir, 'r.csv.partial');
  // the full schema before the episode and config columns
  const old = schema.columns.filter((c) => c !== 'episode' && !c.endsWith('_config'));
  const text = old.join(',') + '\n' + old.map(() => '0').join(',') + '\n';
  fs.writeFileSync(file, text);
  assert.throws(() => resumePoint(file, schema, [{ index: 0, start: 0, length: 1 }], null), (e: Error) => {
    assert.equal(e.name, 'InputError');
    assert.match(e.message, new RegExp(`r\\.csv\\.partial, row 1: expected the header of the full schema \\(${schema.columns.length} columns\\) to ` +
      `resume, found ${old.length} columns`));
    return true;
  });
  assert.equal(fs.readFileSync(file, 'utf8'), text, 'nothing cut');
  fs.rmSync(dir, { recursive: true });
});
