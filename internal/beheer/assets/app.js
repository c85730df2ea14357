// The editor for product owners. It reads and writes only through the
// public GraphQL API, sent to /beheer/graphql with the session cookie and
// its CSRF token; every change to a product or an answer carries its
// version as the page last saw it (expectedVersion), so a newer change is
// never overwritten unseen: the API answers CONFLICT, and the page shows what
// changed in between and lets the owner redo their change on top.

import { el } from '/dashboard/lib.js';

const STATUSES = ['AVAILABLE', 'PARTIAL', 'PLANNED', 'UNAVAILABLE', 'NOT_APPLICABLE'];
// Every status has a letter besides its colour, from its name in the page's
// language (English needs two letters to tell partial from planned).
const LETTERS = {
  nl: { AVAILABLE: 'B', PARTIAL: 'D', PLANNED: 'G', UNAVAILABLE: 'N', NOT_APPLICABLE: '–', NOT_ASSESSED: '?' },
  en: { AVAILABLE: 'A', PARTIAL: 'Pa', PLANNED: 'Pl', UNAVAILABLE: 'U', NOT_APPLICABLE: '–', NOT_ASSESSED: '?' },
};
const letter = (s) => LETTERS[state.lang][s];
const IDENTIFICATIONS = ['NONE', 'DIGID', 'EHERKENNING', 'EIDAS', 'ID_DOCUMENT'];
const AUDIENCES = ['RESIDENT', 'BUSINESS', 'ORGANIZATION'];

const TEXT = {
  nl: {
    skip: 'Naar de inhoud', title: 'Producten beheren', myProducts: 'Mijn producten', admin: 'Beheer', dashboard: 'Dashboard', accessibility: 'Toegankelijkheid',
    signOut: 'Afmelden', signInTitle: 'Aanmelden', signIn: 'Aanmelden',
    signInText: 'Meld je aan met je account van de gemeente om je producten bij te werken.',
    signedOut: 'Je bent afgemeld.', notConfigured: 'Aanmelden is op deze server niet ingericht. Vraag de beheerder om de identity provider in te stellen.',
    listLead: 'De producten van je organisatie en de onderdelen eronder. Open gaten en verlopen planningen staan bovenaan.',
    search: 'Zoeken', productStatus: 'Status', theme: 'Thema', gapOn: 'Gat op kanaal', all: 'Alle', none: 'Geen filter',
    count: (a, b) => `${a} van ${b} producten`, product: 'Product', gaps: 'Gaten',
    backToList: '← Terug naar mijn producten', channels: 'Kanalen', channelsLead: 'Kies een kanaal om de status en de details bij te werken.',
    channel: 'Kanaal', plannedDate: 'Gepland op', reason: 'Reden (openbaar): waarom niet, en wat kunnen inwoners in plaats daarvan doen?',
    reasonShort: 'Reden', url: 'Webadres', phone: 'Telefoonnummer', locations: 'Locaties', instructions: 'Zo regelt u het (instructies)',
    processingTime: 'Doorlooptijd (bijv. P5D = 5 dagen)', cost: 'Kosten in euro', identification: 'Identificatie',
    languages: 'Talen (bijv. nl, en, tr)', reviewed: 'Vandaag bekeken', save: 'Opslaan', clear: 'Terug naar "niet beoordeeld"',
    cancel: 'Annuleren', edit: 'Bewerken', lastReviewed: 'Laatst bekeken', editCell: (c) => `${c} bijwerken`,
    productFields: 'Productgegevens', name: 'Naam', nameEn: 'Naam in het Engels', summary: 'Samenvatting (B1, één of twee zinnen)',
    description: 'Beschrijving', audiences: 'Voor wie', publish: 'Publiceren', retire: 'Intrekken',
    keywords: 'Trefwoorden: woorden die bewoners gebruiken, gescheiden door komma\'s',
    keywordsHint: 'Zoeken vindt het product ook op deze woorden, bijvoorbeeld: kwijt, verlopen, bankstel.',
    ready: 'Klaar om live te gaan.', notReady: 'Nog niet klaar om live te gaan. Dit ontbreekt nog:',
    publishConfirmTitle: 'Nog niet klaar om live te gaan',
    publishConfirmLead: 'Dit ontbreekt nog. Publiceer je het toch, dan staat in de geschiedenis dat het niet klaar was en wat er ontbrak.',
    publishAnyway: 'Toch publiceren',
    tests: 'Tests met bewoners', testsLead: 'Wanneer en hoe is het product met bewoners getest, wie deden mee en wat gebeurt er met de uitkomst?',
    noTests: 'Nog geen test met bewoners vastgelegd.', testedOn: 'Datum van de test', method: 'Methode', participants: 'Aantal deelnemers',
    groups: 'Bereikte groepen', findings: 'Bevindingen', followUp: 'Vervolgactie', followUpOwner: 'Wie doet het (team of rol)', followUpDue: 'Uiterlijk op',
    testChannel: 'Kanaal', wholeProduct: 'Het hele product', addTest: 'Test vastleggen', deleteTest: 'Verwijderen',
    testSaved: 'Test vastgelegd.', testDeleted: 'Test verwijderd.',
    methods: { INTERVIEW: 'Interview', USABILITY_TEST: 'Gebruikerstest', SURVEY: 'Enquête' },
    groupNames: { YOUNG_PEOPLE: 'Jongeren', LIMITED_DIGITAL_SKILLS: 'Weinig digitale vaardigheden', LANGUAGE_DIFFICULTY: 'Moeite met taal' },
    due: 'Toe aan een test met bewoners', dueLead: 'Producten die het afgelopen jaar niet met bewoners zijn getest; nooit getest bovenaan.',
    neverTested: 'nog nooit getest', lastTested: (d) => `laatst getest op ${d}`, noneDue: 'Alle producten zijn op tijd getest.',
    plainOk: 'Taalniveau: waarschijnlijk B1 (makkelijk te lezen).', plainHard: 'Taalniveau: waarschijnlijk moeilijker dan B1.',
    showAll: (n) => `Alle ${n} wijzigingen tonen`, history: 'Geschiedenis', when: 'Wanneer', who: 'Door', what: 'Wat', noHistory: 'Nog geen wijzigingen.',
    conflictTitle: 'Iemand anders heeft dit product intussen opgeslagen',
    conflictLead: 'Jouw wijziging is nog niet opgeslagen. Dit is er veranderd sinds je het product opende:',
    conflictAsk: 'Bekijk de wijzigingen. Sla daarna je eigen wijziging opnieuw op, bovenop de nieuwe stand, of laat haar vallen.',
    conflictRedo: 'Mijn wijziging opnieuw opslaan', conflictDrop: 'Mijn wijziging laten vallen',
    conflictTitleAnswer: 'Iemand anders heeft dit antwoord intussen opgeslagen',
    conflictLeadAnswer: 'Jouw wijziging is nog niet opgeslagen. Dit is er veranderd sinds je het antwoord opende:',
    saved: 'Opgeslagen.', nothingChanged: 'Er is niets veranderd.', loading: 'Bezig met laden…', failed: 'Er ging iets mis: ', overdue: 'verlopen',
    upl: 'UPL-naam',
    uplPlaceholder: 'Dit product heeft nog geen naam op de Uniforme Productnamenlijst (UPL). Samenwerkende Catalogi en overheid.nl tonen het daarom als "UPL-naam nog niet beschikbaar". Vraag de beheerder een UPL-naam te koppelen.',
    owner: 'Eigenaar', version: 'versie', checkFields: 'Niet opgeslagen: verbeter de velden met een melding.',
    forbidden: 'Dit mag je niet wijzigen: het product hoort niet bij jouw organisatie.',
    notFound: 'Dit product bestaat niet, of je mag het niet zien.',
    sessionOver: 'Je sessie is verlopen. Meld je opnieuw aan; je wijziging is niet opgeslagen.',
    sessionOverKept: 'Je sessie is verlopen. Meld je opnieuw aan: wat je invulde en nog niet opsloeg, staat daarna weer klaar.',
    sessionEnding: (time) => `Je sessie loopt om ${time} af. Sla je werk op en meld je opnieuw aan; wat je invulde blijft bewaard.`,
    signInAgain: 'Opnieuw aanmelden', draftRestored: 'Wat je invulde voordat je sessie afliep, staat weer klaar. Controleer het en sla het op.',
    roles: { ADMIN: 'beheerder', EDITOR: 'redacteur' }, of: 'van', everything: 'de hele catalogus',
    status: { AVAILABLE: 'beschikbaar', PARTIAL: 'deels', PLANNED: 'gepland', UNAVAILABLE: 'niet beschikbaar', NOT_APPLICABLE: 'niet van toepassing', NOT_ASSESSED: 'niet beoordeeld' },
    productStatuses: { DRAFT: 'concept', PUBLISHED: 'gepubliceerd', RETIRED: 'ingetrokken' },
    idents: { NONE: 'geen', DIGID: 'DigiD', EHERKENNING: 'eHerkenning', EIDAS: 'eIDAS', ID_DOCUMENT: 'identiteitsbewijs' },
    audienceNames: { RESIDENT: 'Inwoners', BUSINESS: 'Ondernemers', ORGANIZATION: 'Organisaties' },
    adminLead: 'Kanalen, organisaties, locaties en doelen. Wat je mag wijzigen hangt af van je bereik: kanalen alleen als beheerder van de hele catalogus.',
    newRecord: 'Nieuw', forbiddenAdmin: 'Dit mag je niet wijzigen: het valt buiten je bereik.',
    created: 'aangemaakt', removed: 'teruggezet naar niet beoordeeld',
    answers: 'Antwoorden', callbacks: 'Terugbelverzoeken',
    answersLead: 'Zoek het antwoord op een vraag van een inwoner. Elk kanaal geeft hetzelfde antwoord, in eigen woorden.',
    question: 'Vraag of trefwoorden', find: 'Zoeken', newAnswer: 'Nieuw antwoord', fileCallback: 'Terugbelverzoek indienen',
    allChannels: 'Alle kanalen', found: (n) => (n === 1 ? '1 antwoord gevonden' : `${n} antwoorden gevonden`),
    noneFound: 'Geen antwoord gevonden. Past er niets? Dien een terugbelverzoek in.', mainAnswer: 'Hoofdantwoord',
    usesMain: 'gebruikt het hoofdantwoord', usesMainList: 'Gebruiken het hoofdantwoord', variantsTitle: 'Per kanaal', reviewDue: 'Nakijken uiterlijk', forProducts: 'Over',
    visibilities: { PUBLIC: 'openbaar', INTERNAL: 'intern' }, answerStatuses: { DRAFT: 'concept', PUBLISHED: 'gepubliceerd', ARCHIVED: 'gearchiveerd' },
    current: 'actueel', notCurrent: 'nakijken verlopen', keywords: 'Trefwoorden (met komma’s)', products: 'Producten',
    answerQuestion: 'Vraag zoals inwoners die stellen', answerText: 'Antwoord in gewone taal (B1), voor elk kanaal hetzelfde',
    variantsLead: 'Tekst per kanaal. Leeg laten: dat kanaal gebruikt het hoofdantwoord. Een variant mag feiten weglaten, maar geen andere bedragen, termijnen, webadressen of telefoonnummers noemen.',
    visibility: 'Zichtbaar voor', reviewInterval: 'Nakijken elke … dagen', markReviewed: 'Vandaag nagekeken', archive: 'Archiveren',
    editAnswer: 'Antwoord bewerken', productAnswers: 'Antwoorden bij dit product',
    productAnswersLead: 'Wat elk kanaal antwoordt: het hoofdantwoord en de tekst per kanaal.', noAnswers: 'Nog geen antwoorden bij dit product.',
    forbiddenAnswer: 'Dit mag je niet wijzigen: het antwoord hoort niet bij jouw organisatie.',
    callbacksLead: 'Vragen die het antwoordenbestand nog niet beantwoordt, in de wachtrij van je organisatie: de oudste eerst. Afsluiten wist de contactgegevens van de inwoner.',
    age: 'Wacht', channelIn: 'Binnen via', replyOn: 'Antwoord via', contact: 'Contact', assignee: 'Behandelaar', assign: 'Toewijzen',
    close: 'Afsluiten', settledBy: 'Beantwoord met', noAnswer: '(geen antwoord uit het bestand)', noCallbacks: 'Er staan geen verzoeken in de wachtrij.',
    hours: (n) => (n < 48 ? `${n} uur` : `${Math.floor(n / 24)} dagen`),
    callbackStatuses: { OPEN: 'open', ASSIGNED: 'toegewezen', CLOSED: 'afgesloten' },
    cbQuestion: 'De vraag, in algemene woorden (zonder persoonsgegevens)', cbChannel: 'Binnengekomen via', cbReply: 'Antwoord gewenst via',
    cbName: 'Naam van de inwoner', cbContact: 'Telefoonnummer of e-mailadres', cbProduct: 'Product',
    cbPrivacy: 'Vraag alleen wat nodig is om terug te bellen. Naam en contactgegevens worden gewist zodra het verzoek is afgesloten.',
    cbFiled: (org) => `Terugbelverzoek ingediend; het staat in de wachtrij van ${org}.`, send: 'Indienen',
    questionHead: 'Vraag', forbiddenCallback: 'Dit mag je niet wijzigen: het verzoek staat niet in de wachtrij van jouw organisatie.',
    searchWords: 'Typ minstens één woord om op te zoeken.',
  },
  en: {
    skip: 'Skip to content', title: 'Manage products', myProducts: 'My products', admin: 'Administration', dashboard: 'Dashboard', accessibility: 'Accessibility (in Dutch)',
    signOut: 'Sign out', signInTitle: 'Sign in', signIn: 'Sign in',
    signInText: "Sign in with your municipality account to keep your products up to date.",
    signedOut: 'You have signed out.', notConfigured: 'Sign-in is not set up on this server. Ask the administrator to configure the identity provider.',
    listLead: "Your organization's products and those of the units below it. Open gaps and overdue plans come first.",
    search: 'Search', productStatus: 'Status', theme: 'Theme', gapOn: 'Gap on channel', all: 'All', none: 'No filter',
    count: (a, b) => `${a} of ${b} products`, product: 'Product', gaps: 'Gaps',
    backToList: '← Back to my products', channels: 'Channels', channelsLead: 'Choose a channel to update its status and details.',
    channel: 'Channel', plannedDate: 'Planned for', reason: 'Reason (public): why not, and what residents can do instead?',
    reasonShort: 'Reason', url: 'Web address', phone: 'Phone number', locations: 'Locations', instructions: 'How to use it (instructions)',
    processingTime: 'Processing time (e.g. P5D = 5 days)', cost: 'Cost in euros', identification: 'Identification',
    languages: 'Languages (e.g. nl, en, tr)', reviewed: 'Reviewed today', save: 'Save', clear: 'Back to "not assessed"',
    cancel: 'Cancel', edit: 'Edit', lastReviewed: 'Last reviewed', editCell: (c) => `Update ${c}`,
    productFields: 'Product details', name: 'Name', nameEn: 'Name in English', summary: 'Summary (plain language, one or two sentences)',
    description: 'Description', audiences: 'For whom', publish: 'Publish', retire: 'Retire',
    keywords: 'Keywords: words residents use, separated by commas',
    keywordsHint: 'Search also finds the product by these words, for example: kwijt, verlopen, bankstel.',
    ready: 'Ready to go live.', notReady: 'Not ready to go live yet. Missing (in Dutch):',
    publishConfirmTitle: 'Not ready to go live yet',
    publishConfirmLead: 'This is missing (in Dutch). If you publish anyway, the history records that it was not ready and what was missing.',
    publishAnyway: 'Publish anyway',
    tests: 'Tests with residents', testsLead: 'When and how the product was tested with residents, who took part and what is done with the outcome.',
    noTests: 'No test with residents recorded yet.', testedOn: 'Date of the test', method: 'Method', participants: 'Participants',
    groups: 'Groups reached', findings: 'Findings', followUp: 'Follow-up action', followUpOwner: 'Who does it (team or role)', followUpDue: 'Due',
    testChannel: 'Channel', wholeProduct: 'The whole product', addTest: 'Record test', deleteTest: 'Delete',
    testSaved: 'Test recorded.', testDeleted: 'Test deleted.',
    methods: { INTERVIEW: 'Interview', USABILITY_TEST: 'Usability test', SURVEY: 'Survey' },
    groupNames: { YOUNG_PEOPLE: 'Young people', LIMITED_DIGITAL_SKILLS: 'Limited digital skills', LANGUAGE_DIFFICULTY: 'Difficulty with language' },
    due: 'Due for a test with residents', dueLead: 'Products not tested with residents in the past year; never tested first.',
    neverTested: 'never tested', lastTested: (d) => `last tested on ${d}`, noneDue: 'Every product was tested in time.',
    plainOk: 'Language level: probably B1 (easy to read). The advice is in Dutch, as the text is.', plainHard: 'Language level: probably harder than B1. The advice is in Dutch, as the text is:',
    showAll: (n) => `Show all ${n} changes`, history: 'History', when: 'When', who: 'By', what: 'What', noHistory: 'No changes yet.',
    conflictTitle: 'Someone else saved this product in the meantime',
    conflictLead: 'Your change has not been saved. This changed since you opened the product:',
    conflictAsk: 'Look at the changes. Then save your own change again, on top of the new state, or drop it.',
    conflictRedo: 'Save my change again', conflictDrop: 'Drop my change',
    conflictTitleAnswer: 'Someone else saved this answer in the meantime',
    conflictLeadAnswer: 'Your change has not been saved. This changed since you opened the answer:',
    saved: 'Saved.', nothingChanged: 'Nothing has changed.', loading: 'Loading…', failed: 'Something went wrong: ', overdue: 'overdue',
    upl: 'UPL name',
    uplPlaceholder: 'This product has no name on the national list of product names (UPL) yet, so Samenwerkende Catalogi and overheid.nl show it as "UPL-naam nog niet beschikbaar". Ask an administrator to link a UPL name.',
    owner: 'Owner', version: 'version', checkFields: 'Not saved: correct the fields with a message.',
    forbidden: "You may not change this: the product does not belong to your organization.",
    notFound: 'This product does not exist, or you may not see it.',
    sessionOver: 'Your session has expired. Sign in again; your change was not saved.',
    sessionOverKept: 'Your session has expired. Sign in again: what you entered and had not saved will be back afterwards.',
    sessionEnding: (time) => `Your session ends at ${time}. Save your work and sign in again; what you entered is kept.`,
    signInAgain: 'Sign in again', draftRestored: 'What you entered before your session ended is back. Check it and save it.',
    roles: { ADMIN: 'administrator', EDITOR: 'editor' }, of: 'of', everything: 'the whole catalogue',
    status: { AVAILABLE: 'available', PARTIAL: 'partial', PLANNED: 'planned', UNAVAILABLE: 'unavailable', NOT_APPLICABLE: 'not applicable', NOT_ASSESSED: 'not assessed' },
    productStatuses: { DRAFT: 'draft', PUBLISHED: 'published', RETIRED: 'retired' },
    idents: { NONE: 'none', DIGID: 'DigiD', EHERKENNING: 'eHerkenning', EIDAS: 'eIDAS', ID_DOCUMENT: 'ID document' },
    audienceNames: { RESIDENT: 'Residents', BUSINESS: 'Businesses', ORGANIZATION: 'Organizations' },
    adminLead: 'Channels, organizations, locations and targets. What you may change depends on your reach: channels only as administrator of the whole catalogue.',
    newRecord: 'New', forbiddenAdmin: 'You may not change this: it lies outside your reach.',
    created: 'created', removed: 'returned to not assessed',
    answers: 'Answers', callbacks: 'Call-back requests',
    answersLead: "Look up the answer to a resident's question. Every channel gives the same answer, in its own words.",
    question: 'Question or keywords', find: 'Search', newAnswer: 'New answer', fileCallback: 'File a call-back request',
    allChannels: 'All channels', found: (n) => (n === 1 ? '1 answer found' : `${n} answers found`),
    noneFound: 'No answer found. Nothing fits? File a call-back request.', mainAnswer: 'Main answer',
    usesMain: 'uses the main answer', usesMainList: 'Use the main answer', variantsTitle: 'Per channel', reviewDue: 'Review due', forProducts: 'About',
    visibilities: { PUBLIC: 'public', INTERNAL: 'internal' }, answerStatuses: { DRAFT: 'draft', PUBLISHED: 'published', ARCHIVED: 'archived' },
    current: 'current', notCurrent: 'review overdue', keywords: 'Keywords (comma-separated)', products: 'Products',
    answerQuestion: 'The question as residents ask it', answerText: 'The answer in plain language, the same on every channel',
    variantsLead: 'Wording per channel. Left empty, the channel uses the main answer. A variant may leave facts out, but may not state other amounts, durations, web addresses or phone numbers.',
    visibility: 'Visible to', reviewInterval: 'Review every … days', markReviewed: 'Reviewed today', archive: 'Archive',
    editAnswer: 'Edit answer', productAnswers: 'Answers about this product',
    productAnswersLead: 'What each channel answers: the main answer and the wording per channel.', noAnswers: 'No answers about this product yet.',
    forbiddenAnswer: 'You may not change this: the answer does not belong to your organization.',
    callbacksLead: "Questions the answer base does not answer yet, in your organization's queue: oldest first. Closing removes the resident's contact details.",
    age: 'Waiting', channelIn: 'Came in via', replyOn: 'Reply via', contact: 'Contact', assignee: 'Assignee', assign: 'Assign',
    close: 'Close', settledBy: 'Answered with', noAnswer: '(no answer from the base)', noCallbacks: 'The queue is empty.',
    hours: (n) => (n < 48 ? `${n} hours` : `${Math.floor(n / 24)} days`),
    callbackStatuses: { OPEN: 'open', ASSIGNED: 'assigned', CLOSED: 'closed' },
    cbQuestion: 'The question, in general words (no personal details)', cbChannel: 'Came in via', cbReply: 'Reply wanted via',
    cbName: "Resident's name", cbContact: 'Phone number or e-mail address', cbProduct: 'Product',
    cbPrivacy: 'Ask only what the call-back needs. Name and contact details are removed as soon as the request is closed.',
    cbFiled: (org) => `Call-back request filed; it is in the queue of ${org}.`, send: 'File',
    questionHead: 'Question', forbiddenCallback: "You may not change this: the request is not in your organization's queue.",
    searchWords: 'Type at least one word to search for.',
  },
};

