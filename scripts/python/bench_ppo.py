"""What a standard agent learns: masked PPO (a compact CleanRL-style implementation in torch, CPU)
on a case33ts Gymnasium id, against do-nothing and masked-random over 20 seeded episodes.

    python3 scripts/python/bench_ppo.py --minutes 6 [--id case33ts/Restore-v0] [--mt off] [--out out/bench/ppo.json]

Needs gymnasium, numpy and torch. Training: 8 environments in one server (vector_entry_point),
128 steps each per update, 4 epochs of minibatches of 256, clip 0.2, entropy 0.01, lr 3e-4,
gamma 0.99, GAE 0.95; invalid actions get logit -1e9 (the environment's mask); observations scaled
to [-1, 1] by the space's bounds; rewards divided by --reward-scale for the gradient only.
Truncated episodes are bootstrapped from infos["final_obs"]. Evaluation: the same 20 episodes
(reset seeds 1000..1019) for each policy; PPO acts greedily (the most probable valid action).
Prints and writes a JSON summary: mean and sd of the episode return, unserved energy (kWh),
switch operations and terminated episodes per policy, and the training budget used.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import case33ts_gym  # noqa: E402,F401
from test_case33ts_gym import masked_sample  # noqa: E402


def dims(space):
    return [int(space.n)] if isinstance(space, gym.spaces.Discrete) else [int(n) for n in space.nvec]


class Agent(nn.Module):
    def __init__(self, obs_dim, sizes, hidden=256):
        super().__init__()
        self.sizes = sizes
        self.body = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.pi = nn.Linear(hidden, sum(sizes))
        self.v = nn.Linear(hidden, 1)
        nn.init.orthogonal_(self.pi.weight, 0.01)
        nn.init.zeros_(self.pi.bias)

    def value(self, x):
        return self.v(self.body(x)).squeeze(-1)

    def dist(self, x, mask):
        h = self.body(x)
        logits = self.pi(h).masked_fill(~mask, -1e9)
        return [torch.distributions.Categorical(logits=l) for l in torch.split(logits, self.sizes, dim=-1)], self.v(h).squeeze(-1)

    def act(self, x, mask, greedy=False):
        ds, v = self.dist(x, mask)
        a = torch.stack([d.probs.argmax(-1) if greedy else d.sample() for d in ds], -1)
        logp = sum(d.log_prob(a[..., i]) for i, d in enumerate(ds))
        return a, logp, v

    def evaluate(self, x, mask, a):
        ds, v = self.dist(x, mask)
        logp = sum(d.log_prob(a[..., i]) for i, d in enumerate(ds))
        ent = sum(d.entropy() for d in ds)
        return logp, ent, v


def scaler(space):
    low = torch.tensor(space.low, dtype=torch.float32)
    span = torch.tensor(space.high - space.low, dtype=torch.float32)
    return lambda o: (torch.as_tensor(o, dtype=torch.float32) - low) / span * 2 - 1


def to_action(space, a):
    a = np.asarray(a)
    return int(a[0]) if isinstance(space, gym.spaces.Discrete) else a.astype(np.int64)


def train(env_id, kwargs, minutes, seed, reward_scale, n_envs=8, n_steps=128):
    torch.manual_seed(seed)
    venv = gym.make_vec(env_id, num_envs=n_envs, vectorization_mode="vector_entry_point", **kwargs)
    space = venv.single_action_space
    sizes = dims(space)
    norm = scaler(venv.single_observation_space)
    agent = Agent(venv.single_observation_space.shape[0], sizes)
    opt = torch.optim.Adam(agent.parameters(), lr=3e-4, eps=1e-5)
    obs, infos = venv.reset(seed=seed)
    mask = torch.as_tensor(infos["action_mask"])
    deadline = time.time() + minutes * 60
    steps = updates = 0
    while time.time() < deadline:
        B = dict(obs=[], mask=[], act=[], logp=[], val=[], rew=[], done=[], boot=[])
        for _ in range(n_steps):
            x = norm(obs)
            with torch.no_grad():
                a, logp, v = agent.act(x, mask)
            nobs, r, te, tr, infos = venv.step(a.numpy() if len(sizes) > 1 else a[:, 0].numpy())
            boot = np.zeros(n_envs, dtype=np.float32)
            if "final_obs" in infos:
                for i in np.flatnonzero(tr & ~te):
                    with torch.no_grad():
                        boot[i] = agent.value(norm(infos["final_obs"][i][None]))[0].item()
            B["obs"].append(x); B["mask"].append(mask); B["act"].append(a); B["logp"].append(logp); B["val"].append(v)
            B["rew"].append(torch.as_tensor(r / reward_scale, dtype=torch.float32))
            B["done"].append(torch.as_tensor(te | tr, dtype=torch.float32))
            B["boot"].append(torch.as_tensor(boot))
            obs, mask = nobs, torch.as_tensor(infos["action_mask"])
            steps += n_envs
        with torch.no_grad():
            nv = agent.value(norm(obs))
        T = len(B["rew"])
        adv = torch.zeros(T, n_envs)
        last = torch.zeros(n_envs)
        for t in reversed(range(T)):
            nxt = nv if t == T - 1 else B["val"][t + 1]
            notdone = 1 - B["done"][t]
            delta = B["rew"][t] + 0.99 * (nxt * notdone + B["boot"][t]) - B["val"][t]
            last = delta + 0.99 * 0.95 * notdone * last
            adv[t] = last
        ret = adv + torch.stack(B["val"])
        X = torch.cat(B["obs"]); M = torch.cat(B["mask"]); A = torch.cat(B["act"])
        LP = torch.cat(B["logp"]); ADV = adv.reshape(-1); RET = ret.reshape(-1)
        n = X.shape[0]
        for _ in range(4):
            perm = torch.randperm(n)
            for k in range(0, n, 256):
                idx = perm[k:k + 256]
                logp, ent, v = agent.evaluate(X[idx], M[idx], A[idx])
                ratio = (logp - LP[idx]).exp()
                a_ = (ADV[idx] - ADV[idx].mean()) / (ADV[idx].std() + 1e-8)
                pg = -torch.min(ratio * a_, ratio.clamp(0.8, 1.2) * a_).mean()
                loss = pg + 0.5 * ((v - RET[idx]) ** 2).mean() - 0.01 * ent.mean()
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), 0.5)
                opt.step()
        updates += 1
    venv.close()
    return agent, norm, {"steps": steps, "updates": updates}


def evaluate(env_id, kwargs, policy, episodes=20):
    env = gym.make(env_id, **kwargs)
    u = env.unwrapped
    rng = np.random.default_rng(7)
    rets, unserved, ops, term = [], [], [], 0
    for ep in range(episodes):
        obs, info = env.reset(seed=1000 + ep)
        total = kwh = sw = 0.0
        while True:
            obs, r, te, tr, info = env.step(policy(u, obs, u.action_masks(), rng))
            total += r
            kwh += info["unservedKw"]
            sw += info["switchOps"]
            if te or tr:
                term += int(te)
                break
        rets.append(total); unserved.append(kwh); ops.append(sw)
    env.close()
    return {"meanReturn": round(float(np.mean(rets)), 1), "sdReturn": round(float(np.std(rets)), 1),
            "meanUnservedKwh": round(float(np.mean(unserved)), 1), "meanSwitchOps": round(float(np.mean(ops)), 1), "terminated": term}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--id", default="case33ts/Restore-v0")
    p.add_argument("--minutes", type=float, default=6)
    p.add_argument("--mt", default=None, help="override the id's MT control (action, fixed, off)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reward-scale", type=float, default=1000)
    p.add_argument("--out", default=None, help="JSON file to write (default: print only)")
    a = p.parse_args()
    kwargs = {} if a.mt is None else {"mt": a.mt}
    torch.set_num_threads(1)
    t0 = time.time()
    agent, norm, budget = train(a.id, kwargs, a.minutes, a.seed, a.reward_scale)
    budget["seconds"] = round(time.time() - t0)

    def ppo(u, obs, mask, rng):
        with torch.no_grad():
            act, _, _ = agent.act(norm(obs[None]), torch.as_tensor(mask[None]), greedy=True)
        return to_action(u.action_space, act[0].numpy())

    out = {"id": a.id, "options": kwargs, "seed": a.seed, "training": budget, "episodes": 20,
           "doNothing": evaluate(a.id, kwargs, lambda u, o, m, r: u.keep_action()),
           "random": evaluate(a.id, kwargs, lambda u, o, m, r: masked_sample(u.action_space, m, r)),
           "maskedPPO": evaluate(a.id, kwargs, ppo)}
    text = json.dumps(out)
    print(text)
    if a.out:
        os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
        tmp = a.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(text + "\n")
        os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
