// The same computation in every runtime. Given the package's exports (after ready()),
// returns plain numbers that every runtime must reproduce bit for bit. It also checks a
// few facts itself, so a runtime that computes nonsense consistently still fails.

export async function smoke(api) {
  const { manualSeed, rand, randn, arange, tensor, tidy, memory, init, zeros } = api;
  const info = await api.ready();
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
    return { uniform, normal, weight, transposed, sum, product };
  });
  const after = memory();
  check(out.transposed.join(","), "0,4,8,1,5,9,2,6,10,3,7,11", "transpose");
  check(out.sum.join(","), "1,2,3,4,6,7,8,9,11,12,13,14", "add");
  check(out.product.join(","), "0,0.5,1,1.5,2,2.5,3,3.5,4,4.5,5,5.5", "mul");
  check(after.tensors, before.tensors, "tidy leaves no tensors");
  check(info.simd, true, "simd");
  return { info, ...out };
}

function check(actual, expected, what) {
  if (actual !== expected) throw new Error(`smoke: ${what}: got ${actual}, expected ${expected}`);
}