// Validation messages in plain Dutch, by the API's extensions.field and
// extensions.reason; the API's own (English) message is the fallback, and
// what the English page shows.
const DUTCH = {
  'force:not_ready': 'Dit product is nog niet klaar om live te gaan; de checklist bovenaan zegt wat er ontbreekt.',
  'plannedDate:required': 'Vul de datum in waarop het product via dit kanaal te regelen is.',
  'plannedDate:past': 'Deze datum ligt in het verleden. Kies vandaag of een latere datum.',
  'plannedDate:format': 'Vul een datum in, zonder tijd.',
  'reason:required': 'Vul een reden in: waarom kan het niet via dit kanaal, en wat kunnen inwoners in plaats daarvan doen?',
  'url:format': 'Dit is geen volledig webadres. Begin met https://',
  'phone:format': 'Dit is geen Nederlands telefoonnummer. Schrijf bijvoorbeeld 14010 of 010 267 1625.',
  'processingTime:format': 'Schrijf de doorlooptijd als P5D (5 dagen), P14D (2 weken) of PT10M (10 minuten).',
  'costCurrency:format': 'Gebruik een valutacode van drie hoofdletters, zoals EUR.',
  'languages:format': 'Gebruik taalcodes van twee kleine letters, bijvoorbeeld nl, en, tr.',
  'name:required': 'Vul de naam in: de titel die inwoners zien, bijvoorbeeld Paspoort aanvragen.',
  'name:too_long': 'De naam mag hoogstens 200 tekens lang zijn.',
  'theme:required': 'Vul een thema in, bijvoorbeeld Parkeren of Afval.',
  'audiences:required': 'Kies voor wie het product is.',
  'slug:format': 'Gebruik alleen kleine letters, cijfers en streepjes tussen woorden.',
  'costCents:format': 'Schrijf het bedrag als bijvoorbeeld 12,50.',
  required: 'Dit veld is verplicht.', format: 'Deze waarde klopt niet.', too_long: 'Deze tekst is te lang.',
  duplicate: 'Deze waarde staat er al.', not_found: 'Dit bestaat niet in de catalogus.',
  'question:required': 'Vul de vraag in, in de woorden van de inwoner.',
  'question:too_long': 'De vraag mag hoogstens 500 tekens lang zijn.',
  'text:required': 'Vul het antwoord in: de tekst die op elk kanaal geldt.',
  'products:required': 'Kies minstens één product waar dit antwoord over gaat.',
  'products:municipality': 'Kies producten van dezelfde gemeente als de eigenaar.',
  'owner:municipality': 'Kies een eigenaar binnen de gemeente van de producten.',
  'variant:required': 'Vul hier een tekst in, of laat het veld leeg zodat dit kanaal het hoofdantwoord gebruikt.',
  'variant:duplicate': 'Dit kanaal heeft al een tekst.',
  'product:not_found': 'Kies een product uit de lijst.',
  'assignee:required': 'Vul in wie het verzoek behandelt.',
  'status:closed': 'Dit verzoek is al afgesloten.',
  'id:not_found': 'Dit bestaat niet (meer), of je mag het niet zien.',
  'answer:not_found': 'Dit antwoord bestaat niet (meer), of je mag het niet zien.',
  'contact:too_long': 'Dit mag hoogstens 200 tekens lang zijn.', 'contactName:too_long': 'Dit mag hoogstens 200 tekens lang zijn.',
};
// The facts the variant check names, in Dutch (see messageFor).
const FACT_NL = { amount: 'het bedrag', duration: 'de termijn', 'web address': 'het webadres', 'phone number': 'het telefoonnummer' };

