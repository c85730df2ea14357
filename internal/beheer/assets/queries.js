// @ts-check
// The GraphQL documents the editor sends, and the fragments they share.

export const Q = {
  products: `query Mine($owner: String, $after: Cursor) {
    products(owner: $owner, first: 200, after: $after, orderBy: {field: NAME, direction: ASC}) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { slug name status theme version owner { code name } availabilities { status plannedDate channel { code } } } }
    }
    channels { code name nameEn }
  }`,
  product: `query Product($slug: String!) {
    product(slug: $slug) { ...P answers { ...A }
      residentTests { id testedOn method participants groups findings followUps { action owner due } channel { code name nameEn } } }
    channels { code name nameEn }
    locations { code name }
    themes
    changes(product: $slug, first: 100) { totalCount edges { node { ...C } } }
  }`,
  due: `query Due($owner: String) { productsDueForResidentTest(owner: $owner, first: 50) { product { slug name } lastTested } }`,
  plain: `query Plain($text: String!) { plainLanguage(text: $text) { b1 reasons } }`,
};
// A document may carry only the fragments it uses (GraphQL refuses unused ones).
const FRAGMENTS = {
  P: `fragment P on Product {
    slug name nameEn summary description keywords theme audiences status version owner { code name } uplEntry { uri name }
    readiness { ready missing }
    availabilities { status plannedDate reason url phone instructions processingTime costCents costCurrency identification languages lastReviewed
      channel { code } locations { code name } }
  }`,
  C: `fragment C on Change { id at entity action actor channel { code name nameEn } organization { name }
    fields { field type label labelEn: label(language: "en") oldText newText oldTextEn: oldText(language: "en") newTextEn: newText(language: "en") } }`,
  A: `fragment A on Answer {
    id question text status visibility current reviewDue lastReviewed reviewIntervalDays keywords version updatedAt
    variants { channel text } owner { code name } products { slug name }
  }`,
  R: `fragment R on CallbackRequest {
    id question status ageHours createdAt assignee contactName contact requestedBy
    product { slug name answers { id question status } } channel { code name nameEn } replyChannel { code name nameEn }
    organization { code name } answer { id question }
  }`,
};
export const withFragments = (q) => q + Object.entries(FRAGMENTS).filter(([name]) => q.includes('...' + name)).map(([, f]) => '\n' + f).join('');
export const M = {
  setAvailability: `mutation Set($input: SetAvailabilityInput!) { setAvailability(input: $input) { ...P } }`,
  clearAvailability: `mutation Clear($input: ClearAvailabilityInput!) { clearAvailability(input: $input) { ...P } }`,
  updateProduct: `mutation Update($input: UpdateProductInput!) { updateProduct(input: $input) { ...P } }`,
  publishProduct: `mutation Publish($input: ProductStatusInput!) { publishProduct(input: $input) { ...P } }`,
  retireProduct: `mutation Retire($input: ProductStatusInput!) { retireProduct(input: $input) { ...P } }`,
  createResidentTest: 'mutation Test($input: CreateResidentTestInput!) { createResidentTest(input: $input) { id } }',
  deleteResidentTest: 'mutation Untest($id: ID!) { deleteResidentTest(id: $id) { id } }',
  updateAnswer: 'mutation Change($input: UpdateAnswerInput!) { updateAnswer(input: $input) { ...A } }',
  createAnswer: 'mutation Write($input: CreateAnswerInput!) { createAnswer(input: $input) { ...A } }',
};
