// The package ships no types; the bench only needs to call it and count what it returns.
declare module 'parse-prometheus-text-format' {
  function parsePrometheusTextFormat(text: string): unknown[];
  export = parsePrometheusTextFormat;
}