const Q = {
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
const withFragments = (q) => q + Object.entries(FRAGMENTS).filter(([name]) => q.includes('...' + name)).map(([, f]) => '\n' + f).join('');
const M = {
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

const state = { lang: localStorage.getItem('catalogus-lang') || 'nl', session: null, products: [], channels: [], product: null,
  locations: [], themes: [], changes: [], seenChange: null, cell: null, pending: null, routes: 0 };
const $ = (id) => document.getElementById(id);
const t = (key, ...args) => {
  const v = TEXT[state.lang][key];
  return typeof v === 'function' ? v(...args) : v;
};
const locale = () => (state.lang === 'nl' ? 'nl-NL' : 'en-GB');
const date = (s) => new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' })
  .format(new Date(s.length === 10 ? s + 'T12:00:00Z' : s));
const dateTime = (s) => new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(new Date(s));
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
const channelName = (c) => (c ? ((state.lang === 'en' && c.nameEn) ? c.nameEn : c.name) : '');
const fold = (s) => (s || '').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');

class SignedOut extends Error {}

// gql sends one request to the signed-in API; it returns data and errors
// (errors are the caller's to show) and throws only when the request itself fails.
async function gql(query, variables = {}) {
  const res = await fetch('/beheer/graphql', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Catalogus-CSRF': state.session.csrf },
    body: JSON.stringify({ query: withFragments(query), variables }),
  });
  if (res.status === 401) throw new SignedOut();
  const body = await res.json();
  return { data: body.data, errors: body.errors || [] };
}

async function read(query, variables) {
  const r = await gql(query, variables);
  if (r.errors.length) throw new Error(r.errors[0].message);
  return r.data;
}

function say(msg, cls = '') {
  const s = $('status');
  s.textContent = msg;
  s.className = 'status ' + cls;
}

function fail(e) {
  if (e instanceof SignedOut) {
    state.session = null;
    showSignedOut(keepDraft() ? t('sessionOverKept') : t('sessionOver'));
    return;
  }
  say(t('failed') + e.message, 'form-error');
}

// ---- Session and navigation ----

async function loadSession() {
  const res = await fetch('/beheer/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (res.status === 404) return 'unconfigured';
  const s = await res.json();
  state.providerProblem = s.providerProblem || null;
  if (!s.signedIn) return 'signed-out';
  state.session = s;
  return 'signed-in';
}

function showOnly(id) {
  for (const s of ['signed-out', 'list', 'product', 'admin', 'answers', 'callbacks']) $(s).hidden = s !== id;
}

function showSignedOut(message) {
  showOnly('signed-out');
  $('logout').hidden = true;
  $('nav-admin').hidden = true;
  $('who').textContent = '';
  $('signed-out-text').textContent = message || t('signInText');
  $('sign-in').href = '/beheer/login?next=' + encodeURIComponent('/beheer/' + location.hash);
}

function renderWho() {
  const s = state.session;
  $('who').textContent = `${s.name} · ${t('roles')[s.role] || s.role} ${t('of')} ${s.organization || t('everything')}`;
  $('logout').hidden = false;
  $('logout-csrf').value = s.csrf;
  $('nav-admin').hidden = s.role !== 'ADMIN';
}

// route shows what the address names. A quick second navigation can
// overtake a slow first one; only the latest one clears the status line.
async function route() {
  if (!state.session) return;
  const seq = ++state.routes;
  say('');
  const h = decodeURIComponent(location.hash.slice(1));
  try {
    if (h.startsWith('product/')) await openProduct(h.slice('product/'.length));
    else if (h === 'admin') await openAdmin();
    else if (h === 'antwoorden' || h.startsWith('antwoorden/')) await openAnswers();
    else if (h === 'terugbellen') await openCallbacks();
    else await openList();
    if (seq === state.routes) say('');
  } catch (e) {
    fail(e);
  }
}

function renderTexts() {
  document.documentElement.lang = state.lang;
  for (const e of document.querySelectorAll('[data-t]')) e.textContent = t(e.dataset.t);
  $('lang').textContent = state.lang === 'nl' ? 'English' : 'Nederlands';
  $('lang').lang = state.lang === 'nl' ? 'en' : 'nl';
  document.title = `${t('title')} · Catalogus`;
}

// ---- Mijn producten ----

function gapsOf(p) {
  const by = new Map(p.availabilities.map((a) => [a.channel.code, a]));
  const now = today();
  let gaps = 0, overdue = 0;
  for (const c of state.channels) {
    const a = by.get(c.code);
    if (!a) { gaps++; continue; }
    if (a.status === 'AVAILABLE' || a.status === 'NOT_APPLICABLE') continue;
    gaps++;
    if (a.status === 'PLANNED' && a.plannedDate && a.plannedDate < now) overdue++;
  }
  return { gaps, overdue, by };
}

async function openList() {
  showOnly('list');
  say(t('loading'));
  const owner = state.session.organization || null;
  const products = [];
  let after = null;
  let channels = [];
  for (;;) {
    const d = await read(Q.products, { owner, after });
    channels = d.channels;
    products.push(...d.products.edges.map((e) => e.node));
    if (!d.products.pageInfo.hasNextPage) break;
    after = d.products.pageInfo.endCursor;
  }
  state.products = products;
  state.channels = channels;
  state.due = (await read(Q.due, { owner })).productsDueForResidentTest;
  say('');
  renderFilters();
  renderList();
  renderDue();
}

function fill(id, options) {
  const s = $(id);
  const keep = s.value;
  s.replaceChildren(...options.map(([v, label]) => el('option', { value: v }, label)));
  if (options.some(([v]) => v === keep)) s.value = keep;
}

function renderFilters() {
  fill('f-status', [['', t('all')], ...Object.entries(t('productStatuses'))]);
  const themes = [...new Set(state.products.map((p) => p.theme))].sort((a, b) => a.localeCompare(b, 'nl'));
  fill('f-theme', [['', t('all')], ...themes.map((th) => [th, th])]);
  fill('f-gap', [['', t('none')], ...state.channels.map((c) => [c.code, channelName(c)])]);
}

function renderList() {
  if (!state.session || $('list').hidden) return;
  const status = $('f-status').value, theme = $('f-theme').value, gap = $('f-gap').value;
  const words = fold($('f-search').value).split(/\s+/).filter(Boolean);
  const rows = state.products.map((p) => ({ p, ...gapsOf(p) })).filter(({ p, by }) => {
    if (status && p.status !== status) return false;
    if (theme && p.theme !== theme) return false;
    if (gap) {
      const a = by.get(gap);
      if (a && (a.status === 'AVAILABLE' || a.status === 'NOT_APPLICABLE')) return false;
    }
    const hay = fold(p.name + ' ' + p.slug + ' ' + p.theme);
    return words.every((w) => hay.includes(w));
  });
  // Overdue plans first, then the most open gaps, then by name.
  rows.sort((a, b) => (b.overdue > 0) - (a.overdue > 0) || b.gaps - a.gaps || a.p.name.localeCompare(b.p.name, 'nl'));
  const count = $('list-count');
  count.textContent = t('count', rows.length, state.products.length);
  count.dataset.count = String(rows.length);
  const table = el('table', { class: 'matrix', id: 'products' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('product')), el('th', { scope: 'col' }, t('productStatus')),
      el('th', { scope: 'col' }, t('gaps')),
      state.channels.map((c) => el('th', { scope: 'col', title: channelName(c) }, c.code)))),
    el('tbody', {}, rows.map(({ p, gaps, overdue, by }) => el('tr', { 'data-slug': p.slug },
      el('th', { scope: 'row' }, el('a', { class: 'utrecht-link', href: '#product/' + encodeURIComponent(p.slug) }, p.name)),
      el('td', {}, el('span', { class: 'pill' }, t('productStatuses')[p.status])),
      el('td', {}, String(gaps), overdue ? el('span', { class: 'overdue' }, ` (${overdue} ${t('overdue')})`) : null),
      state.channels.map((c) => {
        const s = by.get(c.code)?.status || 'NOT_ASSESSED';
        const label = `${channelName(c)}: ${t('status')[s]}`;
        return el('td', { class: `cell s-${s}`, title: label, 'aria-label': label, 'data-channel': c.code, 'data-status': s }, letter(s));
      })))));
  $('matrix').replaceChildren(table);
}

// ---- A product ----

async function openProduct(slug) {
  showOnly('product');
  // data-slug tells which product the page shows once it is loaded.
  delete $('product').dataset.slug;
  closeConflict();
  state.fullHistory = false;
  state.cell = null;
  $('cell-form').hidden = true;
  $('publish-confirm').hidden = true;
  say(t('loading'));
  await loadProduct(slug);
  if (!stillShowing(slug)) return;
  say('');
  fillProductForm();
  rememberLoadedFields();
  $('product').dataset.slug = slug;
}

const stillShowing = (slug) => decodeURIComponent(location.hash.slice(1)) === 'product/' + slug;

// loadProduct reads the product, its channels and history. The newest change
// it shows marks what this page has seen: a conflict lists the ones after it.
async function loadProduct(slug, { keepSeen = false } = {}) {
  const d = await read(Q.product, { slug });
  // The owner may have moved on while this was loading; a late answer must
  // not paint another product over the one they look at now.
  if (!stillShowing(slug)) return d;
  if (!d.product) {
    state.product = null;
    $('h-product').textContent = slug;
    $('product-meta').textContent = t('notFound');
    for (const id of ['cells', 'history', 'product-answers']) $(id).replaceChildren();
    $('product-form').hidden = true;
    return d;
  }
  $('product-form').hidden = false;
  state.product = d.product;
  state.channels = d.channels;
  state.locations = d.locations;
  state.themes = d.themes;
  state.changes = d.changes.edges.map((e) => e.node);
  if (!keepSeen) state.seenChange = state.changes.length ? state.changes[0].id : null;
  renderProduct();
  return d;
}

function renderProduct() {
  const p = state.product;
  if (!p) return;
  $('h-product').textContent = p.name;
  const meta = $('product-meta');
  meta.replaceChildren(el('span', { class: 'pill', id: 'product-status', 'data-status': p.status }, t('productStatuses')[p.status]),
    ` · ${t('owner')}: ${p.owner.name} · ${t('version')} `, el('span', { id: 'product-version' }, String(p.version)),
    onPlaceholder(p) ? null : ` · ${t('upl')}: ${p.uplEntry.name}`);
  // The published feed names the list's placeholder for a product without a
  // UPL name; the owner should know before a portal shows it.
  const upl = $('product-upl');
  upl.hidden = !onPlaceholder(p);
  upl.textContent = onPlaceholder(p) ? t('uplPlaceholder') : '';
  // The readiness checklist, from the API; its items are in Dutch, as the
  // B1 check's are.
  const rd = $('product-readiness');
  rd.dataset.ready = String(p.readiness.ready);
  rd.replaceChildren(el('p', {}, t(p.readiness.ready ? 'ready' : 'notReady')),
    ...(p.readiness.missing.length ? [el('ul', {}, ...p.readiness.missing.map((m) => el('li', {}, m)))] : []));
  $('product-publish').hidden = p.status === 'PUBLISHED';
  $('product-retire').hidden = p.status === 'RETIRED';
  const by = new Map(p.availabilities.map((a) => [a.channel.code, a]));
  const now = today();
  $('cells').replaceChildren(el('table', { id: 'cells-table' },
    el('thead', {}, el('tr', {}, [t('channel'), 'Status', t('plannedDate'), t('reasonShort'), t('lastReviewed'), ''].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, state.channels.map((c) => {
      const a = by.get(c.code);
      const s = a?.status || 'NOT_ASSESSED';
      return el('tr', { 'data-channel': c.code },
        el('th', { scope: 'row' }, channelName(c)),
        el('td', { 'data-status': s }, el('span', { class: `badge s-${s}` }, letter(s)), ' ', t('status')[s]),
        el('td', {}, a?.plannedDate ? date(a.plannedDate) : '', a?.status === 'PLANNED' && a.plannedDate < now ? el('span', { class: 'overdue' }, ` (${t('overdue')})`) : null),
        el('td', {}, a?.reason || ''),
        el('td', {}, a?.lastReviewed ? date(a.lastReviewed) : ''),
        el('td', {}, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'edit-' + c.code,
          onclick: () => openCell(c.code) }, t('edit'), el('span', { class: 'visually-hidden' }, `: ${channelName(c)}`))));
    }))));
  renderProductAnswers();
  renderTests();
  renderHistory();
}

