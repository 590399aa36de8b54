import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadCase } from '../grid/load-case';
import { loadSeries, Series } from '../grid/series';
import { Rng } from '../util/rng';
import { ActionError, EnvOptions, RestorationEnv } from './restoration-env';
import { VectorRestorationEnv } from './vector-env';

const IEEE33 = path.join(__dirname, '..', '..', 'data', 'ieee33');
const net = loadCase(IEEE33);
const series = loadSeries(net, IEEE33) as Series;
const json = (v: unknown): string => JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x));

test('vectorised stepping: environment i behaves as a single environment seeded seed + i; episode ends reset at once', () => {
  const opts: EnvOptions = { net, series, observation: 'case33py', start: 'random', horizon: 4, noiseSd: 0.03 };
  const N = 3;
  const vec = new VectorRestorationEnv(N, opts);
  const singles = Array.from({ length: N }, () => new RestorationEnv(opts));
  const v0 = vec.reset({ seed: 10, options: { horizon: 4 } });
  singles.forEach((e, i) => assert.equal(json(e.reset({ seed: 10 + i }).observation), json(v0.observations[i])));
  const rng = new Rng(1);
  let ends = 0;
  for (let k = 0; k < 6; k++) {
    const actions = Array.from({ length: N }, () => rng.int(50751));
    const out = vec.step(actions);
    singles.forEach((e, i) => {
      const r = e.step(actions[i]);
      assert.equal(out.rewards[i], r.reward);
      if (r.terminated || r.truncated) {
        assert.equal(json(out.infos[i].final!.observation), json(r.observation));
        assert.equal(json(out.observations[i]), json(e.reset({ options: { horizon: 4 } }).observation));
      } else assert.equal(json(out.observations[i]), json(r.observation));
    });
    out.infos.forEach((inf, i) => assert.equal(inf.final !== undefined, out.terminated[i] || out.truncated[i]));
    ends += out.truncated.filter(Boolean).length;
  }
  assert.ok(ends > 0, 'some episodes reached the horizon');
  // all or nothing
  const before = vec.envs.map((e) => e.currentStep);
  assert.throws(() => vec.step([1, 'bad' as never, 2]), ActionError);
  assert.throws(() => vec.step([1, 2]), ActionError);
  assert.deepEqual(vec.envs.map((e) => e.currentStep), before);
});
