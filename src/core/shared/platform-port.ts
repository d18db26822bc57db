/**
 * The runtime's `MessagePort`: the DOM's in a page, `worker_threads`' under Node's types. Named through
 * the global value, which both sets of types declare, so that the package's declaration files compile
 * in a project with either: Node's types declare the `MessagePort` value but no type of that name.
 */
export type PlatformMessagePort = InstanceType<typeof MessagePort>;