// ---- Ready to go live: publishing, tests with residents ----

// askPublish publishes a ready product at once; for one that is not ready it
// first shows what is missing and asks whether to publish anyway (force:
// the change log records what was missing).
function askPublish() {
  const p = state.product;
  if (p.readiness.ready) {
    publish(false);
    return;
  }
  $('publish-missing').replaceChildren(...p.readiness.missing.map((m) => el('li', {}, m)));
  $('publish-confirm').hidden = false;
  $('publish-force').focus();
}

async function publish(force) {
  $('publish-confirm').hidden = true;
  const input = { product: state.product.slug };
  if (force) input.force = true;
  await save($('product-form'), { mutation: M.publishProduct, input });
}

const METHODS = ['INTERVIEW', 'USABILITY_TEST', 'SURVEY'];
const GROUPS = ['YOUNG_PEOPLE', 'LIMITED_DIGITAL_SKILLS', 'LANGUAGE_DIFFICULTY'];

// renderTests lists the product's tests with residents and keeps the form's
// choices in the page's language, leaving what the owner typed as it is.
function renderTests() {
  const tests = state.product.residentTests || [];
  $('tests-list').replaceChildren(tests.length ? el('table', { id: 'tests-table' },
    el('thead', {}, el('tr', {}, [t('testedOn'), t('method'), t('participants'), t('groups'), t('testChannel'), t('findings'), t('followUp'), '']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, tests.map((x) => el('tr', { 'data-test': x.id },
      el('td', {}, date(x.testedOn)), el('td', {}, t('methods')[x.method]), el('td', { class: 'num' }, String(x.participants)),
      el('td', {}, (x.groups || []).map((g) => t('groupNames')[g]).join(', ')),
      el('td', {}, x.channel ? channelName(x.channel) : t('wholeProduct')),
      el('td', {}, x.findings || ''),
      el('td', {}, (x.followUps || []).map((f) => `${f.action} (${f.owner}, ${date(f.due)})`).join('; ')),
      el('td', {}, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'delete-test-' + x.id,
        onclick: () => deleteTest(x.id) }, t('deleteTest'), el('span', { class: 'visually-hidden' }, `: ${date(x.testedOn)}`)))))))
    : el('p', { class: 'utrecht-paragraph', id: 'no-tests' }, t('noTests')));
  fill('t-method', METHODS.map((m) => [m, t('methods')[m]]));
  fill('t-channel', [['', t('wholeProduct')], ...state.channels.map((c) => [c.code, channelName(c)])]);
  const checked = new Set([...document.querySelectorAll('#t-groups input:checked')].map((i) => i.value));
  $('t-groups').replaceChildren(...GROUPS.map((g) => el('label', {},
    el('input', { type: 'checkbox', class: 'utrecht-checkbox utrecht-checkbox--html-input', name: 'groups', value: g, checked: checked.has(g) }),
    t('groupNames')[g])));
}

async function saveTest(ev) {
  ev.preventDefault();
  const form = $('test-form');
  clearErrors(form);
  say('');
  const v = (id) => $(id).value.trim();
  const input = {
    product: state.product.slug, testedOn: v('t-testedOn'), method: v('t-method'), participants: Number(v('t-participants')) || 0,
    groups: [...document.querySelectorAll('#t-groups input:checked')].map((i) => i.value),
  };
  if (v('t-findings')) input.findings = v('t-findings');
  if (v('t-channel')) input.channel = v('t-channel');
  if (v('t-action') || v('t-owner') || v('t-due')) input.followUps = [{ action: v('t-action'), owner: v('t-owner'), due: v('t-due') }];
  const d = await send(form, M.createResidentTest, { input });
  if (!d) return;
  form.reset();
  await loadProduct(state.product.slug);
  say(t('testSaved'), 'saved');
}

async function deleteTest(id) {
  const d = await send($('test-form'), M.deleteResidentTest, { id });
  if (!d) return;
  await loadProduct(state.product.slug);
  say(t('testDeleted'), 'saved');
}

// renderDue lists the owner's products due for a test with residents.
function renderDue() {
  const due = state.due || [];
  $('due').replaceChildren(due.length ? el('ul', { id: 'due-list' }, due.map((d) => el('li', { 'data-slug': d.product.slug },
    el('a', { class: 'utrecht-link', href: '#product/' + encodeURIComponent(d.product.slug) }, d.product.name), ' — ',
    d.lastTested ? t('lastTested', date(d.lastTested)) : t('neverTested'))))
    : el('p', { class: 'utrecht-paragraph' }, t('noneDue')));
}

const UPL_PLACEHOLDER = 'http://standaarden.overheid.nl/owms/terms/UPL-naam_nog_niet_beschikbaar';
const onPlaceholder = (p) => !p.uplEntry || p.uplEntry.uri === UPL_PLACEHOLDER;

// The row already names the product and the channel, and the municipality
// follows from the owner: those fields would only repeat it.
const hiddenField = (f) => ['productId', 'channelId', 'municipalityId'].includes(f.field);

// A changed field in the page's language, as the API writes it for people:
// its label, and its values in words (a dash for none).
function fieldChange(f) {
  const en = state.lang === 'en';
  const label = en ? f.labelEn : f.label;
  const old = (en ? f.oldTextEn : f.oldText) ?? '—';
  const now = (en ? f.newTextEn : f.newText) ?? '—';
  return `${label}: ${old} → ${now}`;
}

function changeRows(changes) {
  return changes.map((c) => el('tr', { 'data-change': c.id },
    el('td', {}, dateTime(c.at)),
    el('td', {}, c.actor || c.organization?.name || ''),
    el('td', {}, c.channel ? el('strong', {}, channelName(c.channel) + ': ') : null,
      c.action === 'DELETE' && c.channel ? t('removed') : null,
      el('ul', { class: 'changes' }, c.fields.filter((f) => !hiddenField(f)).map((f) => el('li', { 'data-field': f.field }, fieldChange(f)))))));
}

function changeTable(changes, id) {
  return el('table', { id }, el('thead', {}, el('tr', {}, [t('when'), t('who'), t('what')].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, changeRows(changes)));
}

// The history shows the newest ten changes until the owner asks for all.
function renderHistory() {
  const all = state.changes;
  if (!all.length) {
    $('history').replaceChildren(el('p', { class: 'utrecht-paragraph' }, t('noHistory')));
    return;
  }
  const few = !state.fullHistory && all.length > 10;
  // replaceChildren writes null as the text "null": leave the button out instead.
  $('history').replaceChildren(changeTable(few ? all.slice(0, 10) : all, 'history-table'),
    ...(few ? [el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'history-all',
      onclick: () => { state.fullHistory = true; renderHistory(); } }, t('showAll', all.length))] : []));
}

// ---- The B1 check beside the summary and the description ----

// plainLanguage.MaxText on the server: longer texts are not sent.
const PLAIN_MAX = 5000;
const plainRuns = {};

// checkPlain asks the API's B1 check about a text field as the product owner
// types: 400 ms after the last key, and only the newest answer is shown.
function checkPlain(id, now = false) {
  clearTimeout(plainRuns[id]?.timer);
  const run = { seq: (plainRuns[id]?.seq || 0) + 1 };
  plainRuns[id] = run;
  run.timer = setTimeout(async () => {
    const box = $(id + '-check');
    const text = $(id).value.trim();
    if (!text) { box.replaceChildren(); delete box.dataset.b1; return; }
    if ([...text].length > PLAIN_MAX) { box.dataset.b1 = 'unknown'; box.replaceChildren(el('p', {}, t('plainTooLong', PLAIN_MAX))); return; }
    try {
      const r = await gql(Q.plain, { text });
      if (plainRuns[id] !== run) return; // an answer to older text
      if (r.errors.length) { box.dataset.b1 = 'unknown'; box.replaceChildren(el('p', {}, r.errors[0].message)); return; }
      const pl = r.data.plainLanguage;
      box.dataset.b1 = String(pl.b1);
      const advice = pl.reasons.slice(1);
      box.replaceChildren(el('p', {}, t(pl.b1 ? 'plainOk' : 'plainHard')),
        ...(advice.length ? [el('ul', {}, ...advice.map((a) => el('li', {}, a)))] : []));
    } catch (e) {
      if (e instanceof SignedOut) fail(e);
    }
  }, now ? 0 : 400);
}

function fillProductForm() {
  const p = state.product;
  if (!p) return;
  clearErrors($('product-form'));
  $('p-name').value = p.name;
  $('p-nameEn').value = p.nameEn || '';
  $('p-summary').value = p.summary || '';
  $('p-description').value = p.description || '';
  $('p-keywords').value = (p.keywords || []).join(', ');
  checkPlain('p-summary', true);
  checkPlain('p-description', true);
  $('p-theme').value = p.theme;
  $('themes').replaceChildren(...state.themes.map((th) => el('option', { value: th })));
  $('p-audiences').replaceChildren(...AUDIENCES.map((a) => el('label', {},
    el('input', { type: 'checkbox', class: 'utrecht-checkbox utrecht-checkbox--html-input', name: 'audience', value: a, checked: p.audiences.includes(a) }),
    t('audienceNames')[a])));
}

function openCell(code) {
  const p = state.product;
  const a = p.availabilities.find((x) => x.channel.code === code);
  const c = state.channels.find((x) => x.code === code);
  state.cell = code;
  const form = $('cell-form');
  clearErrors(form);
  $('h-cell').textContent = t('editCell', channelName(c));
  fill('c-status', STATUSES.map((s) => [s, t('status')[s]]));
  $('c-status').value = a?.status || 'AVAILABLE';
  $('c-plannedDate').value = a?.plannedDate || '';
  $('c-plannedDate').min = today();
  $('c-reason').value = a?.reason || '';
  $('c-url').value = a?.url || '';
  $('c-phone').value = a?.phone || '';
  const chosen = new Set((a?.locations || []).map((l) => l.code));
  $('c-locations').replaceChildren(...state.locations.map((l) => el('option', { value: l.code, selected: chosen.has(l.code) }, l.name)));
  $('c-instructions').value = a?.instructions || '';
  $('c-processingTime').value = a?.processingTime || '';
  $('c-cost').value = a?.costCents != null ? (a.costCents / 100).toFixed(2).replace('.', ',') : '';
  fill('c-identification', IDENTIFICATIONS.map((i) => [i, t('idents')[i]]));
  $('c-identification').value = a?.identification || 'NONE';
  $('c-languages').value = (a?.languages || []).join(', ');
  $('c-reviewed').checked = true;
  $('cell-clear').hidden = !a;
  form.hidden = false;
  showStatusFields();
  $('c-status').focus();
}

// closeCell hides the channel's form and gives the focus back to the button
// it was opened from (drawn anew after a save), so that a keyboard user goes
// on where they were instead of at the top of the page.
function closeCell() {
  $('cell-form').hidden = true;
  const button = state.cell && $('edit-' + state.cell);
  if (button) button.focus();
}

// Only the fields that fit the chosen status are shown; the rest is kept.
function showStatusFields() {
  const s = $('c-status').value;
  $('c-plannedDate').closest('.utrecht-form-field').hidden = s !== 'PLANNED';
  $('c-reason').closest('.utrecht-form-field').hidden = !['UNAVAILABLE', 'NOT_APPLICABLE', 'PARTIAL'].includes(s);
}

