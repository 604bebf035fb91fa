// F: the functional layer, mirroring torch.nn.functional. One file per layer family.
export {};
