/**
 * Atomic output: write to a temporary name in the same folder, then rename, so a reader
 * (or a crash) never sees a half-written file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { onCleanup } from './signals';

export function tempNameFor(file: string): string {
  const dir = path.dirname(file);
  return path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempNameFor(file);
  const unregister = onCleanup(() => fs.rmSync(tmp, { force: true }));
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
    unregister();
  } catch (e) {
    unregister();
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
