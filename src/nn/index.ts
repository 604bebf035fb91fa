// nn: modules mirroring torch.nn. One file per layer family; each forward calls F.
export { Module, type LoadStateDictOptions } from "./module";
