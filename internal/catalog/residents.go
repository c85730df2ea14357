package catalog

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ResidentGroup is a group of residents a test with residents reached: the
// groups the plan names as the ones the city's services must also work for.
type ResidentGroup string

// The groups a test can reach.
const (
	GroupYoungPeople          ResidentGroup = "YOUNG_PEOPLE"
	GroupLimitedDigitalSkills ResidentGroup = "LIMITED_DIGITAL_SKILLS"
	GroupLanguageDifficulty   ResidentGroup = "LANGUAGE_DIFFICULTY"
)

// ResidentGroups lists every group in display order.
var ResidentGroups = []ResidentGroup{GroupYoungPeople, GroupLimitedDigitalSkills, GroupLanguageDifficulty}

// Valid reports whether g is one of the known groups.
func (g ResidentGroup) Valid() bool {
	for _, v := range ResidentGroups {
		if g == v {
			return true
		}
	}
	return false
}

// MarshalGQL writes the group as a GraphQL enum value.
func (g ResidentGroup) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(g)))
}

// UnmarshalGQL reads a GraphQL enum value.
func (g *ResidentGroup) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("a group must be a string, got %T", v)
	}
	if !ResidentGroup(s).Valid() {
		return fmt.Errorf("%q is not a group (YOUNG_PEOPLE, LIMITED_DIGITAL_SKILLS or LANGUAGE_DIFFICULTY)", s)
	}
	*g = ResidentGroup(s)
	return nil
}

// FollowUp is an action a test with residents led to: what will be done, who
// does it (a team or role, not a person: the record is public with its
// product), and by when.
type FollowUp struct {
	Action string    `json:"action"`
	Owner  string    `json:"owner"`
	Due    time.Time `json:"due"`
}

// Limits of a test's texts.
const (
	MaxFindingsLength = 5000
	MaxFollowUps      = 20
	MaxFollowUpLength = 500
	MaxFollowUpOwner  = 200
	MaxParticipants   = 100000
)

// CheckResidentTest checks what a product owner records of a test with
// residents. testedOn may not lie after today: a test is recorded once held.
func CheckResidentTest(testedOn, today time.Time, participants int, groups []ResidentGroup, findings string, followUps []FollowUp) error {
	const entity = "residentTest"
	if DateOf(testedOn).After(DateOf(today)) {
		return fieldErr(entity, "testedOn", "future", "the test was held on %s, which is after today: record a test once it has been held", testedOn.Format(time.DateOnly))
	}
	if participants < 1 || participants > MaxParticipants {
		return fieldErr(entity, "participants", "range", "a test has 1 to %d participants, not %d", MaxParticipants, participants)
	}
	seen := map[ResidentGroup]bool{}
	for _, g := range groups {
		if !g.Valid() {
			return fieldErr(entity, "groups", "unknown", "%q is not a group (YOUNG_PEOPLE, LIMITED_DIGITAL_SKILLS or LANGUAGE_DIFFICULTY)", g)
		}
		if seen[g] {
			return fieldErr(entity, "groups", "duplicate", "%s is named twice", g)
		}
		seen[g] = true
	}
	if utf8.RuneCountInString(findings) > MaxFindingsLength {
		return fieldErr(entity, "findings", "length", "the findings are longer than %d characters", MaxFindingsLength)
	}
	if len(followUps) > MaxFollowUps {
		return fieldErr(entity, "followUps", "length", "a test has at most %d follow-up actions, not %d", MaxFollowUps, len(followUps))
	}
	for i, f := range followUps {
		where := fmt.Sprintf("followUps[%d]", i)
		switch {
		case strings.TrimSpace(f.Action) == "":
			return fieldErr(entity, where+".action", "required", "follow-up action %d says nothing: write what will be done", i+1)
		case utf8.RuneCountInString(f.Action) > MaxFollowUpLength:
			return fieldErr(entity, where+".action", "length", "follow-up action %d is longer than %d characters", i+1, MaxFollowUpLength)
		case strings.TrimSpace(f.Owner) == "":
			return fieldErr(entity, where+".owner", "required", "follow-up action %d has no owner: name the team or role that does it", i+1)
		case utf8.RuneCountInString(f.Owner) > MaxFollowUpOwner:
			return fieldErr(entity, where+".owner", "length", "the owner of follow-up action %d is longer than %d characters", i+1, MaxFollowUpOwner)
		case f.Due.IsZero():
			return fieldErr(entity, where+".due", "required", "follow-up action %d has no due date", i+1)
		}
	}
	return nil
}
