// onnxruntime-web, wasm execution provider, one thread unless asked for more (its wasm
// builds are all SIMD; under Node its threads are worker_threads).
// Each case is a one-node ONNX model with the weights as initializers, the way an
// exported PyTorch layer looks. A timed call is session.run(), which includes
// onnxruntime-web's copy of the inputs into its heap and of the outputs back out.

import { buildModel, FLOAT, INT64 } from "../onnx.mjs";

let ort;

export const name = "ort-web";

export async function load({ threads = 1 } = {}) {
  ort = await import("onnxruntime-web");
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = "error";
  if (threads > 1) await startRuntime(ort);
  return { version: ort.env.versions.web, threads: ort.env.wasm.numThreads, detail: `wasm EP, numThreads ${ort.env.wasm.numThreads}` };
}

/**
 * onnxruntime-web starts its runtime (and thread pool) with the first session, and sets
 * env.wasm.numThreads back to 1 where threads cannot run: one tiny session first, so the
 * count read afterwards is the count in use. (Also used by bench/models/engines.mjs.)
 */
export async function startRuntime(ort) {
  const spec = { nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }], inputs: [{ name: "x", type: FLOAT, dims: [1] }], outputs: [{ name: "y", type: FLOAT, dims: [1] }] };
  const session = await ort.InferenceSession.create(buildModel(spec), { executionProviders: ["wasm"] });
  await session.release();
}

const rep = (n, v) => new Array(n).fill(v);

function model(c, d) {
  const rank = c.x.length - 2;
  const f32 = (name, dims) => ({ name, type: FLOAT, dims });
  const spatial = (k, stride, pad) => ({ kernel_shape: rep(rank, k), strides: rep(rank, stride), pads: rep(2 * rank, pad) });
  switch (c.op) {
    case "conv":
    case "convTranspose":
      return {
        nodes: [{
          op: c.op === "conv" ? "Conv" : "ConvTranspose",
          inputs: ["x", "w", "b"],
          outputs: ["y"],
          attrs: { ...spatial(c.k, c.stride, c.pad), dilations: rep(rank, c.dilation ?? 1), group: c.groups },
        }],
        inputs: [f32("x", c.x)],
        outputs: [f32("y", c.outShape)],
        initializers: {
          w: { type: FLOAT, dims: d.wShape, data: d.w },
          b: { type: FLOAT, dims: [c.outC], data: d.b },
        },
      };
    case "maxPool":
      return {
        nodes: [{ op: "MaxPool", inputs: ["x"], outputs: c.indices ? ["y", "i"] : ["y"], attrs: spatial(c.k, c.stride, c.pad) }],
        inputs: [f32("x", c.x)],
        outputs: c.indices ? [f32("y", c.outShape), { name: "i", type: INT64, dims: c.outShape }] : [f32("y", c.outShape)],
      };
    case "avgPool":
      return {
        nodes: [{ op: "AveragePool", inputs: ["x"], outputs: ["y"], attrs: spatial(c.k, c.stride, c.pad) }],
        inputs: [f32("x", c.x)],
        outputs: [f32("y", c.outShape)],
      };
    case "linear":
      // Gemm with transB = 1 takes the [out, in] weight as it is (ONNX exports of Linear).
      return {
        nodes: [{ op: "Gemm", inputs: ["x", "w", "b"], outputs: ["y"], attrs: { transB: 1 } }],
        inputs: [f32("x", c.x)],
        outputs: [f32("y", c.outShape)],
        initializers: {
          w: { type: FLOAT, dims: d.wShape, data: d.w },
          b: { type: FLOAT, dims: [c.outF], data: d.b },
        },
      };
    case "matmul":
      // Both operands are inputs: a matmul of two activations, not a layer with a weight.
      return {
        nodes: [{ op: "MatMul", inputs: ["a", "b"], outputs: ["y"] }],
        inputs: [f32("a", c.x), f32("b", d.bShape)],
        outputs: [f32("y", c.outShape)],
      };
    case "unary": {
      const op = { relu: "Relu", sigmoid: "Sigmoid", gelu: "Gelu" }[c.fn];
      return { nodes: [{ op, inputs: ["x"], outputs: ["y"] }], inputs: [f32("x", c.x)], outputs: [f32("y", c.x)] };
    }
    case "add":
      return { nodes: [{ op: "Add", inputs: ["x", "b"], outputs: ["y"] }], inputs: [f32("x", c.x), f32("b", c.y)], outputs: [f32("y", c.x)] };
    case "interpolate":
      // Resize (opset 13+) with half-pixel coordinates is PyTorch's alignCorners false.
      return {
        nodes: [{ op: "Resize", inputs: ["x", "", "scales"], outputs: ["y"], attrs: { mode: "linear", coordinate_transformation_mode: "half_pixel" } }],
        inputs: [f32("x", c.x)],
        outputs: [f32("y", c.outShape)],
        initializers: { scales: { type: FLOAT, dims: [c.x.length], data: [1, 1, ...rep(rank, c.scale)] } },
      };
    case "batchNorm": {
      // BatchNormalization in inference mode; epsilon's default (1e-5) is PyTorch's.
      const ch = [c.x[1]];
      return {
        nodes: [{ op: "BatchNormalization", inputs: ["x", "scale", "bias", "mean", "var"], outputs: ["y"] }],
        inputs: [f32("x", c.x)],
        outputs: [f32("y", c.x)],
        initializers: {
          scale: { type: FLOAT, dims: ch, data: d.w },
          bias: { type: FLOAT, dims: ch, data: d.b },
          mean: { type: FLOAT, dims: ch, data: d.mean },
          var: { type: FLOAT, dims: ch, data: d.variance },
        },
      };
    }
    case "layerNorm": {
      // LayerNormalization (opset 17), axis -1 and epsilon 1e-5 by default.
      const last = [c.x[c.x.length - 1]];
      return {
        nodes: [{ op: "LayerNormalization", inputs: ["x", "scale", "bias"], outputs: ["y"] }],
        inputs: [f32("x", c.x)],
        outputs: [f32("y", c.x)],
        initializers: { scale: { type: FLOAT, dims: last, data: d.w }, bias: { type: FLOAT, dims: last, data: d.b } },
      };
    }
    case "maxUnpool":
      return {
        nodes: [{ op: "MaxUnpool", inputs: ["x", "i", "shape"], outputs: ["y"], attrs: spatial(c.k, c.stride, c.pad) }],
        inputs: [f32("x", c.pooledShape), { name: "i", type: INT64, dims: c.pooledShape }],
        outputs: [f32("y", c.outShape)],
        initializers: { shape: { type: INT64, dims: [c.outShape.length], data: c.outShape } },
      };
  }
  return null;
}

