"""Gymnasium environments of case33ts (`powerflow serve` over a pipe), for Stable-Baselines3,
sb3-contrib's MaskablePPO, CleanRL-style loops and any gymnasium.vector user.

Needs gymnasium (>= 1.0) and numpy; case33_env.py beside this file needs neither.

    import sys; sys.path.insert(0, "scripts/python")
    import gymnasium as gym, case33ts_gym          # importing registers the ids below
    env = gym.make("case33ts/Restore-v0")
    obs, info = env.reset(seed=1)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample(mask=...))
    env.unwrapped.action_masks()                    # bool array, MaskablePPO's convention

Registered ids (options are keyword arguments of gym.make, see Case33tsEnv):
  case33ts/Reconfig-v0   reconfiguration of the bundled IEEE 33-bus case: local moves, MTs held at
                         pMin, the original's event table (faults of an hour), random 24-step episodes
  case33ts/Restore-v0    restoration: local moves and MT levels, islands allowed, the bundled
                         event table with repairs of 2-8 hours (data/ieee33/event-repair.csv)
Both have a vector_entry_point: gym.make_vec(id, num_envs=8, vectorization_mode="vector_entry_point")
runs the environments in one server process (one request line per step for all of them).

Spaces: observation Box(float32) with finite bounds (the `vector` encoding; names in
env.unwrapped.observation_names); action Discrete(n) over the topology space (keep = n - 1), or with
mt="action" MultiDiscrete([n, L+1, ..., L+1]): one level per MT, 0 = off, 1..L-1 = pMin..pMax,
L = keep. action_masks() is the concatenation of the per-dimension masks.
"""
import os

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from case33_env import DEFAULT_CLI, Case33Env

_HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(_HERE, "..", ".."))
REPAIR_EVENTS = os.path.join(ROOT, "data", "ieee33", "event-repair.csv")


def _serve_options(mode, actions, mt, mt_levels, data, events, faults, start, horizon, weights, noise, termination, seed, forecast):
    return dict(
        data=data, mode=mode, action_space=actions, mt=mt, mt_levels=mt_levels, events=events, faults=faults,
        start=start, horizon=horizon, weights=weights, noise=noise, termination=termination, seed=seed,
        obs="vector", mask=True, forecast=bool(forecast),
    )


def _spaces(server):
    """(observation space, action space, mask sizes) of a Case33Env started with obs=vector."""
    o = server.observation_space
    low = np.asarray(o["low"], dtype=np.float32)
    high = np.asarray(o["high"], dtype=np.float32)
    observation_space = spaces.Box(low=low, high=high, dtype=np.float32)
    n = server.discrete_action["n"]
    if server.mt == "action":
        levels = server.mt_levels + 1
        sizes = [n] + [levels] * len(server.mt_ids)
        action_space = spaces.MultiDiscrete(np.asarray(sizes, dtype=np.int64))
    else:
        sizes = [n]
        action_space = spaces.Discrete(n)
    return observation_space, action_space, sizes


def _request(kind, mt, action):
    """The server's action for a gymnasium action (an int, or an array for MultiDiscrete)."""
    if mt == "action":
        a = np.asarray(action).reshape(-1)
        return {kind: int(a[0]), "mtLevel": [int(x) for x in a[1:]]}
    return {kind: int(np.asarray(action).reshape(-1)[0])}


def _mask(topology, sizes):
    """The flat mask: the topology mask (bytes 0/1), then every MT level allowed."""
    m = np.frombuffer(topology, dtype=np.uint8).astype(bool)
    if len(sizes) == 1:
        return m
    return np.concatenate([m, np.ones(sum(sizes[1:]), dtype=bool)])


