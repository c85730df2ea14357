package schema

import "github.com/gemeente-rotterdam/catalogus/internal/rules"

// The rule hooks the entities install (in their Hooks, before the change
// log's), named here; what they do lives in internal/rules, so that the
// schema stays a declaration. internal/rules may import the generated ent
// packages: the generated runtime, which imports this package, is a package
// of its own (ent/runtime), so no import runs in a circle.
var (
	productRules            = rules.Product
	availabilityRules       = rules.Availability
	organizationRules       = rules.Organization
	targetRules             = rules.Target
	answerRules             = rules.Answer
	callbackRules           = rules.CallbackRequest
	measurementRules        = rules.Measurement
	satisfactionTargetRules = rules.SatisfactionTarget
	synonymRules            = rules.Synonym
	residentTestRules       = rules.ResidentTest
)
