export type SectionName = "models" | "threads" | "models-threads";
export const SECTION_NAMES: SectionName[];
export function sectionOf(text: string, name: SectionName): string;
export function keepSections(newBody: string, oldText: string | null | undefined): string;
export function replaceSection(oldText: string | null | undefined, name: SectionName, markdown: string): string;
export function modelsSection(text: string): string;
export function keepModels(newBody: string, oldText: string | null | undefined): string;
export function replaceModels(oldText: string | null | undefined, markdown: string): string;
