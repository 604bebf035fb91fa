// Pen strokes -> the 32x32 bitmap that scikit-learn's digits were made from.
//
// The digits (UCI "optdigits") are 32x32 black-and-white bitmaps of handwriting,
// size-normalised, then counted in 4x4 blocks: each of the 8x8 pixels is the number of ink
// pixels in its block, 0..16. In that data every digit fills the full height of the box and
// keeps its aspect ratio, centred left to right. This module does the same to what was drawn:
// the strokes' bounding box is scaled to the box's height (or its width, for a digit wider
// than tall) and centred, and the pen is drawn with a fixed thickness in bitmap pixels.
// The 4x4 block counts are then F.avgPool2d(bitmap, 4) * 16; the classifier reads
// count / 16, so avgPool2d's output is its input as it is.

export const SIDE = 32;
/** Pen radius in bitmap pixels: strokes about 5 pixels wide, about as thick as the data's. */
export const PEN_RADIUS = 2.5;

function bounds(strokes) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const stroke of strokes) {
    for (const { x, y } of stroke) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  return { x0, y0, x1, y1 };
}

/** Squared distance from (px, py) to the segment a-b. */
function segmentDistance2(px, py, a, b) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / length2));
  const ex = a.x + t * dx - px;
  const ey = a.y + t * dy - py;
  return ex * ex + ey * ey;
}

/**
 * The strokes (arrays of {x, y} points, in any coordinates: canvas pixels, say) as a
 * SIDE x SIDE bitmap, row-major, 1 for ink and 0 for paper. A pixel is ink when its centre
 * is within PEN_RADIUS of a stroke. No strokes: all zeros.
 */
export function strokesToBitmap(strokes, { side = SIDE, radius = PEN_RADIUS } = {}) {
  const bitmap = new Float32Array(side * side);
  const drawn = strokes.filter((s) => s.length > 0);
  if (drawn.length === 0) return bitmap;
  const { x0, y0, x1, y1 } = bounds(drawn);
  const room = side - 2 * radius; // the ink's centre line stays this far inside the box
  const w = x1 - x0;
  const h = y1 - y0;
  // Fill the height (or the width, for a wide shape); a single dot stays a dot.
  const scale = w === 0 && h === 0 ? 1 : room / Math.max(w, h);
  const left = (side - w * scale) / 2;
  const top = (side - h * scale) / 2;
  const placed = drawn.map((s) => s.map(({ x, y }) => ({ x: left + (x - x0) * scale, y: top + (y - y0) * scale })));
  const r2 = radius * radius;
  for (const stroke of placed) {
    for (let k = 0; k < stroke.length; k++) {
      const a = stroke[k];
      const b = stroke[Math.min(k + 1, stroke.length - 1)];
      // Only the pixels around this segment can be within the radius.
      const cx0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - radius));
      const cx1 = Math.min(side - 1, Math.ceil(Math.max(a.x, b.x) + radius));
      const cy0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - radius));
      const cy1 = Math.min(side - 1, Math.ceil(Math.max(a.y, b.y) + radius));
      for (let i = cy0; i <= cy1; i++) {
        for (let j = cx0; j <= cx1; j++) {
          if (segmentDistance2(j + 0.5, i + 0.5, a, b) <= r2) bitmap[i * side + j] = 1;
        }
      }
    }
  }
  return bitmap;
}
