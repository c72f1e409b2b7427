// Values the global setup provides to every test project (see global-setup.ts).
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** What the Worker is configured with (through the fault proxy in the `faults` project). */
    tursoUrl: string;
    /** The libSQL server itself, for tests that inspect it while the proxy is down. */
    directTursoUrl: string;
    /** `POST ${faultUrl}/<mode>` switches the fault proxy; empty outside the `faults` project. */
    faultUrl: string;
    originUrl: string;
    /** The demo module stylesheet (CSS is not importable as text inside workerd tests). */
    demoCss: string;
  }
}
