/**
 * In-place LU factorisation with partial pivoting on a dense row-major Float64Array,
 * skipping zero multipliers: for feeder Jacobians ordered leaves-first, fill-in stays small and
 * most row updates are skipped, which makes a dense store nearly as fast as a sparse one here.
 */
export function luFactor(a: Float64Array, n: number, perm: Int32Array): boolean {
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > 1e-300)) return false;
    if (p !== k) {
      const rk = k * n;
      const rp = p * n;
      for (let j = 0; j < n; j++) {
        const t = a[rk + j];
        a[rk + j] = a[rp + j];
        a[rp + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
    }
    const rk = k * n;
    const pivot = a[rk + k];
    // last non-zero column of the pivot row bounds the update
    let last = n - 1;
    while (last > k && a[rk + last] === 0) last--;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const aik = a[ri + k];
      if (aik === 0) continue;
      const m = aik / pivot;
      a[ri + k] = m;
      for (let j = k + 1; j <= last; j++) a[ri + j] -= m * a[rk + j];
    }
  }
  return true;
}

/** Solve A x = b with the factors from luFactor; b is overwritten with x (tmp has length n). */
export function luSolve(a: Float64Array, n: number, perm: Int32Array, b: Float64Array, tmp: Float64Array): void {
  for (let i = 0; i < n; i++) tmp[i] = b[perm[i]];
  for (let i = 0; i < n; i++) {
    let s = tmp[i];
    const ri = i * n;
    for (let j = 0; j < i; j++) s -= a[ri + j] * tmp[j];
    tmp[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = tmp[i];
    const ri = i * n;
    for (let j = i + 1; j < n; j++) s -= a[ri + j] * tmp[j];
    tmp[i] = s / a[ri + i];
  }
  for (let i = 0; i < n; i++) b[i] = tmp[i];
}
