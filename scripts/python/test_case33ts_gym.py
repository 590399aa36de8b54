"""Tests of case33ts_gym (run by src/cli/gym.test.ts in npm test; skipped there without gymnasium).

    python3 -m unittest scripts/python/test_case33ts_gym.py
"""
import os
import sys
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
from gymnasium.utils.env_checker import check_env  # noqa: E402

import case33ts_gym  # noqa: E402,F401  (registers the ids)

IDS = ["case33ts/Reconfig-v0", "case33ts/Restore-v0"]


def masked_sample(space, mask, rng):
    """A random valid action: Discrete from the mask, MultiDiscrete from each dimension's part."""
    if isinstance(space, gym.spaces.Discrete):
        return int(rng.choice(np.flatnonzero(mask)))
    out, at = [], 0
    for n in space.nvec:
        out.append(int(rng.choice(np.flatnonzero(mask[at:at + n]))))
        at += n
    return np.asarray(out, dtype=np.int64)


class GymnasiumChecks(unittest.TestCase):
    def test_check_env_every_id_and_action_space(self):
        for env_id in IDS:
            for actions in ["move", "toggle", "config"]:
                with self.subTest(env_id=env_id, actions=actions):
                    env = gym.make(env_id, actions=actions)
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        check_env(env.unwrapped, skip_render_check=True)
                    self.assertEqual([str(w.message) for w in caught], [])
                    u = env.unwrapped
                    self.assertEqual(u.observation_space.dtype, np.float32)
                    self.assertTrue(np.all(np.isfinite(u.observation_space.low)) and np.all(np.isfinite(u.observation_space.high)))
                    obs, info = env.reset(seed=5)
                    self.assertEqual(obs.dtype, np.float32)
                    mask = u.action_masks()
                    n = u.action_space.n if isinstance(u.action_space, gym.spaces.Discrete) else int(sum(u.action_space.nvec))
                    self.assertEqual(mask.shape, (n,))
                    self.assertTrue(np.array_equal(mask, info["action_mask"]))
                    self.assertTrue(mask[u.keep], "keep is always valid")
                    env.close()

    def test_masked_actions_are_accepted_and_masked_out_ones_rejected(self):
        rng = np.random.default_rng(0)
        for env_id in IDS:
            env = gym.make(env_id)
            u = env.unwrapped
            obs, info = env.reset(seed=11)
            rejected = accepted = 0
            for _ in range(60):
                mask = u.action_masks()
                topo = mask[: u.keep + 1]
                if rng.random() < 0.25 and not topo.all():
                    bad = int(rng.choice(np.flatnonzero(~topo)))
                    a = u.keep_action()
                    if isinstance(a, np.ndarray):
                        a = a.copy()
                        a[0] = bad
                    else:
                        a = bad
                    obs, r, te, tr, info = env.step(a)
                    self.assertFalse(info["valid"], info)
                    rejected += 1
                else:
                    obs, r, te, tr, info = env.step(masked_sample(u.action_space, mask, rng))
                    self.assertTrue(info["valid"], info["errors"])
                    accepted += 1
                self.assertTrue(u.observation_space.contains(obs))
                if te or tr:
                    obs, info = env.reset()
            self.assertGreater(rejected, 5)
            self.assertGreater(accepted, 30)
            env.close()

    def test_vector_env_same_step_autoreset_and_seeds(self):
        n = 4
        venv = gym.make_vec("case33ts/Restore-v0", num_envs=n, vectorization_mode="vector_entry_point", horizon=5)
        obs, infos = venv.reset(seed=20)
        self.assertEqual(obs.shape, (n, 226))
        self.assertEqual(obs.dtype, np.float32)
        # environment i is seeded seed + i: the same first observation as a single environment
        single = gym.make("case33ts/Restore-v0", horizon=5)
        o2, _ = single.reset(seed=22)
        self.assertTrue(np.array_equal(obs[2], o2))
        single.close()
        rng = np.random.default_rng(1)
        finals = 0
        for t in range(5):
            masks = infos["action_mask"]
            actions = np.stack([masked_sample(venv.single_action_space, masks[i], rng) for i in range(n)])
            obs, rewards, te, tr, infos = venv.step(actions)
            self.assertEqual(rewards.shape, (n,))
            if t == 4:
                self.assertTrue(tr.all(), "horizon 5: every episode truncated at the fifth step")
                self.assertTrue(infos["_final_obs"].all())
                finals = sum(1 for f in infos["final_obs"] if f is not None and f.shape == (226,))
        self.assertEqual(finals, n)
        venv.close()


if __name__ == "__main__":
    unittest.main()
