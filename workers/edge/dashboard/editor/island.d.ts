/** See island.js: browser code, declared here so the Worker's program never sees DOM types. */
export declare function vitrineEditor(): void;
