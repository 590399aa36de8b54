/**
 * N independent restoration environments stepped by one call (Gymnasium's SyncVectorEnv with
 * same-step autoreset): when environment i terminates or is truncated it is reset at once; the
 * returned observation is then the new episode's first one, and infos[i].final holds the last
 * observation and info of the episode that ended; the automatic reset reuses the options of the
 * last reset() call. Environment i is seeded with seed + i.
 * The table of radial configurations is built once and shared.
 */
import { Action, ActionError, EnvOptions, Observation, ResetOptions, RestorationEnv, StepInfo } from './restoration-env';
import { enumerateRadialConfigurations } from '../topology/spanning-trees';

export interface VectorStepInfo extends StepInfo {
  final?: { observation: Observation; info: StepInfo; terminated: boolean; truncated: boolean };
}

export class VectorRestorationEnv {
  readonly envs: RestorationEnv[];
  /** reset options of the last reset, reused by the automatic resets */
  private options: ResetOptions | undefined;

  constructor(n: number, opts: EnvOptions) {
    if (!Number.isInteger(n) || n < 1) throw new ActionError(`expected a number of environments >= 1, found ${n}`);
    const table = opts.radialTable ?? (opts.actionMask && (opts.actions ?? 'config') === 'config' ? enumerateRadialConfigurations(opts.net) : undefined);
    this.envs = [];
    for (let i = 0; i < n; i++) this.envs.push(new RestorationEnv({ ...opts, radialTable: table }));
  }

  get size(): number {
    return this.envs.length;
  }

  reset(args: { seed?: number; options?: ResetOptions } = {}): { observations: Observation[]; infos: StepInfo[] } {
    const observations: Observation[] = [];
    const infos: StepInfo[] = [];
    this.options = args.options;
    this.envs.forEach((e, i) => {
      const r = e.reset({ seed: args.seed === undefined ? undefined : args.seed + i, options: args.options });
      observations.push(r.observation);
      infos.push(r.info);
    });
    return { observations, infos };
  }

  step(actions: Action[]): { observations: Observation[]; rewards: number[]; terminated: boolean[]; truncated: boolean[]; infos: VectorStepInfo[] } {
    if (!Array.isArray(actions) || actions.length !== this.envs.length) {
      throw new ActionError(`expected an array of ${this.envs.length} actions, one per environment`);
    }
    // all or nothing: a malformed action for any environment steps none of them
    this.envs.forEach((e, i) => {
      try {
        e.checkAction(actions[i]);
      } catch (err) {
        if (err instanceof ActionError) throw new ActionError(`actions[${i}]: ${err.message}`);
        throw err;
      }
    });
    const out = { observations: [] as Observation[], rewards: [] as number[], terminated: [] as boolean[], truncated: [] as boolean[],
      infos: [] as VectorStepInfo[] };
    this.envs.forEach((e, i) => {
      // share a table built lazily by any environment
      if (!e.tableIfBuilt()) {
        const t = this.envs.find((x) => x.tableIfBuilt())?.tableIfBuilt();
        if (t) e.useRadialTable(t);
      }
      const r = e.step(actions[i]);
      let obs = r.observation;
      let info: VectorStepInfo = r.info;
      if (r.terminated || r.truncated) {
        const re = e.reset({ options: this.options });
        obs = re.observation;
        info = { ...re.info, final: { observation: r.observation, info: r.info, terminated: r.terminated, truncated: r.truncated } };
      }
      out.observations.push(obs);
      out.rewards.push(r.reward);
      out.terminated.push(r.terminated);
      out.truncated.push(r.truncated);
      out.infos.push(info);
    });
    return out;
  }
}