const orNull = (v) => (v.trim() === '' ? null : v.trim());

// cellInput reads the form into setAvailability's input, or returns field
// errors the page can tell without asking the API.
function cellInput() {
  const status = $('c-status').value;
  const errors = [];
  let costCents = null;
  const cost = $('c-cost').value.trim();
  if (cost !== '') {
    const n = Number(cost.replace(/\./g, '').replace(',', '.').replace(/^€\s*/, ''));
    if (!Number.isFinite(n) || n < 0) errors.push({ field: 'costCents', reason: 'format', message: 'write the amount in euros, e.g. 12,50' });
    else costCents = Math.round(n * 100);
  }
  const input = {
    product: state.product.slug, channel: state.cell, status,
    plannedDate: status === 'PLANNED' ? orNull($('c-plannedDate').value) : null,
    reason: ['UNAVAILABLE', 'NOT_APPLICABLE', 'PARTIAL'].includes(status) ? orNull($('c-reason').value) : null,
    url: orNull($('c-url').value), phone: orNull($('c-phone').value),
    locations: [...$('c-locations').selectedOptions].map((o) => o.value),
    instructions: orNull($('c-instructions').value), processingTime: orNull($('c-processingTime').value),
    costCents, identification: $('c-identification').value,
    languages: $('c-languages').value.split(/[\s,]+/).filter(Boolean),
    reviewed: $('c-reviewed').checked,
  };
  return { input, errors };
}

function productInput() {
  const p = state.product;
  const input = { product: p.slug };
  const now = {
    name: $('p-name').value.trim(), nameEn: $('p-nameEn').value.trim(), summary: $('p-summary').value.trim(),
    description: $('p-description').value.trim(), theme: $('p-theme').value.trim(),
  };
  // Only what the owner changed is sent, so that redoing it after a conflict
  // leaves the other person's changes to other fields standing.
  const was = state.loadedFields || {};
  for (const [k, v] of Object.entries(now)) if (v !== (was[k] ?? '')) input[k] = v;
  const audiences = [...document.querySelectorAll('#p-audiences input:checked')].map((i) => i.value);
  if (audiences.join() !== (was.audiences || []).join()) input.audiences = audiences;
  const keywords = $('p-keywords').value.split(',').map((k) => k.trim()).filter(Boolean);
  if (keywords.join() !== (was.keywords || []).join()) input.keywords = keywords;
  return input;
}

function rememberLoadedFields() {
  const p = state.product;
  if (!p) return;
  state.loadedFields = { name: p.name, nameEn: p.nameEn || '', summary: p.summary || '', description: p.description || '', theme: p.theme, audiences: [...p.audiences], keywords: [...(p.keywords || [])] };
}

// ---- Saving: expectedVersion, field errors and conflicts ----

function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) e.remove();
  for (const f of form.querySelectorAll('.has-error')) f.classList.remove('has-error');
  for (const i of form.querySelectorAll('[aria-invalid]')) { i.removeAttribute('aria-invalid'); i.removeAttribute('aria-describedby'); }
  const err = form.querySelector('.form-error');
  if (err) err.textContent = '';
}

function messageFor(e) {
  let field = e.extensions?.field || e.field;
  const reason = e.extensions?.reason || e.reason || (e.extensions?.code === 'NOT_FOUND' ? 'not_found' : undefined);
  if (state.lang === 'en') return e.message;
  // A variant that states a fact the main answer does not: the API names
  // the fact in its (English) message; the page says the same in Dutch.
  if (reason === 'contradicts') {
    const m = /states the (amount|duration|web address|phone number) "([^"]*)"/.exec(e.message || '');
    const fact = m ? `${FACT_NL[m[1]]} "${m[2]}"` : 'een bedrag, termijn, webadres of telefoonnummer';
    return `Deze tekst noemt ${fact}, maar het hoofdantwoord niet. Een kanaal mag feiten weglaten, ` +
      'maar elk bedrag, elke termijn, elk webadres en elk telefoonnummer moet ook in het hoofdantwoord staan.';
  }
  if (/^variants\[\d+\]\./.test(field || '')) field = 'variant';
  return DUTCH[`${field}:${reason}`] || DUTCH[reason] || e.message;
}

// showErrors puts each field's message beside the field; what belongs to no
// field on the form goes at its foot.
// rename maps the API's field name to the form's, where they differ.
function showErrors(form, errors, rename = (f) => f) {
  const general = [];
  for (const e of errors) {
    const field = rename(e.extensions?.field || e.field);
    const box = field && form.querySelector(`[data-field="${CSS.escape(field)}"]`);
    if (!box) {
      general.push(messageFor(e));
      continue;
    }
    box.hidden = false;
    box.classList.add('has-error');
    const id = 'err-' + field;
    box.append(el('p', { class: 'field-error utrecht-form-field-error-message', id }, messageFor(e)));
    const input = box.querySelector('input, select, textarea');
    if (input) { input.setAttribute('aria-invalid', 'true'); input.setAttribute('aria-describedby', id); }
  }
  form.querySelector('.form-error').textContent = general.length ? general.join(' ') : t('checkFields');
  const first = form.querySelector('[aria-invalid]');
  if (first) first.focus();
}

// send runs a form's mutation and returns its data, or null when it failed:
// errors with a code in fieldCodes go beside the form's fields (see
// showErrors), others at its foot, FORBIDDEN in the words of forbidden.
async function send(form, mutation, variables, how = {}) {
  let r;
  try {
    r = await gql(mutation, variables);
  } catch (e) {
    fail(e);
    return null;
  }
  if (!r.errors.length) return r.data;
  refuse(form, r.errors, how);
  return null;
}

// refuse shows why the API refused a form's change (see send).
function refuse(form, errors, { fieldCodes = ['BAD_USER_INPUT'], forbidden = '', notFound = '', rename } = {}) {
  const code = errors[0].extensions?.code;
  if (fieldCodes.includes(code)) showErrors(form, errors, rename);
  else form.querySelector('.form-error').textContent = code === 'FORBIDDEN' && forbidden ? t(forbidden)
    : code === 'NOT_FOUND' && notFound ? t(notFound) : errors[0].message;
}

// A record whose saves carry the version the page last saw: the product on
// its page, or the answer in its form. Each says what its version is, what
// follows a save, what changed since the page read it, what dropping one's
// own change means, where the conflict box goes and in which words.
const PRODUCT = {
  title: 'conflictTitle', lead: 'conflictLead',
  version: () => state.product.version,
  async saved(data, change) {
    await loadProduct(state.product.slug);
    // Only the product form's own save refills it: saving a channel must not
    // throw away the owner's unsaved edits of the product's fields.
    if (change.refill) {
      fillProductForm();
      rememberLoadedFields();
    }
  },
  async between() {
    const seen = state.seenChange;
    await loadProduct(state.product.slug, { keepSeen: true });
    const idx = state.changes.findIndex((c) => c.id === seen);
    return idx < 0 ? state.changes : state.changes.slice(0, idx);
  },
  // From here on, the page has seen the changes it just showed.
  seen() { state.seenChange = state.changes.length ? state.changes[0].id : null; },
  async dropped() {
    $('cell-form').hidden = true;
    await loadProduct(state.product.slug);
    fillProductForm();
    rememberLoadedFields();
  },
  place: (box) => $('product-meta').after(box),
  refusal: { forbidden: 'forbidden', notFound: 'notFound' },
};

// save runs a change of a subject (PRODUCT or ANSWER) with the version this
// page last saw. On CONFLICT it keeps the change pending and shows what
// changed in between.
async function save(form, change, subject = PRODUCT) {
  clearErrors(form);
  say('');
  let r;
  try {
    r = await gql(change.mutation, { input: { ...change.input, expectedVersion: subject.version() } });
  } catch (e) {
    fail(e);
    return false;
  }
  if (!r.errors.length) {
    state.pending = null;
    closeConflict();
    await subject.saved(r.data, change);
    say(t('saved'), 'saved');
    return true;
  }
  if (r.errors[0].extensions?.code === 'CONFLICT') {
    await showConflict(form, change, subject);
    return false;
  }
  refuse(form, r.errors, { ...subject.refusal, ...change.refusal });
  return false;
}

async function showConflict(form, change, subject) {
  state.pending = { form, change, subject };
  const between = await subject.between();
  $('conflict-changes').replaceChildren(changeTable(between, 'conflict-table'));
  const box = $('conflict');
  $('conflict-title').dataset.t = subject.title;
  $('conflict-lead').dataset.t = subject.lead;
  renderTexts();
  subject.place(box);
  box.hidden = false;
  box.focus();
}

function closeConflict() {
  $('conflict').hidden = true;
  $('conflict-changes').replaceChildren();
}

async function redo() {
  const p = state.pending;
  if (!p) return;
  p.subject.seen();
  closeConflict();
  const ok = await save(p.form, p.change, p.subject);
  if (ok && p.form.id === 'cell-form') closeCell();
}

async function drop() {
  const p = state.pending;
  state.pending = null;
  closeConflict();
  if (p) await p.subject.dropped();
}

// ---- Admin area: channels, organizations, locations, targets ----

// Each kind of record is described once: its list, its fields and the
// mutations that create and change it. The forms are built from this.
const ADMIN_KINDS = [
  { key: 'channels', title: { nl: 'Kanalen', en: 'Channels' }, create: 'createChannel', update: 'updateChannel', type: 'Channel',
    fields: [['code', 'text'], ['name', 'text'], ['nameEn', 'text'], ['description', 'textarea'], ['digital', 'bool'],
      ['assisted', 'bool'], ['youth', 'bool'], ['active', 'bool'], ['sortOrder', 'int']],
    columns: ['code', 'name', 'nameEn', 'digital', 'assisted', 'youth', 'active'] },
  { key: 'organizations', title: { nl: 'Organisaties', en: 'Organizations' }, create: 'createOrganization', update: 'updateOrganization', type: 'Organization',
    fields: [['code', 'text'], ['name', 'text'], ['kind', ['MUNICIPALITY', 'CLUSTER', 'DEPARTMENT', 'TEAM']], ['parentID', 'organization']],
    columns: ['code', 'name', 'kind', 'parent'], values: { kind: 'organizationKinds' } },
  { key: 'locations', title: { nl: 'Locaties', en: 'Locations' }, create: 'createLocation', update: 'updateLocation', type: 'Location',
    fields: [['code', 'text'], ['name', 'text'], ['kind', ['CITY_OFFICE', 'WIJKHUB', 'OTHER']], ['street', 'text'], ['postalCode', 'text'],
      ['city', 'text'], ['openingHours', 'text'], ['visit', ['APPOINTMENT', 'WALK_IN', 'BOTH']], ['municipalityID', 'municipality']],
    columns: ['code', 'name', 'kind', 'city'], values: { kind: 'locationKinds', visit: 'visits' } },
  { key: 'targets', title: { nl: 'Doelen', en: 'Targets' }, create: 'createTarget', update: null, type: 'Target',
    fields: [['name', 'text'], ['description', 'textarea'], ['deadline', 'date'], ['share', 'float'], ['primary', 'bool']],
    columns: ['name', 'deadline', 'share'] },
];

const FIELD_NAMES = {
  nl: { code: 'Code', name: 'Naam', nameEn: 'Naam in het Engels', description: 'Beschrijving', digital: 'Digitaal', assisted: 'Met hulp',
    youth: 'Voor jongeren', active: 'Actief', sortOrder: 'Volgorde', kind: 'Soort', parentID: 'Onderdeel van', parent: 'Onderdeel van',
    street: 'Straat en nummer', postalCode: 'Postcode', city: 'Plaats', openingHours: 'Openingstijden', visit: 'Bezoek',
    municipalityID: 'Gemeente', deadline: 'Uiterlijk op', share: 'Aandeel (0–1)', primary: 'Hoofddoel' },
  en: { code: 'Code', name: 'Name', nameEn: 'English name', description: 'Description', digital: 'Digital', assisted: 'Assisted',
    youth: 'For young people', active: 'Active', sortOrder: 'Order', kind: 'Kind', parentID: 'Part of', parent: 'Part of',
    street: 'Street and number', postalCode: 'Postal code', city: 'City', openingHours: 'Opening hours', visit: 'Visit',
    municipalityID: 'Municipality', deadline: 'Deadline', share: 'Share (0–1)', primary: 'Primary target' },
};
const fieldName = (f) => FIELD_NAMES[state.lang][f] || f;

