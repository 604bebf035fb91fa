export const ISOLATION_HEADERS: Readonly<Record<string, string>>;
export function galleryBuild(root?: string): string;
export function browserFiles(root?: string): string[];
export function serveGallery(options?: { port?: number; host?: string; build?: () => string }): Promise<{ url: string; close: () => Promise<void> }>;
