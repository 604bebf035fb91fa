// The same computation in every runtime. Given the package's exports (after ready()),
// returns plain numbers that every runtime must reproduce bit for bit. It also checks a
// few facts itself, so a runtime that computes nonsense consistently still fails.
// ready({ relaxedSimd: false }): the plain SIMD build (or its threaded form), the same bits
// everywhere. How many threads a runtime runs on does not change a bit, so it is left out.

export async function smoke(api) {
  const { manualSeed, rand, randn, arange, tensor, tidy, memory, init, zeros, F, nn } = api;
  const { threads, ...info } = await api.ready({ relaxedSimd: false });
  const before = memory();
  const out = tidy(() => {
    manualSeed(1);
    const uniform = Array.from(rand([5]).toArray());
    const normal = Array.from(randn([2, 3]).toArray());
    const w = zeros([4, 3, 3, 3]);
    init.xavierNormal_(w);
    const weight = Array.from(w.toArray());
    const grid = arange(12).reshape(3, 4);
    const transposed = Array.from(grid.t().contiguous().toArray());
    const sum = Array.from(grid.add(tensor([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]])).toArray());
    const product = Array.from(grid.mul(0.5).toArray());

    // One call of every layer family, on seeded inputs.
    const x = randn([2, 3, 9, 11]);
    const conv = Array.from(F.conv2d(x, randn([4, 3, 3, 3]), randn([4]), { stride: [1, 2], padding: 1, dilation: [2, 1] }).toArray());
    const depthwise = Array.from(F.conv2d(x, randn([3, 1, 3, 3]), undefined, { padding: "same", groups: 3 }).toArray());
    const up = new nn.ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 });
    const convTranspose = Array.from(up.forward(x).toArray());
    up.dispose();
    const [pooled, indices] = F.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
    const unpooled = Array.from(F.maxUnpool2d(pooled, indices, 3, { stride: 2, padding: 1, outputSize: [9, 11] }).toArray());
    const avg = Array.from(F.avgPool2d(x, 2, { ceilMode: true, countIncludePad: false }).toArray());
    const fc = new nn.Linear(11, 5);
    const linear = Array.from(fc.forward(x).toArray());
    fc.dispose();
    const shared = sharedConv(api);
    const activations = [F.gelu(x), F.sigmoid(x), F.softmax(x, { dim: 1 }), F.logSoftmax(x, { dim: -1 }), F.elu(x, { alpha: 0.5 })]
      .map((t) => Array.from(t.toArray()));
    return {
      uniform, normal, weight, transposed, sum, product,
      conv, depthwise, convTranspose, pooled: Array.from(pooled.toArray()), indices: Array.from(indices.toArray()),
      unpooled, avg, linear, activations, shared,
    };
  });
  const after = memory();
  check(out.transposed.join(","), "0,4,8,1,5,9,2,6,10,3,7,11", "transpose");
  check(out.sum.join(","), "1,2,3,4,6,7,8,9,11,12,13,14", "add");
  check(out.product.join(","), "0,0.5,1,1.5,2,2.5,3,3.5,4,4.5,5,5.5", "mul");
  check(after.tensors, before.tensors, "tidy leaves no tensors");
  check(out.convTranspose.length, 2 * 2 * 18 * 22, "convTranspose output size");
  check(out.unpooled.filter((v) => v !== 0).length <= out.pooled.length, true, "unpool writes at most one value per pooled output");
  check(info.simd, true, "simd");
  check(threads >= 1, true, "threads");
  return { info, ...out };
}

/**
 * A convolution big enough to be shared between threads where there are several, on
 * inputs that need no random generator: eight outputs and the float64 sum of all of them.
 */
export function sharedConv(api) {
  const { F, tensor, tidy } = api;
  return tidy(() => {
    const x = tensor(Float32Array.from({ length: 16 * 32 * 32 }, (_, i) => Math.sin(i * 0.37)), [1, 16, 32, 32]);
    const w = tensor(Float32Array.from({ length: 16 * 16 * 9 }, (_, i) => Math.cos(i * 0.11) * 0.2), [16, 16, 3, 3]);
    const y = F.conv2d(x, w, undefined, { padding: 1 }).toArray();
    return [...Array.from(y.subarray(0, 8)), y.reduce((a, v) => a + v, 0)];
  });
}

function check(actual, expected, what) {
  if (actual !== expected) throw new Error(`smoke: ${what}: got ${actual}, expected ${expected}`);
}
