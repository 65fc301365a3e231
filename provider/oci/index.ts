// OCI images and podman containers: the kinds, and what doctor checks on a host for them.
export { imageKind, type ImageInputs, type ImageOutputs } from "./image";
export { containerKind, type ContainerInputs, type ContainerOutputs } from "./container";
export { rootFsKind, type RootFsInputs, type RootFsOutputs } from "./rootfs";
export { ociHostChecks, type OciProbe } from "./doctor";
