import { vitrineClient } from "./client.js";
import { vitrineTracker } from "./tracker.js";

/**
 * The tracker as served to browsers: an IIFE, so nothing leaks into the shop's globals.
 * wrangler's bundler keeps function names by wrapping them in calls to its own `__name`
 * helper, which `toString()` carries along but the browser lacks; the identity stand-in in
 * the enclosing scope makes the source run the same, bundled or not.
 */
export const TRACKER_SOURCE = `(function () { var __name = function (f) { return f; }; (${vitrineTracker.toString()})(); })();`;

/** The SPA client as served to browsers: an ES module exporting `vitrineClient`. */
export const CLIENT_SOURCE = `var __name = function (f) { return f; };\nexport const vitrineClient = ${vitrineClient.toString()};\n`;
