/** The little of @nlpjs (plain JavaScript, no types) the assistant bench uses to compare it with the app's classifier. */
declare module "@nlpjs/core" {
  export interface Container {
    use(plugin: unknown): void;
    register(name: string, clazz: unknown, isSingleton: boolean): void;
  }
  export function containerBootstrap(): Promise<Container>;
}

declare module "@nlpjs/nlu" {
  export class NluManager {
    constructor(settings: { container: unknown; locales: string[]; trainByDomain?: boolean });
    add(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<{ intent: string; score: number }>;
  }
  export const NluNeural: unknown;
}

declare module "@nlpjs/lang-no" {
  export const LangNo: unknown;
}

declare module "@nlpjs/lang-en-min" {
  export const LangEn: unknown;
}
