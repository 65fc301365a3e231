export {
  Jail,
  type JailArgs,
  type JailRootFsArgs,
  type JailVnetArgs,
  type JailAllowArgs,
  type JailExecArgs,
  type JailMountArgs,
  type JailLimitsArgs,
} from "./jail";
export { Exec, type ExecArgs } from "./exec";
