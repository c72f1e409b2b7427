// Values the global setup provides to every test project (see global-setup.ts).
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    tursoUrl: string;
    originUrl: string;
    /** The demo module stylesheet (CSS is not importable as text inside workerd tests). */
    demoCss: string;
  }
}
