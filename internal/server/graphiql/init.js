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
  var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).toString() });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: defaultQuery,
    defaultEditorToolsVisibility: true
  }));
})();
