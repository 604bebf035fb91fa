export function galleryBuild(root?: string): string;
export function serveGallery(options?: { port?: number; host?: string; build?: () => string }): Promise<{ url: string; close: () => Promise<void> }>;
