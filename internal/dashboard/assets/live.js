// @ts-check
// Live answers: a GraphQL subscription read as Server-Sent Events (the
// graphql-sse protocol, distinct connections mode). EventSource cannot POST,
// so the stream is read with fetch. Where no stream can be held (a proxy
// that buffers, an old browser), the caller's poll takes over.

// follow calls onData with every answer of the subscription until signal
// aborts. A stream that ends (the server ends each after at most 30 minutes)
// is opened again; one that cannot be opened makes follow call poll now and
// every pollEvery milliseconds until a stream opens again.
/**
 * @param {string} query
 * @param {object} variables
 * @param {(data: any) => void} onData
 * @param {{ poll?: () => void, pollEvery?: number, signal?: AbortSignal }} [options]
 */
export async function follow(query, variables, onData, { poll, pollEvery = 60000, signal } = {}) {
  let polling = null;
  const stopPolling = () => { if (polling) { clearInterval(polling); polling = null; } };
  const startPolling = () => {
    if (polling || !poll) return;
    poll();
    polling = setInterval(poll, pollEvery);
  };
  while (!signal || !signal.aborted) {
    let opened = false;
    try {
      const res = await fetch('/graphql', {
        method: 'POST', signal,
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify({ query, variables }),
      });
      if (!res.ok || !res.body || !(res.headers.get('Content-Type') || '').startsWith('text/event-stream')) {
        throw new Error(`no stream (${res.status})`);
      }
      opened = true;
      stopPolling();
      await readEvents(res.body, (name, data) => {
        if (name !== 'next') return;
        const body = JSON.parse(data);
        if (body.data) onData(body.data);
      });
    } catch (e) {
      if (signal && signal.aborted) return;
    }
    if (!opened) startPolling();
    // Again after a pause: at once would hammer a server that refuses.
    await new Promise((resolve) => setTimeout(resolve, opened ? 1000 : pollEvery));
  }
  stopPolling();
}

// readEvents splits a text/event-stream into its events.
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let end;
    while ((end = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(name, data.join('\n'));
    }
  }
}
