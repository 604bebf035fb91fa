// TensorFlow.js with its WebAssembly backend (XNNPACK, SIMD binary). Under Node the
// backend runs on one thread: its WASM_HAS_MULTITHREAD_SUPPORT flag is false whenever
// IS_NODE (tfjs issue 3830), so a threaded run keeps it at one thread too. Data is channels-last (NHWC), tfjs's native layout; the
// conversion from the shared NCHW inputs happens here, outside the timing. Each timed
// call is the op plus dataSync(), the point where the result is in JS memory.

import { toChannelsFirst, toChannelsLast, permute } from "../reference.mjs";

let tf;

export const name = "tfjs-wasm";

export async function load() {
  tf = await import("@tensorflow/tfjs-core");
  const wasmBackend = await import("@tensorflow/tfjs-backend-wasm");
  // One thread, for the single-thread table (Node gets no threaded build anyway).
  wasmBackend.setThreadsCount(1);
  await tf.setBackend("wasm");
  await tf.ready();
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  const threads = wasmBackend.getThreadsCount?.() ?? 1;
  if (!simd) throw new Error("tfjs-backend-wasm did not pick its SIMD binary");
  const version = tf.version_core === wasmBackend.version_wasm ? tf.version_core : `${tf.version_core} / ${wasmBackend.version_wasm}`;
  return { version, detail: `backend ${tf.getBackend()}, simd ${simd}, threads ${threads}` };
}

const lastShape = (shape) => [shape[0], ...shape.slice(2), shape[1]];

