/**
 * Counterexamples the API fuzzer (fuzz-api.worker.test.ts) found, replayed as plain tests:
 * what was posted and the refusal it must get (status and, for a 400, the field named).
 */
export type ApiRegression = {
  name: string;
  found: string;
  api: "events" | "consent" | "decide";
  contentType: string;
  body: string;
  status: number;
  field?: string;
};

export const API_REGRESSIONS: ApiRegression[] = [
  {
    name: "a consent choice posted as multipart without a readable boundary (500: No initial boundary string)",
    found: "seed 177283362, path 1:0:1",
    api: "consent",
    contentType: "multipart/form-data; boundary=x",
    body: '{"personalization":null,"analytics":""}',
    status: 400,
    field: "body",
  },
  {
    name: "a consent choice posted as multipart with no boundary at all",
    found: "same bug, other header",
    api: "consent",
    contentType: "multipart/form-data",
    body: "personalization=1",
    status: 400,
    field: "body",
  },
];
