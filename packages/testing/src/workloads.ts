/**
 * The workloads of the platform (the gateway and every service), read from their manifests by
 * deploy/workloads.cjs: the one reader, shared with the scripts of deploy/.
 */
export {
  KINDS,
  INFRA_DEFAULT_PORTS,
  ManifestError,
  readWorkloads,
  findWorkload,
  portVariable,
  stackPort,
  localPorts,
  servingPort,
  localInfra,
  localEnv,
  type Workload,
  type WorkloadKind,
  type LocalInfra,
} from "../../../deploy/workloads.cjs";