async function openAdmin() {
  showOnly('admin');
  say(t('loading'));
  const d = await read(`query Admin {
    channels { id code name nameEn description digital assisted youth active sortOrder }
    organizations { id code name kind parent { id code } }
    locations { id code name kind street postalCode city openingHours visit municipality { id } }
    coverage { target { name deadline share } }
  }`);
  say('');
  state.admin = d;
  renderAdmin();
}

// VALUE_NAMES are the admin lists' codes in words.
const VALUE_NAMES = {
  nl: {
    organizationKinds: { MUNICIPALITY: 'Gemeente', CLUSTER: 'Cluster', DEPARTMENT: 'Afdeling', TEAM: 'Team' },
    locationKinds: { CITY_OFFICE: 'Stadswinkel', WIJKHUB: 'Wijkhub', OTHER: 'Andere locatie' },
    visits: { APPOINTMENT: 'Op afspraak', WALK_IN: 'Zonder afspraak', BOTH: 'Met en zonder afspraak' },
  },
  en: {
    organizationKinds: { MUNICIPALITY: 'Municipality', CLUSTER: 'Cluster', DEPARTMENT: 'Department', TEAM: 'Team' },
    locationKinds: { CITY_OFFICE: 'City office', WIJKHUB: 'Neighbourhood hub', OTHER: 'Other location' },
    visits: { APPOINTMENT: 'By appointment', WALK_IN: 'Walk in', BOTH: 'With or without appointment' },
  },
};
const valueName = (kind, col, v) => (kind.values?.[col] && VALUE_NAMES[state.lang][kind.values[col]][v]) || v;

function adminValue(kind, rec, col) {
  if (col === 'kind' || col === 'visit') return valueName(kind, col, rec[col]);
  if (col === 'parent') return rec.parent?.code || '';
  if (col === 'share') return String(Math.round(rec.share * 1000) / 10) + ' %';
  const v = rec[col];
  return typeof v === 'boolean' ? (v ? '✓' : '') : v ?? '';
}

function renderAdmin() {
  const d = state.admin;
  if (!d) return;
  const records = { channels: d.channels, organizations: d.organizations, locations: d.locations,
    targets: d.coverage.target ? [{ ...d.coverage.target, readOnly: true }] : [] };
  $('admin-body').replaceChildren(el('p', { class: 'utrecht-paragraph' }, t('adminLead')), ...ADMIN_KINDS.flatMap((k) => [
    el('h3', { class: 'utrecht-heading-3' }, k.title[state.lang]),
    el('div', { class: 'matrix-wrap', tabindex: '0', role: 'region', 'aria-label': k.title[state.lang] }, el('table', { id: 'admin-' + k.key },
      el('thead', {}, el('tr', {}, k.columns.map((c) => el('th', { scope: 'col' }, fieldName(c))), el('th', {}, ''))),
      el('tbody', {}, records[k.key].map((rec) => el('tr', { 'data-id': rec.id || '' },
        k.columns.map((c) => el('td', {}, adminValue(k, rec, c))),
        el('td', {}, k.update && rec.id ? el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action',
          onclick: () => openAdminForm(k, rec) }, t('edit')) : null)))))),
    el('p', {}, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'new-' + k.key,
      onclick: () => openAdminForm(k, null) }, t('newRecord'))),
    el('div', { id: 'admin-form-' + k.key }),
  ]));
}

function adminInput(name, type, value, kind) {
  const id = 'a-' + name;
  const cls = 'utrecht-textbox utrecht-textbox--html-input';
  if (type === 'bool') return el('input', { id, name, type: 'checkbox', class: 'utrecht-checkbox utrecht-checkbox--html-input', checked: !!value });
  if (type === 'textarea') { const e = el('textarea', { id, name, rows: 2, class: 'utrecht-textarea utrecht-textarea--html-textarea' }); e.value = value ?? ''; return e; }
  if (Array.isArray(type) || type === 'organization' || type === 'municipality') {
    const d = state.admin;
    const options = Array.isArray(type) ? type.map((v) => [v, valueName(kind, name, v)])
      : [['', '—'], ...d.organizations.filter((o) => type === 'organization' || o.kind === 'MUNICIPALITY').map((o) => [o.id, `${o.name} (${o.code})`])];
    const e = el('select', { id, name, class: 'utrecht-select utrecht-select--html-select' }, options.map(([v, l]) => el('option', { value: v }, l)));
    e.value = value ?? options[0][0];
    return e;
  }
  const e = el('input', { id, name, class: cls, type: type === 'date' ? 'date' : 'text', inputmode: type === 'int' || type === 'float' ? 'decimal' : null });
  e.value = value ?? '';
  return e;
}

function openAdminForm(kind, rec) {
  for (const k of ADMIN_KINDS) $('admin-form-' + k.key).replaceChildren();
  const current = (name) => {
    if (!rec) return name === 'active' ? true : null;
    if (name === 'parentID') return rec.parent?.id || '';
    if (name === 'municipalityID') return rec.municipality?.id || '';
    return rec[name];
  };
  const form = el('form', { class: 'card form', id: 'admin-form', novalidate: true },
    el('h4', { class: 'utrecht-heading-4' }, `${kind.title[state.lang]}: ${rec ? rec.code || rec.name : t('newRecord')}`),
    el('div', { class: 'form-grid' }, kind.fields.map(([name, type]) => el('div',
      { class: 'utrecht-form-field' + (type === 'bool' ? ' checkbox' : ''), 'data-field': name },
      type === 'bool' ? [adminInput(name, type, current(name), kind), el('label', { class: 'utrecht-form-label', for: 'a-' + name }, fieldName(name))]
        : [el('label', { class: 'utrecht-form-label', for: 'a-' + name }, fieldName(name)), adminInput(name, type, current(name), kind)]))),
    el('p', { class: 'form-error', role: 'alert' }),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action', id: 'admin-save' }, t('save')),
      el('button', { type: 'button', class: 'utrecht-button utrecht-button--subtle', onclick: () => form.remove() }, t('cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const input = {};
    const local = [];
    for (const [name, type] of kind.fields) {
      const e = form.elements[name];
      let v = type === 'bool' ? e.checked : e.value.trim();
      if (type === 'int' || type === 'float') {
        if (v === '') continue;
        v = Number(v.replace(',', '.'));
        if (!Number.isFinite(v) || (type === 'int' && !Number.isInteger(v))) { local.push({ field: name, reason: 'format', message: 'not a number' }); continue; }
      }
      if (v === '' && rec) {
        if (name === 'parentID' && rec.parent) input.clearParent = true;
        continue;
      }
      if (v === '') continue;
      if (rec && v === current(name)) continue;
      input[name] = v;
    }
    if (local.length) { showErrors(form, local); return; }
    const mutation = rec
      ? `mutation($id: ID!, $input: ${kind.update[0].toUpperCase() + kind.update.slice(1)}Input!) { ${kind.update}(id: $id, input: $input) { id } }`
      : `mutation($input: ${kind.create[0].toUpperCase() + kind.create.slice(1)}Input!) { ${kind.create}(input: $input) { id } }`;
    if (!await send(form, mutation, rec ? { id: rec.id, input } : { input }, { forbidden: 'forbiddenAdmin' })) return;
    await openAdmin();
    say(t('saved'), 'saved');
  });
  $('admin-form-' + kind.key).replaceChildren(form);
  form.querySelector('input, select, textarea').focus();
}

// ---- The answer base: look-up, writing and reviewing, call-back requests ----

// The channels, organizations and products the answer forms offer, read once.
async function loadRefs() {
  if (state.refs) return state.refs;
  const products = [];
  let after = null;
  let d;
  for (;;) {
    d = await read(`query Refs($after: Cursor) {
      channels { code name nameEn }
      organizations { code name }
      products(first: 200, after: $after, orderBy: {field: NAME, direction: ASC}) { pageInfo { hasNextPage endCursor } edges { node { slug name } } }
    }`, { after });
    products.push(...d.products.edges.map((e) => e.node));
    if (!d.products.pageInfo.hasNextPage) break;
    after = d.products.pageInfo.endCursor;
  }
  state.refs = { channels: d.channels, organizations: d.organizations, products };
  return state.refs;
}

function renderAnswerFilters() {
  if (!state.refs) return;
  fill('q-channel', [['', t('allChannels')], ...state.refs.channels.map((c) => [c.code, channelName(c)])]);
}

async function openAnswers() {
  showOnly('answers');
  say(t('loading'));
  await loadRefs();
  renderAnswerFilters();
  const h = decodeURIComponent(location.hash.slice(1));
  if (h.startsWith('antwoorden/')) {
    const d = await read('query One($id: ID!) { node(id: $id) { ... on Answer { ...A } } }', { id: h.slice('antwoorden/'.length) });
    if (d.node) openAnswerForm(d.node);
  }
  await searchAnswers();
  say('');
}

// searchAnswers asks the API and shows the hits in its order: best match first.
async function searchAnswers() {
  const search = $('q-search').value.trim();
  const channel = $('q-channel').value;
  const r = await gql(`query Look($search: String, $channel: String) {
    answers(search: $search, channel: $channel, first: 20) { totalCount edges { channelText variant { channel } node { ...A } } }
  }`, { search: search || null, channel: channel || null });
  if (r.errors.length) {
    state.hits = [];
    state.hitTotal = 0;
    $('answer-results').replaceChildren();
    $('answer-count').textContent = r.errors[0].extensions?.code === 'BAD_USER_INPUT' ? t('searchWords') : r.errors[0].message;
    return;
  }
  state.hits = r.data.answers.edges;
  state.hitTotal = r.data.answers.totalCount;
  state.hitChannel = channel;
  state.hitSearch = search;
  renderAnswers();
}

function renderAnswers() {
  if (!state.hits) return;
  const count = $('answer-count');
  count.textContent = state.hits.length ? t('found', state.hitTotal) : t('noneFound');
  count.dataset.count = String(state.hitTotal);
  // What the results were asked with, for whoever waits for them (the tests).
  $('answer-results').dataset.search = state.hitSearch;
  $('answer-results').dataset.channel = state.hitChannel;
  $('answer-results').replaceChildren(...state.hits.map((h) => el('li', {}, answerCard(h.node, { chosen: state.hitChannel, editable: true }))));
}

const allChannels = () => state.refs?.channels || state.channels || [];

// answerCard shows an answer with its main text and, beside it, every
// channel's wording: the channel's variant, or a note that it uses the main
// answer. The channel asked for, if any, is marked.
function answerCard(a, { chosen = '', editable = false } = {}) {
  const channels = allChannels();
  const known = new Set(channels.map((c) => c.code));
  const by = new Map((a.variants || []).map((v) => [v.channel, v.text]));
  const rows = [...channels.map((c) => [c.code, channelName(c)]),
    ...(a.variants || []).filter((v) => !known.has(v.channel)).map((v) => [v.channel, v.channel])];
  return el('article', { class: 'answer-card', 'data-id': a.id },
    el('h3', { class: 'utrecht-heading-3' }, a.question),
    el('p', { class: 'answer-meta' },
      el('span', { class: 'pill vis-' + a.visibility, 'data-visibility': a.visibility }, t('visibilities')[a.visibility]), ' ',
      el('span', { class: 'pill', 'data-status': a.status }, t('answerStatuses')[a.status]), ' ',
      a.status === 'PUBLISHED' ? el('span', { class: a.current ? 'saved' : 'overdue' }, a.current ? t('current') : t('notCurrent')) : null,
      ` · ${t('reviewDue')}: `, el('span', { class: 'review-due', 'data-date': a.reviewDue }, date(a.reviewDue)),
      ` · ${t('owner')}: ${a.owner.name}`,
      a.products?.length ? [` · ${t('forProducts')}: `, a.products.map((p, i) => [i ? ', ' : '',
        el('a', { class: 'utrecht-link', href: '#product/' + encodeURIComponent(p.slug) }, p.name)])] : null),
    el('div', { class: 'answer-body' },
      el('section', { class: 'answer-main' }, el('h4', { class: 'utrecht-heading-4' }, t('mainAnswer')),
        el('p', { class: 'utrecht-paragraph answer-text' }, a.text)),
      el('section', { class: 'answer-variants' }, el('h4', { class: 'utrecht-heading-4' }, t('variantsTitle')),
        // The channels with their own wording (and the one asked for) each
        // get a block; the others are named on one line, so that the
        // wordings that differ stand out.
        el('dl', {}, rows.filter(([code]) => by.has(code) || code === chosen).map(([code, name]) => el('div',
          { class: 'variant' + (code === chosen ? ' chosen' : ''), 'data-variant': code, 'data-own': by.has(code) ? 'true' : 'false' },
          el('dt', {}, name),
          el('dd', {}, by.has(code) ? by.get(code) : el('em', {}, t('usesMain')))))),
        rows.some(([code]) => !by.has(code) && code !== chosen) ? el('p', { class: 'uses-main' },
          `${t('usesMainList')}: `, rows.filter(([code]) => !by.has(code) && code !== chosen).map(([code, name], i) => [i ? ', ' : '',
            el('span', { 'data-variant': code, 'data-own': 'false' }, name)])) : null)),
    editable ? el('p', {}, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'edit-answer-' + a.id,
      onclick: () => openAnswerForm(a) }, t('edit'))) : null);
}

