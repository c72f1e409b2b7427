import { vitrineEditor } from "./island.js";

/**
 * The editor's island as served to the dashboard: an IIFE (see tracker-source.ts for why the
 * `__name` stand-in is there: wrangler's bundler wraps named functions in calls to it).
 */
export const EDITOR_ISLAND_SOURCE = `(function () { var __name = function (f) { return f; }; (${vitrineEditor.toString()})(); })();`;
