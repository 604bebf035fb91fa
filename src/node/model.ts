// loadModelFile: nn.loadModel from the two files tools/export_model.py writes.

import { readFile } from "node:fs/promises";
import { badType } from "../errors";
import { type LoadedModel, loadModel } from "../nn/load-model";

/**
 * Reads `${prefix}.json` (the graph) and `${prefix}.safetensors` (the weights) and builds
 * the model with `nn.loadModel`: `await loadModelFile("out/resnet18")`.
 */
export async function loadModelFile(prefix: string): Promise<LoadedModel> {
  if (typeof prefix !== "string" || prefix === "") throw badType("loadModelFile", "prefix", "a non-empty path prefix string", prefix);
  const [graph, weights] = await Promise.all([readFile(`${prefix}.json`, "utf8"), readFile(`${prefix}.safetensors`)]);
  return loadModel(graph, new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
}
