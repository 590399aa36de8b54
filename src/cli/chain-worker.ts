/**
 * The compute thread of `mdpc run`. HiGHS' solves are long and synchronous: were they on the main
 * thread, a signal would wait for the step to end (up to its time limit). Here the expert and the
 * environment run in a worker thread and send each step's transition and record back; the main
 * thread alone writes files, holds the lock and takes signals, so it stops within milliseconds
 * with only complete rows on disk (the thread dies with the process).
 *
 * One thread per process, kept for the whole run: the solver's WebAssembly is compiled once in it,
 * and the case, expert and environment are built once per distinct job.
 */
import * as path from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';
import { loadContext } from './common';
import { loadWeights } from '../powerflow/reward';
import { withEventTable } from '../grid/series';
import { RestorationEnv } from '../env/restoration-env';
import { chainSchema, SchemaName, Transition } from '../mdp';
import { Expert } from '../opt/expert';
import { Mode, ObjectiveKind, TIGHT } from '../opt/formulation';
import { ChainRunContext, Episode, runEpisode, StepRecord } from '../opt/chain-run';
import { SerializedError, deserializeError, serializeError } from '../io/errors';

/** Everything the thread needs to rebuild the run's context from files. */
export interface ChainJob {
  data?: string;
  weights?: string;
  /** event table instead of the case's event.csv */
  events?: string;
  mode: Mode;
  objective: ObjectiveKind;
  branch: 'soc' | 'lindistflow';
  mt: 'on' | 'off';
  timeLimitS: number;
  gap: number;
  schema: SchemaName;
  /** log/<run> for the .lp models and solver logs, or null */
  runDir: string | null;
}

type ToThread = { kind: 'episode'; job: ChainJob; ep: Episode };
type FromThread = { kind: 'step'; tr: Transition; rec: StepRecord } | { kind: 'done' } | { kind: 'error'; error: SerializedError };

/** The main thread's handle: run an episode in the thread, receive its steps. */
export class ChainThread {
  private worker: Worker | null = null;

  /** Run `ep` of `job` in the thread; `emit` receives each step (a throw from it stops the episode). */
  runEpisode(job: ChainJob, ep: Episode, emit: (tr: Transition, rec: StepRecord) => void): Promise<void> {
    const w = (this.worker ??= this.start());
    return new Promise<void>((resolve, reject) => {
      const fail = (e: unknown): void => {
        done();
        // the thread may be mid-step: stop it, a new one starts for the next job
        void w.terminate();
        if (this.worker === w) this.worker = null;
        reject(e);
      };
      const onMessage = (m: FromThread): void => {
        if (m.kind === 'step') {
          try {
            emit(m.tr, m.rec);
          } catch (e) {
            fail(e);
          }
        } else if (m.kind === 'done') {
          done();
          resolve();
        } else {
          fail(deserializeError(m.error));
        }
      };
      const onError = (e: Error): void => fail(e);
      const onExit = (code: number): void => fail(new Error(`the compute thread stopped (exit code ${code})`));
      const done = (): void => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ kind: 'episode', job, ep } satisfies ToThread);
    });
  }

  /** Stop the thread (the run is over). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private start(): Worker {
    const w = new Worker(path.join(__dirname, 'chain-worker.js'));
    w.unref(); // a finished run exits even if nobody closes the thread
    return w;
  }
}

// ---------------------------------------------------------------- the thread's side

/** The context of the last job, kept while jobs are the same (the shards of one run). */
let current: { key: string; ctx: ChainRunContext } | null = null;

async function contextFor(job: ChainJob): Promise<ChainRunContext> {
  const key = JSON.stringify(job);
  if (current && current.key === key) return current.ctx;
  current?.ctx.expert.dispose();
  current = null;
  const weights = loadWeights(job.weights);
  const c = loadContext(job.data, true);
  const series = job.events ? withEventTable(c.series!, c.net, job.events) : c.series!;
  const expert = await Expert.create(c.net,
    { mode: job.mode, objective: job.objective, branch: job.branch, mt: job.mt, weights, timeLimitS: job.timeLimitS, gap: job.gap, tightening: TIGHT,
    logDir: job.runDir });
  const env = new RestorationEnv({ net: c.net, series, mode: job.mode, weights, termination: 'powerflow', observation: 'full', seed: 0 });
  const ctx: ChainRunContext = { net: c.net, series, mode: job.mode, expert, schema: chainSchema(job.schema, c.net), env, runDir: job.runDir };
  current = { key, ctx };
  return ctx;
}

if (parentPort) {
  const port = parentPort;
  const send = (m: FromThread): void => port.postMessage(m);
  let queue = Promise.resolve();
  port.on('message', (m: ToThread) => {
    queue = queue.then(async () => {
      try {
        const ctx = await contextFor(m.job);
        await runEpisode(ctx, m.ep, (tr, rec) => send({ kind: 'step', tr, rec }));
        send({ kind: 'done' });
      } catch (e) {
        send({ kind: 'error', error: serializeError(e) });
      }
    });
  });
}
