export const SIDE: number;
export const PEN_RADIUS: number;
export function strokesToBitmap(strokes: { x: number; y: number }[][], options?: { side?: number; radius?: number }): Float32Array;
