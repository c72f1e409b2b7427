/** See client.js: browser code, declared here so the Worker's program never sees DOM types. */
export declare function vitrineClient(options?: { base?: string }): unknown;
