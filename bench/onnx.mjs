// One-node ONNX models, built in memory for onnxruntime-web.
//
// A model needs only a handful of ONNX messages (model, graph, node, attribute, tensor,
// value info), so a small protobuf writer is simpler than a schema plus a protobuf
// library: no dependency, and every field number below is visible where it is used.
// Field numbers follow the ONNX IR specification.

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

/** Data type codes of ONNX TensorProto. */
export const FLOAT = 1;
export const INT64 = 7;

const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

class Writer {
  constructor() {
    this.chunks = [];
    this.length = 0;
  }

  push(bytes) {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  varint(value) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`onnx: cannot encode ${value} as a varint`);
    const out = [];
    let v = value;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.push(Uint8Array.from(out));
  }

  key(field, wire) {
    this.varint(field * 8 + wire);
  }

  int(field, value) {
    this.key(field, WIRE_VARINT);
    this.varint(value);
  }

  bytes(field, bytes) {
    this.key(field, WIRE_LEN);
    this.varint(bytes.length);
    this.push(bytes);
  }

  string(field, text) {
    this.bytes(field, new TextEncoder().encode(text));
  }

  message(field, build) {
    const inner = new Writer();
    build(inner);
    this.bytes(field, inner.finish());
  }

  finish() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

// AttributeProto: name 1, i 3, s 4, ints 8, type 20.
function attribute(w, name, value) {
  w.message(5, (a) => {
    a.string(1, name);
    if (typeof value === "string") {
      a.string(4, value);
      a.int(20, ATTR_STRING);
    } else if (Array.isArray(value)) {
      for (const v of value) a.int(8, v);
      a.int(20, ATTR_INTS);
    } else {
      a.int(3, value);
      a.int(20, ATTR_INT);
    }
  });
}

// TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian values).
function initializer(w, name, { type, dims, data }) {
  w.message(5, (t) => {
    for (const d of dims) t.int(1, d);
    t.int(2, type);
    t.string(8, name);
    let raw;
    if (type === INT64) {
      raw = new Uint8Array(BigInt64Array.from(data, (v) => BigInt(v)).buffer);
    } else {
      raw = new Uint8Array(Float32Array.from(data).buffer);
    }
    t.bytes(9, raw);
  });
}

// ValueInfoProto: name 1, type 2 -> TypeProto.tensor_type 1 -> elem_type 1, shape 2 ->
// TensorShapeProto.dim 1 -> dim_value 1.
function valueInfo(w, field, { name, type, dims }) {
  w.message(field, (v) => {
    v.string(1, name);
    v.message(2, (tp) =>
      tp.message(1, (tt) => {
        tt.int(1, type);
        tt.message(2, (shape) => {
          for (const d of dims) shape.message(1, (dim) => dim.int(1, d));
        });
      }),
    );
  });
}

/**
 * Serialises a graph of nodes to ONNX model bytes.
 * nodes: [{ op, inputs: [names], outputs: [names], attrs: {name: int | int[] | string} }]
 * inputs/outputs: [{ name, type, dims }]; initializers: { name: { type, dims, data } }.
 */
export function buildModel({ nodes, inputs, outputs, initializers = {}, opset = 20 }) {
  const w = new Writer();
  w.int(1, 9); // ir_version 9 goes with opset 20
  w.string(2, "wasm-nn-bench"); // producer_name
  w.message(7, (g) => {
    nodes.forEach((node, i) => {
      // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.
      g.message(1, (n) => {
        for (const name of node.inputs) n.string(1, name);
        for (const name of node.outputs) n.string(2, name);
        n.string(3, `${node.op}_${i}`);
        n.string(4, node.op);
        for (const [name, value] of Object.entries(node.attrs ?? {})) attribute(n, name, value);
      });
    });
    g.string(2, "bench"); // GraphProto.name
    for (const [name, t] of Object.entries(initializers)) initializer(g, name, t);
    for (const v of inputs) valueInfo(g, 11, v);
    for (const v of outputs) valueInfo(g, 12, v);
  });
  // OperatorSetIdProto: domain 1 (empty = the default ONNX domain), version 2.
  w.message(8, (o) => o.int(2, opset));
  return w.finish();
}
