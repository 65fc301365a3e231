export { Image, type ImageArgs, type ImageArchiveArgs, type RegistryCredentials } from "./image";
export { Container, type ContainerArgs, type PortArgs, type VolumeArgs } from "./container";
export { RootFs, type RootFsArgs } from "./rootfs";