function renderProductAnswers() {
  const list = state.product?.answers || [];
  $('product-answers').replaceChildren(list.length
    ? el('ul', { class: 'answers', id: 'product-answer-list' }, list.map((a) => el('li', {}, answerCard(a),
      el('p', {}, el('a', { class: 'utrecht-link', href: '#antwoorden/' + encodeURIComponent(a.id) }, t('editAnswer'))))))
    : el('p', { class: 'utrecht-paragraph' }, t('noAnswers')));
}

function field(name, label, input, wide = false) {
  return el('div', { class: 'utrecht-form-field' + (wide ? ' wide' : ''), 'data-field': name },
    el('label', { class: 'utrecht-form-label', for: input.id }, label), input);
}
const textbox = (id, value = '', attrs = {}) => { const e = el('input', { id, class: 'utrecht-textbox utrecht-textbox--html-input', ...attrs }); e.value = value; return e; };
const textarea = (id, value = '', rows = 3) => { const e = el('textarea', { id, rows, class: 'utrecht-textarea utrecht-textarea--html-textarea' }); e.value = value; return e; };
const select = (id, options, value, attrs = {}) => {
  const e = el('select', { id, class: 'utrecht-select utrecht-select--html-select', ...attrs },
    options.map(([v, l]) => el('option', { value: v, selected: Array.isArray(value) ? value.includes(v) : null }, l)));
  if (!Array.isArray(value) && value !== undefined) e.value = value;
  return e;
};
const words = (s) => s.split(',').map((w) => w.trim()).filter(Boolean);

// openAnswerForm writes a new answer (a = null) or changes one. Only editors
// of the owning organization may; the API says so when not.
function openAnswerForm(a) {
  $('callback-filer').replaceChildren();
  // The answer as this form shows it: its version goes with every save.
  state.answer = a;
  state.pending = null;
  closeConflict();
  const refs = state.refs;
  const mine = state.session.organization;
  const variants = new Map((a?.variants || []).map((v) => [v.channel, v.text]));
  const form = el('form', { class: 'card form', id: 'answer-form', novalidate: true, 'data-id': a?.id || '', 'data-version': a?.version || '' },
    el('h3', { class: 'utrecht-heading-3' }, a ? t('editAnswer') : t('newAnswer')),
    el('div', { class: 'form-grid' },
      field('question', t('answerQuestion'), textarea('ae-question', a?.question, 2), true),
      field('text', t('answerText'), textarea('ae-text', a?.text, 4), true),
      el('fieldset', { class: 'utrecht-form-fieldset wide' },
        el('legend', { class: 'utrecht-form-fieldset__legend' }, t('variantsTitle')),
        el('p', { class: 'utrecht-paragraph' }, t('variantsLead')),
        el('div', { class: 'form-grid' }, refs.channels.map((c) => field('variant-' + c.code, channelName(c),
          textarea('ae-v-' + c.code, variants.get(c.code) || '', 2))))),
      field('visibility', t('visibility'), select('ae-visibility', Object.entries(t('visibilities')), a?.visibility || 'PUBLIC')),
      a ? null : field('status', t('productStatus'), select('ae-status', [['DRAFT', t('answerStatuses').DRAFT], ['PUBLISHED', t('answerStatuses').PUBLISHED]], 'DRAFT')),
      field('owner', t('owner'), select('ae-owner', refs.organizations.map((o) => [o.code, o.name]), a?.owner.code || mine || refs.organizations[0]?.code)),
      field('reviewIntervalDays', t('reviewInterval'), textbox('ae-interval', String(a?.reviewIntervalDays || 365), { inputmode: 'numeric' })),
      field('keywords', t('keywords'), textbox('ae-keywords', (a?.keywords || []).join(', ')), true),
      field('products', t('products'), select('ae-products', refs.products.map((p) => [p.slug, p.name]), (a?.products || []).map((p) => p.slug),
        { multiple: true, size: 6 }), true),
      a ? el('div', { class: 'utrecht-form-field checkbox', 'data-field': 'reviewed' },
        el('input', { type: 'checkbox', id: 'ae-reviewed', class: 'utrecht-checkbox utrecht-checkbox--html-input' }),
        el('label', { class: 'utrecht-form-label utrecht-form-label--checkbox', for: 'ae-reviewed' }, t('markReviewed'))) : null),
    el('p', { class: 'form-error', id: 'answer-error', role: 'alert' }),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action', id: 'answer-save' }, t('save')),
      a ? [
        el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'answer-reviewed',
          onclick: () => saveAnswer(form, a, { id: a.id, reviewed: true }) }, t('markReviewed')),
        a.status !== 'PUBLISHED' ? el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'answer-publish',
          onclick: () => saveAnswer(form, a, { id: a.id, status: 'PUBLISHED' }) }, t('publish')) : null,
        a.status !== 'ARCHIVED' ? el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'answer-archive',
          onclick: () => saveAnswer(form, a, { id: a.id, status: 'ARCHIVED' }) }, t('archive')) : null] : null,
      el('button', { type: 'button', class: 'utrecht-button utrecht-button--subtle', onclick: () => form.remove() }, t('cancel'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = answerInput(form, a);
    if (input) saveAnswer(form, a, input);
  });
  $('answer-editor').replaceChildren(form);
  form.scrollIntoView();
  $('ae-question').focus();
}

// answerInput reads the form; variants go in the channels' order, only
// those with a text, so that variants[i] in an error names a channel.
function answerInput(form, a) {
  clearErrors(form);
  const interval = $('ae-interval').value.trim();
  const days = Number(interval);
  if (interval !== '' && (!Number.isInteger(days) || days < 1)) {
    showErrors(form, [{ field: 'reviewIntervalDays', reason: 'format', message: 'a whole number of days' }]);
    return null;
  }
  const input = {
    question: $('ae-question').value.trim(), text: $('ae-text').value.trim(),
    variants: state.refs.channels.map((c) => ({ channel: c.code, text: $('ae-v-' + c.code).value.trim() })).filter((v) => v.text),
    visibility: $('ae-visibility').value, keywords: words($('ae-keywords').value),
    products: [...$('ae-products').selectedOptions].map((o) => o.value).sort(),
    reviewIntervalDays: interval === '' ? null : days,
  };
  if (!a) return { ...input, owner: $('ae-owner').value, status: $('ae-status').value };
  // Only what the editor changed is sent, so that redoing it after a
  // conflict leaves a colleague's changes to other fields standing.
  const was = answerFields(a);
  const changed = { id: a.id };
  for (const [k, v] of Object.entries(input)) if (JSON.stringify(v) !== JSON.stringify(was[k])) changed[k] = v;
  if ($('ae-owner').value !== a.owner.code) changed.owner = $('ae-owner').value;
  if ($('ae-reviewed').checked) changed.reviewed = true;
  return changed;
}

// answerFields is an answer as answerInput reads the form, to compare with.
function answerFields(a) {
  const order = state.refs.channels.map((c) => c.code);
  const at = (code) => (order.includes(code) ? order.indexOf(code) : order.length);
  return {
    question: a.question, text: a.text,
    variants: (a.variants || []).map((v) => ({ channel: v.channel, text: v.text })).sort((x, y) => at(x.channel) - at(y.channel)),
    visibility: a.visibility, keywords: a.keywords || [], products: (a.products || []).map((p) => p.slug).sort(),
    reviewIntervalDays: a.reviewIntervalDays,
  };
}

// The answer's fields for people, in the conflict box.
const ANSWER_FIELDS = {
  nl: { question: 'Vraag', text: 'Antwoord', visibility: 'Zichtbaarheid', status: 'Status', keywords: 'Trefwoorden',
    reviewIntervalDays: 'Herzien na (dagen)', lastReviewed: 'Laatst bekeken', owner: 'Eigenaar', products: 'Producten' },
  en: { question: 'Question', text: 'Answer', visibility: 'Visibility', status: 'Status', keywords: 'Keywords',
    reviewIntervalDays: 'Review after (days)', lastReviewed: 'Last reviewed', owner: 'Owner', products: 'Products' },
};

// answerChanges lists what differs between two states of an answer in the
// shape the history's fields have (a label and the values in words), for the
// conflict box.
function answerChanges(was, now) {
  const fields = [];
  const words = { visibility: t('visibilities'), status: t('answerStatuses') };
  const text = (field, v) => {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return null;
    if (Array.isArray(v)) return v.join(', ');
    if (field === 'lastReviewed') return date(v);
    return words[field]?.[v] ?? String(v);
  };
  const add = (field, old, neu) => {
    if (JSON.stringify(old) === JSON.stringify(neu)) return;
    const label = ANSWER_FIELDS[state.lang][field] || field;
    const o = text(field, old), n = text(field, neu);
    fields.push({ field, label, labelEn: label, oldText: o, newText: n, oldTextEn: o, newTextEn: n });
  };
  const a = answerFields(was), b = answerFields(now);
  for (const k of ['question', 'text', 'visibility', 'status', 'keywords', 'reviewIntervalDays', 'lastReviewed']) add(k, k in a ? a[k] : was[k], k in b ? b[k] : now[k]);
  add('owner', was.owner.name, now.owner.name);
  add('products', (was.products || []).map((p) => p.name), (now.products || []).map((p) => p.name));
  const by = (x) => new Map(x.variants.map((v) => [v.channel, v.text]));
  const va = by(a), vb = by(b);
  for (const c of allChannels()) add(`${t('variantsTitle')}: ${channelName(c)}`, va.get(c.code), vb.get(c.code));
  return fields;
}

// The answer open in its form (see PRODUCT).
const ANSWER = {
  title: 'conflictTitleAnswer', lead: 'conflictLeadAnswer',
  version: () => state.answer.version,
  async saved(data) {
    openAnswerForm(data.updateAnswer);
    $('answer-form').dataset.saved = 'true';
    await searchAnswers();
  },
  // The answer as a colleague saved it, compared with the one this form
  // was opened with; the form keeps what the editor typed.
  async between() {
    const d = await read('query One($id: ID!) { node(id: $id) { ... on Answer { ...A } } }', { id: state.answer.id });
    if (!d.node) return [];
    const was = state.answer;
    state.answer = d.node;
    return [{ id: 'answer-' + d.node.version, at: d.node.updatedAt, fields: answerChanges(was, d.node) }];
  },
  seen() {},
  async dropped() { openAnswerForm(state.answer); },
  place: (box) => $('answer-editor').before(box),
  refusal: { fieldCodes: ['BAD_USER_INPUT', 'NOT_FOUND'], forbidden: 'forbiddenAnswer' },
};

async function saveAnswer(form, a, input) {
  clearErrors(form);
  say('');
  // variants[i] is the i-th variant sent: the page shows it beside that channel's field.
  const rename = (f) => {
    const m = /^variants\[(\d+)\]\.(text|channel)$/.exec(f || '');
    return m && input.variants?.[m[1]] ? 'variant-' + input.variants[m[1]].channel : f;
  };
  if (a) {
    if (Object.keys(input).length === 1) {
      say(t('nothingChanged'));
      return;
    }
    await save(form, { mutation: M.updateAnswer, input, refusal: { rename } }, ANSWER);
    return;
  }
  const d = await send(form, M.createAnswer, { input }, { ...ANSWER.refusal, rename });
  if (!d) return;
  openAnswerForm(d.createAnswer);
  $('answer-form').dataset.saved = 'true';
  say(t('saved'), 'saved');
  await searchAnswers();
}