export async function prepare(c, d) {
  const resident = [];
  const keep = (t) => (resident.push(t), t);
  const xLast = () => keep(tf.tensor(toChannelsLast(d.x, c.x), lastShape(c.x)));
  let run;
  let outLast = true; // output is channels-last and needs converting back
  let note;
  switch (c.op) {
    case "conv": {
      const rank = c.x.length - 2;
      const b = keep(tf.tensor1d(d.b));
      if (rank === 2 && c.groups === 1) {
        const x = xLast();
        const w = keep(tf.tensor(permute(d.w, d.wShape, [2, 3, 1, 0]), [c.k, c.k, c.x[1], c.outC]));
        run = () => tf.fused.conv2d({ x, filter: w, bias: b, strides: c.stride, pad: c.pad, dilations: c.dilation ?? 1 });
      } else if (rank === 2 && c.groups === c.x[1] && c.outC === c.x[1]) {
        const x = xLast();
        const w = keep(tf.tensor(permute(d.w, d.wShape, [2, 3, 0, 1]), [c.k, c.k, c.x[1], 1]));
        run = () => tf.fused.depthwiseConv2d({ x, filter: w, bias: b, strides: c.stride, pad: c.pad });
      } else if (rank === 1 && c.groups === 1) {
        // conv1d as a 1 x L conv2d, which is what tf.conv1d does, but with the bias fused.
        const [n, ch, len] = c.x;
        const x = keep(tf.tensor(toChannelsLast(d.x, c.x), [n, 1, len, ch]));
        const w = keep(tf.tensor(permute(d.w, d.wShape, [2, 1, 0]), [1, c.k, ch, c.outC]));
        run = () => tf.fused.conv2d({ x, filter: w, bias: b, strides: c.stride, pad: [[0, 0], [0, 0], [c.pad, c.pad], [0, 0]] });
      } else if (rank === 3 && c.groups === 1 && c.pad === Math.floor(c.k / 2) && c.stride === 1) {
        // tf.conv3d takes only "same"/"valid"; with stride 1 and pad k/2, "same" is that.
        const x = xLast();
        const w = keep(tf.tensor(permute(d.w, d.wShape, [2, 3, 4, 1, 0]), [c.k, c.k, c.k, c.x[1], c.outC]));
        run = () => tf.tidy(() => tf.add(tf.conv3d(x, w, c.stride, "same"), b));
        note = "conv3d + add (no fused bias)";
      } else {
        return { na: "no equivalent op" };
      }
      break;
    }
    case "convTranspose": {
      if (c.x.length !== 4 || c.groups !== 1) return { na: "no equivalent op" };
      const x = xLast();
      const b = keep(tf.tensor1d(d.b));
      const w = keep(tf.tensor(permute(d.w, d.wShape, [2, 3, 1, 0]), [c.k, c.k, c.outC, c.x[1]]));
      const outShape = lastShape(c.outShape);
      run = () => tf.tidy(() => tf.add(tf.conv2dTranspose(x, w, outShape, c.stride, c.pad), b));
      note = "conv2dTranspose + add (no fused bias)";
      break;
    }
    case "maxPool": {
      const x = xLast();
      if (c.indices) {
        const ch = c.x[1];
        run = () => {
          const { result, indexes } = tf.maxPoolWithArgmax(x, c.k, c.stride, c.pad, false);
          result.dataSync();
          indexes.dataSync();
          return [result, indexes];
        };
        return finish(c, resident, run, {
          read: ([v, i]) => {
            const values = toChannelsFirst(v.dataSync(), lastShape(c.outShape));
            // tfjs indexes are (y * W + x) * C + c; wasm-nn's and PyTorch's are y * W + x per plane.
            const perPlane = Int32Array.from(i.dataSync(), (k) => Math.floor(k / ch));
            return { values, indices: toChannelsFirst(perPlane, lastShape(c.outShape)) };
          },
          release: (out) => out.forEach((t) => t.dispose()),
        });
      }
      run = () => tf.maxPool(x, c.k, c.stride, c.pad);
      break;
    }
    case "avgPool": {
      const x = xLast();
      run = () => tf.avgPool(x, c.k, c.stride, c.pad);
      break;
    }
    case "linear": {
      // tfjs dense layers keep the kernel as [in, out].
      const x = keep(tf.tensor(d.x, c.x));
      const w = keep(tf.tensor(permute(d.w, d.wShape, [1, 0]), [d.wShape[1], d.wShape[0]]));
      const b = keep(tf.tensor1d(d.b));
      run = () => tf.fused.matMul({ a: x, b: w, bias: b });
      outLast = false;
      break;
    }
    case "matmul": {
      const a = keep(tf.tensor(d.x, c.x));
      const b = keep(tf.tensor(d.bMat, d.bShape));
      run = () => tf.matMul(a, b);
      outLast = false;
      break;
    }
    case "unary": {
      if (c.fn === "gelu") return { na: "no GELU op" };
      const x = keep(tf.tensor(d.x, c.x));
      const op = { relu: tf.relu, sigmoid: tf.sigmoid }[c.fn];
      run = () => op(x);
      outLast = false;
      break;
    }
    case "maxUnpool":
      return { na: "no MaxUnpool op" };
    case "add": {
      const x = keep(tf.tensor(d.x, c.x));
      const y = keep(tf.tensor(d.y, c.y));
      run = () => tf.add(x, y);
      outLast = false;
      break;
    }
    case "interpolate": {
      if (c.mode !== "bilinear") return { na: "no equivalent op" };
      const x = xLast();
      const size = c.outShape.slice(2);
      // alignCorners false, halfPixelCenters true: PyTorch's coordinate mapping.
      run = () => tf.image.resizeBilinear(x, size, false, true);
      break;
    }
    case "batchNorm": {
      // tf.batchNorm over the channels-last input: per-channel vectors broadcast on the last axis.
      const x = xLast();
      const [w, b, mean, variance] = [d.w, d.b, d.mean, d.variance].map((v) => keep(tf.tensor1d(v)));
      run = () => tf.batchNorm(x, mean, variance, b, w, 1e-5);
      break;
    }
    case "layerNorm": {
      // No layer-norm op: moments over the last axis, then the affine transform, as tf.layers.layerNormalization does.
      const x = keep(tf.tensor(d.x, c.x));
      const w = keep(tf.tensor1d(d.w));
      const b = keep(tf.tensor1d(d.b));
      run = () => tf.tidy(() => {
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), w), b);
      });
      outLast = false;
      note = "moments + elementwise ops (no layer-norm op)";
      break;
    }
    default:
      return { na: "no equivalent op" };
  }
  const timed = run;
  return finish(c, resident, () => {
    const y = timed();
    y.dataSync();
    return y;
  }, {
    read: (y) => ({ values: outLast ? toChannelsFirst(y.dataSync(), lastShape(c.outShape)) : y.dataSync().slice() }),
    release: (y) => y.dispose(),
  }, note);
}

function finish(c, resident, run, { read, release }, note) {
  return {
    note,
    run,
    read,
    release,
    dispose() {
      for (const t of resident) t.dispose();
    },
  };
}
