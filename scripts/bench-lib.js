'use strict';
/** Shared by the benchmark scripts. */

/** Median of a list of numbers (mean of the middle two for an even count). */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

module.exports = { median };

/** The power-flow request of a snapshot with these lines open (0-based), MTs off (needs npm run build). */
function buildRequest(net, snap, { open }) {
  const path = require('node:path');
  const dist = path.join(__dirname, '..', 'dist');
  const { actionRequest } = require(path.join(dist, 'powerflow/request'));
  const { normalAction } = require(path.join(dist, 'grid/action'));
  const a = normalAction(net);
  a.lineOpen.fill(0);
  for (const l of open) a.lineOpen[l] = 1;
  a.mtPKw.fill(0);
  a.mtQKvar.fill(0);
  return actionRequest(net, snap, a, new Uint8Array(net.lines.length), true);
}
module.exports.buildRequest = buildRequest;
