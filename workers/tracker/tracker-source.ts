import { vitrineTracker } from "./tracker.js";

/** The tracker as served to browsers: an IIFE, so nothing leaks into the shop's globals. */
export const TRACKER_SOURCE = `(${vitrineTracker.toString()})();`;
