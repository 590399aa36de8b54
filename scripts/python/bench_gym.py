"""Steps per second of the Gymnasium environments over the pipe, masks on.

    python3 scripts/python/bench_gym.py [--runs 5] [--steps 5000] [--id case33ts/Reconfig-v0]

Single environment: one reset/step request per step, a masked random action each step. Vector of
8 (vector_entry_point, one server process, one request line per step of all 8). Prints a JSON
line: medians over the runs and the vector/single ratio.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402

import case33ts_gym  # noqa: E402,F401
from test_case33ts_gym import masked_sample  # noqa: E402


def single(env_id, steps, seed):
    env = gym.make(env_id)
    u = env.unwrapped
    rng = np.random.default_rng(seed)
    env.reset(seed=seed)
    t0 = time.perf_counter()
    for _ in range(steps):
        obs, r, te, tr, info = env.step(masked_sample(u.action_space, u.action_masks(), rng))
        if te or tr:
            env.reset()
    dt = time.perf_counter() - t0
    env.close()
    return steps / dt


def vector(env_id, steps, seed, n=8):
    venv = gym.make_vec(env_id, num_envs=n, vectorization_mode="vector_entry_point")
    rng = np.random.default_rng(seed)
    obs, infos = venv.reset(seed=seed)
    t0 = time.perf_counter()
    for _ in range(steps // n):
        masks = infos["action_mask"]
        actions = np.stack([masked_sample(venv.single_action_space, masks[i], rng) for i in range(n)])
        obs, r, te, tr, infos = venv.step(actions)
    dt = time.perf_counter() - t0
    venv.close()
    return (steps // n) * n / dt


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--steps", type=int, default=5000)
    p.add_argument("--id", default="case33ts/Reconfig-v0")
    a = p.parse_args()
    s = [single(a.id, a.steps, k) for k in range(a.runs)]
    v = [vector(a.id, a.steps, k) for k in range(a.runs)]
    out = {"id": a.id, "runs": a.runs, "steps": a.steps, "singleStepsPerS": round(statistics.median(s)),
           "vector8StepsPerS": round(statistics.median(v)), "ratio": round(statistics.median(v) / statistics.median(s), 2),
           "singleAll": [round(x) for x in s], "vectorAll": [round(x) for x in v]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
