// Scalar twins of assembly/elementwise.ts: one element at a time, obviously correct.

export function fill_f32_ref(out: usize, n: i32, value: f32): void {
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), value);
}

export function add_f32_ref(out: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

export function mul_f32_ref(out: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

/** Gathers out[i0, i1, ...] = input[sum(ik * stride_k)] for a 3-D view. */
export function gather3_ref(out: usize, input: usize, s0: i32, s1: i32, s2: i32, t0: i32, t1: i32, t2: i32): void {
  let o: usize = out;
  for (let a = 0; a < s0; a++) {
    for (let b = 0; b < s1; b++) {
      for (let c = 0; c < s2; c++) {
        const idx = <isize>a * t0 + <isize>b * t1 + <isize>c * t2;
        store<i32>(o, load<i32>(input + (idx << 2)));
        o += 4;
      }
    }
  }
}