// openCallbackForm files a question the base does not answer; it is routed
// to the queue of the organization that owns the product.
function openCallbackForm() {
  $('answer-editor').replaceChildren();
  const refs = state.refs;
  const channels = refs.channels.map((c) => [c.code, channelName(c)]);
  const from = $('q-channel').value || channels[0]?.[0];
  const form = el('form', { class: 'card form', id: 'callback-form', novalidate: true },
    el('h3', { class: 'utrecht-heading-3' }, t('fileCallback')),
    el('p', { class: 'utrecht-paragraph' }, t('cbPrivacy')),
    el('div', { class: 'form-grid' },
      field('product', t('cbProduct'), select('cf-product', [['', '—'], ...refs.products.map((p) => [p.slug, p.name])], '')),
      field('question', t('cbQuestion'), textarea('cf-question', $('q-search').value.trim(), 2), true),
      field('channel', t('cbChannel'), select('cf-channel', channels, from)),
      field('replyChannel', t('cbReply'), select('cf-reply', channels, from)),
      field('contactName', t('cbName'), textbox('cf-name', '', { autocomplete: 'off' })),
      field('contact', t('cbContact'), textbox('cf-contact', '', { autocomplete: 'off' }))),
    el('p', { class: 'form-error', role: 'alert' }),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action', id: 'callback-send' }, t('send')),
      el('button', { type: 'button', class: 'utrecht-button utrecht-button--subtle', onclick: () => form.remove() }, t('cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const product = $('cf-product').value;
    if (!product) { showErrors(form, [{ field: 'product', reason: 'not_found', message: 'choose a product' }]); return; }
    const input = { product, question: $('cf-question').value.trim(), channel: $('cf-channel').value, replyChannel: $('cf-reply').value,
      contactName: orNull($('cf-name').value), contact: orNull($('cf-contact').value) };
    const d = await send(form, 'mutation File($input: CreateCallbackRequestInput!) { createCallbackRequest(input: $input) { id organization { name } } }',
      { input }, { fieldCodes: ['BAD_USER_INPUT', 'NOT_FOUND'] });
    if (!d) return;
    const filed = d.createCallbackRequest;
    $('callback-filer').replaceChildren(el('p', { class: 'saved', id: 'callback-filed', 'data-id': filed.id }, t('cbFiled', filed.organization.name), ' ',
      el('a', { class: 'utrecht-link', href: '#terugbellen' }, t('callbacks'))));
  });
  $('callback-filer').replaceChildren(form);
  $('cf-product').focus();
}

// ---- Terugbelverzoeken: the queue of the signed-in person's organization ----

function renderCallbackFilters() {
  fill('cb-status', [['', `${t('callbackStatuses').OPEN} + ${t('callbackStatuses').ASSIGNED}`],
    ...['OPEN', 'ASSIGNED', 'CLOSED'].map((s) => [s, t('callbackStatuses')[s]])]);
}

async function openCallbacks() {
  showOnly('callbacks');
  say(t('loading'));
  if (!$('cb-status').options.length) renderCallbackFilters();
  await loadCallbacks();
  say('');
}

// loadCallbacks reads the queue: by default what is still open (OPEN and
// ASSIGNED), oldest first as the API gives it.
async function loadCallbacks() {
  const status = $('cb-status').value;
  const statuses = status ? [status] : ['OPEN', 'ASSIGNED'];
  const pages = await Promise.all(statuses.map((s) => read(`query Queue($org: String, $status: CallbackRequestStatus) {
    callbackRequests(organization: $org, status: $status, first: 200) { totalCount edges { node { ...R } } }
  }`, { org: state.session.organization || null, status: s })));
  state.callbacks = pages.flatMap((p) => p.callbackRequests.edges.map((e) => e.node))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || Number(a.id) - Number(b.id));
  renderCallbacks();
}

function renderCallbacks() {
  const list = state.callbacks;
  if (!list) return;
  if (!list.length) {
    $('callback-queue').replaceChildren(el('p', { class: 'utrecht-paragraph', id: 'callback-empty' }, t('noCallbacks')));
    return;
  }
  const heads = [t('age'), t('productStatus'), t('product'), t('questionHead'), t('channelIn'), t('replyOn'), t('contact'), t('assignee'), ''];
  $('callback-queue').replaceChildren(el('table', { id: 'callback-table' },
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, list.map((r) => el('tr', { 'data-id': r.id, 'data-status': r.status },
      el('td', { 'data-hours': r.ageHours }, t('hours', r.ageHours)),
      el('td', {}, el('span', { class: 'pill' }, t('callbackStatuses')[r.status])),
      el('td', {}, el('a', { class: 'utrecht-link', href: '#product/' + encodeURIComponent(r.product.slug) }, r.product.name)),
      el('td', {}, r.question, r.answer ? el('div', {}, `${t('settledBy')}: ${r.answer.question}`) : null),
      el('td', {}, channelName(r.channel)),
      el('td', {}, channelName(r.replyChannel)),
      el('td', {}, [r.contactName, r.contact].filter(Boolean).join(' · ')),
      el('td', {}, r.assignee || ''),
      el('td', {}, r.status === 'CLOSED' ? null : callbackActions(r)))))));
}

function callbackActions(r) {
  const err = el('p', { class: 'form-error', role: 'alert' });
  const who = textbox('cb-assignee-' + r.id, r.assignee || state.session.name, { 'aria-label': t('assignee') });
  const answer = select('cb-answer-' + r.id, [['', t('noAnswer')],
    ...(r.product.answers || []).filter((a) => a.status === 'PUBLISHED').map((a) => [a.id, a.question])], '', { 'aria-label': t('settledBy') });
  const act = async (mutation, vars) => {
    err.textContent = '';
    let res;
    try {
      res = await gql(mutation, vars);
    } catch (e) {
      fail(e);
      return;
    }
    if (res.errors.length) {
      err.textContent = res.errors[0].extensions?.code === 'FORBIDDEN' ? t('forbiddenCallback') : messageFor(res.errors[0]);
      return;
    }
    await loadCallbacks();
    say(t('saved'), 'saved');
  };
  return el('div', { class: 'callback-actions' },
    el('div', { class: 'inline' }, who, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'assign-' + r.id,
      onclick: () => act('mutation Assign($id: ID!, $who: String!) { assignCallbackRequest(id: $id, assignee: $who) { id } }',
        { id: r.id, who: who.value.trim() }) }, t('assign'))),
    el('div', { class: 'inline' }, answer, el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', id: 'close-' + r.id,
      onclick: () => act('mutation Close($id: ID!, $answer: ID) { closeCallbackRequest(id: $id, answer: $answer) { id } }',
        { id: r.id, answer: answer.value || null }) }, t('close'))),
    err);
}

// ---- The end of a session: a warning, and unsaved edits kept ----
// A few minutes before the session ends the page says so; when it has ended
// (or the server refuses it), what the editor typed and had not saved is
// kept in sessionStorage, with the address, and put back into the same
// form after signing in again. Only the product's forms and the channel
// form are put back: the ones that are open again after the page returns.

const DRAFT = 'catalogus-draft';
const WARN_BEFORE = 5 * 60 * 1000;

function keepDraft() {
  const fields = {};
  for (const f of document.querySelectorAll('main form:not([hidden]) :is(input, select, textarea)[id]')) {
    if (f.type === 'hidden' || f.type === 'submit' || f.closest('[hidden]')) continue;
    fields[f.id] = f.type === 'checkbox' ? f.checked : f.multiple ? [...f.selectedOptions].map((o) => o.value) : f.value;
  }
  if (!Object.keys(fields).length) return false;
  sessionStorage.setItem(DRAFT, JSON.stringify({ hash: location.hash, cell: $('cell-form').hidden ? null : state.cell, fields, at: Date.now() }));
  return true;
}

function restoreDraft() {
  const raw = sessionStorage.getItem(DRAFT);
  if (!raw) return;
  sessionStorage.removeItem(DRAFT);
  const d = JSON.parse(raw);
  if (d.hash !== location.hash || Date.now() - d.at > 12 * 3600 * 1000) return;
  if (d.cell && state.product) openCell(d.cell);
  let put = 0;
  for (const [id, v] of Object.entries(d.fields)) {
    const f = $(id);
    if (!f || f.closest('[hidden]')) continue;
    if (f.type === 'checkbox') f.checked = v;
    else if (f.multiple) for (const o of f.options) o.selected = v.includes(o.value);
    else f.value = v;
    f.dispatchEvent(new Event('change'));
    put++;
  }
  if (put) say(t('draftRestored'));
}

function watchSessionEnd() {
  const end = new Date(state.session.expires).getTime();
  let warned = false;
  const check = () => {
    if (!state.session) { clearInterval(timer); return; }
    const left = end - Date.now();
    if (left <= 0) {
      clearInterval(timer);
      state.session = null;
      $('session-ending')?.remove();
      showSignedOut(keepDraft() ? t('sessionOverKept') : t('sessionOver'));
    } else if (left <= WARN_BEFORE && !warned) {
      warned = true;
      const again = el('a', { class: 'utrecht-link', href: '/beheer/login?next=' + encodeURIComponent('/beheer/' + location.hash) }, t('signInAgain'));
      again.addEventListener('click', () => { keepDraft(); });
      $('main').prepend(el('p', { id: 'session-ending', class: 'status form-error', role: 'alert' }, t('sessionEnding', dateTime(new Date(end).toISOString())), ' ', again));
    }
  };
  const timer = setInterval(check, 15000);
  document.addEventListener('visibilitychange', check);
  check();
}

// ---- Wiring ----

function wire() {
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'nl' ? 'en' : 'nl';
    localStorage.setItem('catalogus-lang', state.lang);
    renderTexts();
    if (state.session) {
      renderWho();
      if (!$('list').hidden) { renderFilters(); renderList(); renderDue(); }
      if (!$('product').hidden) renderProduct();
      if (!$('admin').hidden) renderAdmin();
      if (!$('answers').hidden) { renderAnswerFilters(); renderAnswers(); }
      if (!$('callbacks').hidden) { renderCallbackFilters(); renderCallbacks(); }
    }
  });
  for (const id of ['f-status', 'f-theme', 'f-gap']) $(id).addEventListener('change', renderList);
  $('f-search').addEventListener('input', renderList);
  $('p-summary').addEventListener('input', () => checkPlain('p-summary'));
  $('p-description').addEventListener('input', () => checkPlain('p-description'));
  window.addEventListener('hashchange', route);
  $('c-status').addEventListener('change', showStatusFields);
  $('cell-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = $('cell-form');
    const { input, errors } = cellInput();
    clearErrors(form);
    if (errors.length) { showErrors(form, errors); return; }
    if (await save(form, { mutation: M.setAvailability, input })) closeCell();
  });
  $('cell-clear').addEventListener('click', async () => {
    const form = $('cell-form');
    if (await save(form, { mutation: M.clearAvailability, input: { product: state.product.slug, channel: state.cell } })) closeCell();
  });
  $('cell-cancel').addEventListener('click', closeCell);
  $('product-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = productInput();
    if (Object.keys(input).length === 1) {
      clearErrors($('product-form'));
      say(t('nothingChanged'));
      return;
    }
    await save($('product-form'), { mutation: M.updateProduct, input, refill: true });
  });
  $('product-publish').addEventListener('click', askPublish);
  $('publish-force').addEventListener('click', () => publish(true));
  $('publish-cancel').addEventListener('click', () => { $('publish-confirm').hidden = true; $('product-publish').focus(); });
  $('test-form').addEventListener('submit', saveTest);
  $('product-retire').addEventListener('click', () => save($('product-form'), { mutation: M.retireProduct, input: { product: state.product.slug } }));
  $('conflict-redo').addEventListener('click', redo);
  $('conflict-drop').addEventListener('click', drop);
  $('answer-search').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await searchAnswers();
    } catch (e) {
      fail(e);
    }
  });
  // The forms list the channels, organizations and products: read them first,
  // in case the button is pressed before the page has (a slow connection).
  $('answer-new').addEventListener('click', async () => { await loadRefs(); openAnswerForm(null); });
  $('callback-new').addEventListener('click', async () => { await loadRefs(); openCallbackForm(); });
  $('cb-status').addEventListener('change', () => loadCallbacks().catch(fail));
}

async function main() {
  renderTexts();
  wire();
  let how;
  try {
    how = await loadSession();
  } catch (e) {
    say(t('failed') + e.message, 'form-error');
    return;
  }
  if (how === 'unconfigured') {
    showSignedOut(t('notConfigured'));
    $('sign-in').hidden = true;
  } else if (how === 'signed-out') {
    showSignedOut(state.providerProblem ? state.providerProblem.message : (location.search.includes('afgemeld') ? t('signedOut') : ''));
  } else {
    renderWho();
    await route();
    restoreDraft();
    watchSessionEnd();
  }
  document.body.dataset.ready = 'true';
}

main();
