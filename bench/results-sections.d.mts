export function modelsSection(text: string): string;
export function keepModels(newBody: string, oldText: string | null | undefined): string;
export function replaceModels(oldText: string | null | undefined, markdown: string): string;
