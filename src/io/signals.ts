/**
 * Clean exits on SIGINT / SIGTERM / SIGHUP: run the registered cleanups (remove temporary files,
 * release locks), then exit with 128 + the signal number, as a shell reports it. Outputs are only
 * ever renamed into place when complete, so an interrupted run leaves complete files or none.
 */
const cleanups = new Set<() => void>();
let installed = false;

const SIGNALS: [NodeJS.Signals, number][] = [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]];

function runCleanups(): void {
  for (const c of [...cleanups]) {
    try {
      c();
    } catch {
      /* best effort while exiting */
    }
  }
  cleanups.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const [sig, num] of SIGNALS) {
    process.on(sig, () => {
      runCleanups();
      process.stderr.write(`\ninterrupted by ${sig}: complete outputs kept, temporary files removed\n`);
      process.exit(128 + num);
    });
  }
  process.on('exit', runCleanups);
}

/** Register a cleanup; returns a function that unregisters it. */
export function onCleanup(fn: () => void): () => void {
  install();
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
  };
}