function feeds(c, d) {
  const t = (data, dims) => new ort.Tensor("float32", data, dims);
  switch (c.op) {
    case "matmul":
      return { a: t(d.x, c.x), b: t(d.bMat, d.bShape) };
    case "maxUnpool": {
      // ONNX indices count over the whole tensor; wasm-nn's (PyTorch's) within a plane.
      const [oh, ow] = c.outShape.slice(2);
      const [ph, pw] = c.pooledShape.slice(2);
      const global = new BigInt64Array(d.indices.length);
      for (let k = 0; k < global.length; k++) global[k] = BigInt(Math.floor(k / (ph * pw)) * oh * ow + d.indices[k]);
      return { x: t(d.pooled, c.pooledShape), i: new ort.Tensor("int64", global, c.pooledShape) };
    }
    case "add":
      return { x: t(d.x, c.x), b: t(d.y, c.y) };
    default:
      return { x: t(d.x, c.x) };
  }
}

export async function prepare(c, d) {
  const spec = model(c, d);
  if (!spec) return { na: "no equivalent op" };
  const session = await ort.InferenceSession.create(buildModel(spec), {
    executionProviders: ["wasm"],
    graphOptimizationLevel: "all",
  });
  const inputs = feeds(c, d);
  const planeSize = c.x.slice(2).reduce((p, v) => p * v, 1);
  return {
    run: () => session.run(inputs),
    read(out) {
      const values = out.y.data;
      if (!out.i) return { values };
      const indices = Int32Array.from(out.i.data, (v) => Number(v % BigInt(planeSize)));
      return { values, indices };
    },
    release(out) {
      for (const t of Object.values(out)) t.dispose?.();
    },
    async dispose() {
      await session.release();
    },
  };
}
