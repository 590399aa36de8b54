"""Gymnasium-style wrapper of the case33ts restoration environment (`powerflow serve`).

Standard library only (subprocess + json). The environment runs in a Node.js child process and
speaks one JSON object per line over its stdin/stdout.

    from case33_env import Case33Env
    env = Case33Env(obs="case33py", faults="none", horizon=24)
    obs, info = env.reset(seed=1)
    done = False
    while not done:
        action = {"config": env.sample_config()}       # or {"open": [...], "mtPKw": [...], "mtQKvar": [...]}
        obs, reward, terminated, truncated, info = env.step(action)
        done = terminated or truncated
    env.close()

Observations are plain Python lists (case33py encoding) or dicts of lists (full encoding); the
spaces are dicts as `powerflow serve` describes them, with "inf"/"-inf" bounds turned into floats.
With mask=True every info holds "action_mask": bytes, one byte (0/1) per index of the discrete
action space (action_space="config" | "move" | "toggle"; keep is the last index), numpy:
np.frombuffer(info["action_mask"], dtype=np.uint8); the server sends it only when it changes, and
the wrapper keeps the last one (env.action_masks() returns it too).
case33ts_gym.py (beside this file) builds a real gymnasium.Env on this class.
Run this file to play one random episode and print a JSON summary:
    python3 scripts/python/case33_env.py --seed 1 --faults none --obs case33py
"""
import json
import os
import random
import subprocess
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CLI = os.path.normpath(os.path.join(_HERE, "..", "..", "bin", "powerflow.js"))


class Case33EnvError(RuntimeError):
    """The environment answered a request with {"error": ...}."""


# byte value -> its 8 bits as 8 bytes 0/1, least significant first (the server's packing)
_EXPAND = [bytes((v >> k) & 1 for k in range(8)) for v in range(256)]


def unpack_mask(bits_b64, n):
    """The server's packed mask (base64, bit c of byte c >> 3) as n bytes 0/1."""
    import base64

    raw = base64.b64decode(bits_b64)
    return b"".join(_EXPAND[b] for b in raw)[:n]


def _bounds(v):
    if isinstance(v, list):
        return [_bounds(x) for x in v]
    if v == "inf":
        return float("inf")
    if v == "-inf":
        return float("-inf")
    return v


def _space(d):
    d = dict(d)
    if d.get("kind") == "Box":
        d["low"] = _bounds(d["low"])
        d["high"] = _bounds(d["high"])
    elif d.get("kind") == "Dict":
        d["spaces"] = {k: _space(s) for k, s in d["spaces"].items()}
    return d


