// The globals the vendored bundles in assets (React, ReactDOM, GraphiQL)
// define, as far as init.js uses them, for the type check of the pages'
// JavaScript (jsconfig.json at the root). Not embedded or served.
declare const React: { createElement(type: unknown, props: object): unknown };
declare const ReactDOM: { createRoot(container: Element | null): { render(node: unknown): void } };
declare const GraphiQL: { createFetcher(options: { url: string }): unknown };
