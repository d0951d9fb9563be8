/**
 * The workloads of the platform (the gateway and every service), read from their manifests by
 * deploy/workloads.cjs: the one reader, shared with the scripts of deploy/.
 */
export {
  KINDS,
  ManifestError,
  readWorkloads,
  findWorkload,
  portVariable,
  localPorts,
  servingPort,
  localInfra,
  localEnv,
  type Workload,
  type WorkloadKind,
  type LocalInfra,
} from "../../../deploy/workloads.cjs";
