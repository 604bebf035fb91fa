// Types for the shared handler, so TypeScript tests can import it.
export class BadImage extends Error {}
export function upsamplePng(api: { ready(): Promise<unknown> } & Record<string, unknown>, pngBytes: Uint8Array): Promise<Uint8Array>;
export function handle(api: Record<string, unknown>, request: Request): Promise<Response>;