class Case33tsEnv(gym.Env):
    """The restoration environment as a gymnasium.Env.

    Keyword arguments: mode ("reconfig" | "restore"), actions ("move" | "toggle" | "config"),
    mt ("fixed" | "off" | "action"), mt_levels (levels off included, default 4), data (case
    directory), events (event table file instead of the case's event.csv), faults ("series" |
    "none" | a scenario file), start (step or "random"), horizon, weights (JSON file), noise,
    termination, seed (the server's default seed), forecast (add the perfect forecast of step t+1,
    loads, PV/WT and price, that the expert uses), node / cli (how to start `powerflow serve`).
    """

    metadata = {"render_modes": []}

    def __init__(self, mode="reconfig", actions="move", mt="fixed", mt_levels=4, data=None, events=None, faults=None,
                 start="random", horizon=24, weights=None, noise=0, termination="default", seed=None,
                 forecast=False, render_mode=None, node="node", cli=DEFAULT_CLI):
        super().__init__()
        self._server = Case33Env(node=node, cli=cli, **_serve_options(
            mode, actions, mt, mt_levels, data, events, faults, start, horizon, weights, noise, termination, seed, forecast))
        self.observation_space, self.action_space, self._sizes = _spaces(self._server)
        self.observation_names = self._server.observation_names
        self.action_labels = self._server.discrete_action["labels"]
        self.keep = self._server.discrete_action["keep"]
        self.mt_ids = self._server.mt_ids
        self.line_ids = self._server.line_ids
        self._kind = actions
        self._mt = mt
        self.render_mode = render_mode

    def _obs(self, obs):
        return np.asarray(obs, dtype=np.float32)

    def _info(self, info):
        info["action_mask"] = _mask(info["action_mask"], self._sizes)
        return info

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        obs, info = self._server.reset(seed=seed, options=options)
        return self._obs(obs), self._info(info)

    def step(self, action):
        obs, reward, terminated, truncated, info = self._server.step(_request(self._kind, self._mt, action))
        return self._obs(obs), float(reward), bool(terminated), bool(truncated), self._info(info)

    def action_masks(self):
        """Valid actions in the current state (bool, one per index; MultiDiscrete: concatenated)."""
        return _mask(self._server.action_masks(), self._sizes)

    def keep_action(self):
        """The do-nothing action of this space."""
        if self._mt == "action":
            return np.asarray([self.keep] + [s - 1 for s in self._sizes[1:]], dtype=np.int64)
        return self.keep

    def close(self):
        if self._server is not None:
            self._server.close()
            self._server = None


class Case33tsVectorEnv(VectorEnv):
    """num_envs environments in one `powerflow serve` process (vreset / vstep), same-step autoreset:
    when an episode ends its environment is reset at once, the returned observation is the new
    episode's first, and infos["final_obs"][i] / infos["final_info"][i] hold the last ones."""

    metadata = {"render_modes": [], "autoreset_mode": AutoresetMode.SAME_STEP}

    def __init__(self, num_envs=8, mode="reconfig", actions="move", mt="fixed", mt_levels=4, data=None, events=None,
                 faults=None, start="random", horizon=24, weights=None, noise=0, termination="default", seed=None,
                 forecast=False, render_mode=None, node="node", cli=DEFAULT_CLI):
        self._server = Case33Env(node=node, cli=cli, **_serve_options(
            mode, actions, mt, mt_levels, data, events, faults, start, horizon, weights, noise, termination, seed, forecast))
        self.num_envs = int(num_envs)
        self.single_observation_space, self.single_action_space, self._sizes = _spaces(self._server)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self._kind = actions
        self._mt = mt
        self.render_mode = render_mode
        self._next_seed = 0 if seed is None else int(seed)

    def _infos(self, infos):
        out = {"action_mask": np.stack([_mask(i["action_mask"], self._sizes) for i in infos]),
               "_action_mask": np.ones(self.num_envs, dtype=bool)}
        final = np.array([("final" in i) for i in infos], dtype=bool)
        if final.any():
            fo = np.empty(self.num_envs, dtype=object)
            fi = np.empty(self.num_envs, dtype=object)
            for k, i in enumerate(infos):
                if "final" in i:
                    fo[k] = np.asarray(i["final"]["observation"], dtype=np.float32)
                    fi[k] = i["final"]["info"]
            out.update({"final_obs": fo, "_final_obs": final, "final_info": fi, "_final_info": final})
        for key in ("step", "lossKw", "unservedKw", "switchOps", "valid"):
            out[key] = np.asarray([i[key] for i in infos])
            out["_" + key] = np.ones(self.num_envs, dtype=bool)
        return out

    def reset(self, *, seed=None, options=None):
        if seed is None:
            seed = self._next_seed
        self._next_seed = int(seed) + self.num_envs
        obs, infos = self._server.vreset(self.num_envs, seed=seed, options=options)
        return np.asarray(obs, dtype=np.float32), self._infos(infos)

    def step(self, actions):
        reqs = [_request(self._kind, self._mt, a) for a in actions]
        obs, rewards, terminated, truncated, infos = self._server.vstep(reqs)
        return (np.asarray(obs, dtype=np.float32), np.asarray(rewards, dtype=np.float64),
                np.asarray(terminated, dtype=bool), np.asarray(truncated, dtype=bool), self._infos(infos))

    def action_masks(self):
        """One mask per environment (num_envs x mask length)."""
        return np.stack([_mask(m, self._sizes) for m in self._server._vmasks])

    def close_extras(self, **kwargs):
        if self._server is not None:
            self._server.close()
            self._server = None


_IDS = {
    "case33ts/Reconfig-v0": dict(mode="reconfig", actions="move", mt="fixed"),
    "case33ts/Restore-v0": dict(mode="restore", actions="move", mt="action", events=REPAIR_EVENTS),
}

for _id, _kw in _IDS.items():
    if _id not in gym.registry:
        gym.register(id=_id, entry_point="case33ts_gym:Case33tsEnv", vector_entry_point="case33ts_gym:Case33tsVectorEnv", kwargs=_kw)
