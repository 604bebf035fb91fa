// Small line charts for the activation functions, drawn on a canvas.

const COLORS = { axis: "#999", grid: "#e6e6e6", curve: "#1f6fb2", text: "#333" };

/** Draws y(x) with axes through 0; the y range fits the curve (and always includes [-1, 1]). */
export function drawPlot(canvas, xs, ys, title) {
  const scale = 2;
  const width = 340;
  const height = 260;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, width, height);
  const finite = Array.from(ys).filter(Number.isFinite);
  const yMin = Math.min(-1, ...finite);
  const yMax = Math.max(1, ...finite);
  const pad = 14 * scale;
  const top = 22 * scale;
  const px = (x) => pad + ((x - xs[0]) / (xs[xs.length - 1] - xs[0])) * (width - 2 * pad);
  const py = (y) => top + (1 - (y - yMin) / (yMax - yMin)) * (height - top - pad);

  ctx.strokeStyle = COLORS.grid;
  ctx.lineWidth = 1;
  for (let g = Math.ceil(xs[0]); g <= xs[xs.length - 1]; g++) {
    ctx.beginPath();
    ctx.moveTo(px(g), top);
    ctx.lineTo(px(g), height - pad);
    ctx.stroke();
  }
  ctx.strokeStyle = COLORS.axis;
  ctx.beginPath();
  ctx.moveTo(pad, py(0));
  ctx.lineTo(width - pad, py(0));
  ctx.moveTo(px(0), top);
  ctx.lineTo(px(0), height - pad);
  ctx.stroke();

  ctx.strokeStyle = COLORS.curve;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(ys[i])) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(px(xs[i]), py(ys[i]));
    else ctx.moveTo(px(xs[i]), py(ys[i]));
    pen = true;
  }
  ctx.stroke();

  ctx.fillStyle = COLORS.text;
  ctx.font = `${12 * scale}px system-ui, sans-serif`;
  ctx.fillText(title, pad, 16 * scale);
  ctx.font = `${9 * scale}px ui-monospace, monospace`;
  ctx.fillStyle = "#777";
  ctx.textAlign = "right";
  ctx.fillText(`y in [${fmt(yMin)}, ${fmt(yMax)}]`, width - pad, height - 4 * scale);
  ctx.textAlign = "left";
}

function fmt(v) {
  return Math.abs(v) >= 100 ? v.toExponential(0) : String(+v.toFixed(2));
}
