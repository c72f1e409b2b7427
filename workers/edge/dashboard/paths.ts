import { API_PREFIX } from "../settings.ts";

/** Where the dashboard lives on the shop's hostname (beside the edge API, never the shop). */
export const DASHBOARD_PATH = `${API_PREFIX}/dashboard`;
export const href = (path = "") => `${DASHBOARD_PATH}${path}`;
