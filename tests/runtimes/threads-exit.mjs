// A process that computes on two threads and then simply ends: it must exit by itself
// (the pool's workers do not keep Node alive). Prints what it computed.
import * as api from "../../dist/index.js";

const info = await api.ready({ threads: 2 });
const x = api.ones(1, 16, 64, 64);
const conv = new api.nn.Conv2d(16, 16, 3, { padding: 1, bias: false });
api.init.constant_(conv.weight, 0.5);
const y = conv.forward(x);
// Interior outputs: 16 channels x 9 taps x 0.5.
console.log(JSON.stringify({ threads: info.threads, sum: y.toArray()[64 * 10 + 10], expected: 72 }));
