// @ts-check
// Starts GraphiQL against this server's own /graphql endpoint. Kept out of
// index.html so that the page runs under a Content-Security-Policy without
// inline scripts.
(function () {
  'use strict';
  var defaultQuery = [
    '# Catalogus: the products and services of the municipality, and per',
    '# contact channel whether and how residents can use them.',
    '# Press the run button (or Ctrl-Enter) to try this query.',
    '{',
    '  products(first: 5, orderBy: {field: NAME, direction: ASC}) {',
    '    totalCount',
    '    edges {',
    '      node {',
    '        name',
    '        slug',
    '        availabilities { status plannedDate reason channel { code name } }',
    '      }',
    '    }',
    '  }',
    '  channels { code name digital assisted youth }',
    '}',
    ''
  ].join('\n');
  // GraphiQL's editors (CodeMirror) type into textareas without a name, and
  // their scrolling boxes cannot be reached by keyboard: name each after
  // what it edits, and let its box take the focus, whenever GraphiQL draws
  // them (tabs and panes come and go).
  var names = [
    ['.graphiql-query-editor textarea', 'GraphQL-query'],
    ['.graphiql-editor-tool .graphiql-editor:not(.hidden) textarea', null],
    ['.graphiql-response textarea', 'Antwoord van de API'],
    ['.graphiql-doc-explorer-search input', 'Zoeken in de documentatie']
  ];
  function label() {
    names.forEach(function (n) {
      document.querySelectorAll(n[0]).forEach(function (e) {
        var name = n[1];
        if (!name) {
          var tab = document.querySelector('.graphiql-editor-tools button[aria-selected="true"]');
          name = tab ? tab.textContent.trim() : 'Variabelen';
        }
        if (e.getAttribute('aria-label') !== name) e.setAttribute('aria-label', name);
      });
    });
    // CodeMirror gives its scrolling box tabindex -1: reachable by script,
    // not by the Tab key.
    document.querySelectorAll('.CodeMirror-scroll:not([tabindex="0"])').forEach(function (e) {
      e.setAttribute('tabindex', '0');
    });
  }
  new MutationObserver(label).observe(document.getElementById('graphiql'), { childList: true, subtree: true });

  var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).toString() });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: defaultQuery,
    defaultEditorToolsVisibility: true
  }));
})();
