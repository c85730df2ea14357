// Validates a CPSV-AP JSON-LD document against SHACL shapes in Turtle with
// rdf-validate-shacl, an independent SHACL engine: the document is turned
// into RDF by jsonld (the JSON-LD reference processor), the shapes are read
// by N3, and every violation is printed. Exit status 1 on any violation.
//
//   node validate.mjs SHAPES.ttl EXPORT.jsonld
//   node validate.mjs --self-test SHAPES.ttl EXPORT.jsonld
//
// --self-test first breaks copies of the document on purpose (a processing
// time in weeks, a service without a name, a cost without a value) and fails
// unless the engine reports each of them: a check that passes everything
// would otherwise look the same as a document that conforms.
import { readFile } from 'node:fs/promises'
import rdf from '@zazuko/env'
import jsonld from 'jsonld'
import { Parser } from 'n3'
import SHACLValidator from 'rdf-validate-shacl'

const args = process.argv.slice(2)
const selfTest = args[0] === '--self-test'
if (selfTest) args.shift()
if (args.length !== 2) {
  console.error('usage: node validate.mjs [--self-test] SHAPES.ttl EXPORT.jsonld')
  process.exit(2)
}
const [shapesFile, dataFile] = args

// Nothing is fetched: the export's @context is inline, and any remote
// context would be a mistake in the document.
const noFetch = async (url) => { throw new Error(`the document refers to ${url}; the export must be self-contained`) }

function parse(text, format) {
  const ds = rdf.dataset()
  for (const q of new Parser({ format }).parse(text)) {
    ds.add(rdf.quad(q.subject, q.predicate, q.object))
  }
  return ds
}

async function toDataset(doc) {
  const nquads = await jsonld.toRDF(doc, { format: 'application/n-quads', documentLoader: noFetch, safe: true })
  return parse(nquads, 'N-Quads')
}

const short = (t) => (t ? t.value.replace(/^.*[#/]/, '') : '')

async function validate(validator, doc) {
  const report = await validator.validate(await toDataset(doc))
  return report.results.map((r) => ({
    focus: r.focusNode?.value, path: short(r.path), constraint: short(r.sourceConstraintComponent),
    value: r.value?.value, message: r.message.map((m) => m.value).join(' '),
  }))
}

const shapes = parse(await readFile(shapesFile, 'utf8'), 'Turtle')
const validator = new SHACLValidator(shapes, { factory: rdf })
const doc = JSON.parse(await readFile(dataFile, 'utf8'))
const services = doc['@graph'].filter((n) => n['@type'] === 'PublicService')

if (selfTest) {
  const breaks = [
    ['a processing time in weeks', 'processingTime', (d) => {
      const ch = d['@graph'].find((n) => n.hasChannel?.some((c) => c.processingTime)).hasChannel.find((c) => c.processingTime)
      ch.processingTime = 'P2W'
    }],
    ['a public service without a name', 'title', (d) => { delete d['@graph'].find((n) => n['@type'] === 'PublicService').name }],
    ['a public service without a competent authority', 'hasCompetentAuthority', (d) => {
      delete d['@graph'].find((n) => n['@type'] === 'PublicService').hasCompetentAuthority
    }],
  ]
  for (const [what, path, breakIt] of breaks) {
    const broken = structuredClone(doc)
    breakIt(broken)
    const found = await validate(validator, broken)
    if (!found.some((v) => v.path === path)) {
      console.error(`self-test: ${what} passed the SHACL check (${found.length} other violations)`)
      process.exit(1)
    }
    console.log(`self-test: ${what} is reported (${path})`)
  }
}

const violations = await validate(validator, doc)
for (const v of violations) {
  console.log(`${v.focus} ${v.path}: ${v.constraint}${v.value !== undefined ? ` (value ${JSON.stringify(v.value)})` : ''} ${v.message}`)
}
console.log(`${services.length} public services, ${doc['@graph'].length} nodes: ${violations.length} violations of ${shapesFile.replace(/^.*\//, '')}`)
process.exit(violations.length ? 1 : 0)