class Case33Env:
    """Gymnasium-style environment: reset(seed, options) and step(action) over a pipe.

    Keyword arguments become `powerflow serve` options: data, mode, start, horizon, weights,
    faults, events, noise, obs, action_space, mt, mt_levels, seed, termination, mask (True -> --mask).
    """

    metadata = {"render_modes": []}

    def __init__(self, node="node", cli=DEFAULT_CLI, **options):
        cmd = [node, cli, "serve"]
        for key, value in options.items():
            if value is None or value is False:
                continue
            flag = "--" + key.replace("_", "-")
            cmd += [flag] if value is True else [flag, str(value)]
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, bufsize=1,
        )
        spaces = self._call({"cmd": "spaces"})
        self.observation_space = _space(spaces["observation"])
        self.action_space = _space(spaces["action"])
        # None when the feeder has too many radial configurations for an index
        self.config_action_space = _space(spaces["configAction"]) if spaces["configAction"] else None
        self.line_ids = spaces["lineIds"]
        self.bus_ids = spaces["busIds"]
        self.mt_ids = spaces["mtIds"]
        self._rng = random.Random(0)
        self._n_configs = self.config_action_space["spaces"]["config"]["n"] if self.config_action_space else 0
        # the discrete action space of the mask (--actions): kind, n (keep = n - 1), labels
        self.discrete_action = spaces["discreteAction"]
        self.observation_names = spaces.get("observationNames")
        self.mt = spaces["mt"]
        self.mt_levels = spaces["mtLevels"]
        self._mask = None
        self._vmasks = []

    def _mask_of(self, info, last):
        """Keep the last mask sent; put it into info as "action_mask" (bytes)."""
        bits = info.pop("actionMaskBits", None)
        mask = unpack_mask(bits, self.discrete_action["n"]) if bits is not None else last
        if mask is not None:
            info["action_mask"] = mask
        return mask

    def action_masks(self):
        """The mask of the last observation (bytes, one 0/1 per configuration), or None."""
        return self._mask

    def _call(self, request):
        if self._proc is None:
            raise Case33EnvError("environment is closed")
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            err = self._proc.stderr.read()
            raise Case33EnvError("powerflow serve ended: " + err.strip())
        reply = json.loads(line)
        if "error" in reply:
            raise Case33EnvError(reply["error"])
        return reply

    def reset(self, seed=None, options=None):
        request = {"cmd": "reset", "options": options or {}}
        if seed is not None:
            request["seed"] = int(seed)
            self._rng = random.Random(seed)
        reply = self._call(request)
        self._mask = self._mask_of(reply["info"], None)
        return reply["observation"], reply["info"]

    def step(self, action):
        reply = self._call({"cmd": "step", "action": action})
        self._mask = self._mask_of(reply["info"], self._mask)
        return reply["observation"], reply["reward"], reply["terminated"], reply["truncated"], reply["info"]

    def vreset(self, n, seed=None, options=None):
        """Start n environments in the server (seeds seed..seed+n-1); returns (observations, infos)."""
        request = {"cmd": "vreset", "n": int(n), "options": options or {}}
        if seed is not None:
            request["seed"] = int(seed)
        reply = self._call(request)
        self._vmasks = [self._mask_of(info, None) for info in reply["infos"]]
        return reply["observations"], reply["infos"]

    def vstep(self, actions):
        """One step of each of the n environments (one request line). An environment whose episode
        ends is reset at once: its observation is the new episode's first, infos[i]["final"] holds
        the last observation and info. Returns (observations, rewards, terminated, truncated, infos)."""
        reply = self._call({"cmd": "vstep", "actions": list(actions)})
        self._vmasks = [self._mask_of(info, last) for info, last in zip(reply["infos"], self._vmasks)]
        return reply["observations"], reply["rewards"], reply["terminated"], reply["truncated"], reply["infos"]

    def sample_config(self):
        """A uniformly drawn index into the table of radial configurations."""
        return self._rng.randrange(self.config_action_space["spaces"]["config"]["n"] - 1)

    def configs(self):
        """The table of radial configurations: lists of open line ids."""
        return self._call({"cmd": "configs"})["configurations"]

    def close(self):
        if self._proc is None:
            return
        try:
            self._call({"cmd": "close"})
        except Case33EnvError:
            pass
        self._proc.stdin.close()
        self._proc.wait(timeout=30)
        self._proc.stdout.close()
        self._proc.stderr.close()
        self._proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _main(argv):
    import argparse

    p = argparse.ArgumentParser(description="play one random episode through powerflow serve")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--faults", default="none")
    p.add_argument("--obs", default="case33py")
    p.add_argument("--mode", default="reconfig")
    p.add_argument("--horizon", type=int, default=24)
    p.add_argument("--data", default=None)
    a = p.parse_args(argv)
    with Case33Env(obs=a.obs, faults=a.faults, mode=a.mode, horizon=a.horizon, data=a.data) as env:
        obs, info = env.reset(seed=a.seed)
        steps, total, done = 0, 0.0, False
        terminated = truncated = False
        while not done:
            obs, reward, terminated, truncated, info = env.step({"config": env.sample_config()})
            steps += 1
            total += reward
            done = terminated or truncated
    print(json.dumps({"steps": steps, "totalReward": total, "terminated": terminated, "truncated": truncated, "lastStep": info["step"]}))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
