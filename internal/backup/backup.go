// Package backup writes the whole catalogue to one JSON file and restores it
// into an empty database.
//
// The file holds the UPL names (which the change log does not cover) and the
// complete change log. Restoring replays the log through the history
// importer — the one path that writes past changes — so the hooks rebuild the
// state and write the same events at the same moments, by the same actors:
// coverage now and at every past moment comes out the same. The file also
// holds the state at export, which the restore checks its result against.
package backup

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/location"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/retention"
)

// Format names the file format.
const Format = "catalogus-backup"

// Version is the format's version. 7: tests with residents (and their
// events), which older binaries cannot replay. 6: the file ends in its digest (SHA-256,
// and an HMAC with a configured key; digest.go). 5: the key of the retention job's
// pseudonyms. 4: the answer base (answers, call-back
// requests). 3: survey results, contact volumes and the satisfaction target.
// 2: UPL names carry all the list's flags, their legal bases and whether they
// are still on the list. Older files are read too; every name in a version 1
// file was on the list.
const Version = 7

// File is a backup.
type File struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	ExportedAt time.Time `json:"exportedAt"`
	// The catalogue as it stands: for readers of the file, and for the
	// restore to check its result against, record by record.
	Organizations  []*ent.Organization `json:"organizations"`
	UPLEntries     []*ent.UPLEntry     `json:"uplEntries"`
	Products       []*ent.Product      `json:"products"`
	Channels       []*ent.Channel      `json:"channels"`
	Locations      []*ent.Location     `json:"locations"`
	Availabilities []*ent.Availability `json:"availabilities"`
	Targets        []*ent.Target       `json:"targets"`
	// Measurements (version 3).
	SurveyResults       []*ent.SurveyResult       `json:"surveyResults"`
	ContactVolumes      []*ent.ContactVolume      `json:"contactVolumes"`
	SatisfactionTargets []*ent.SatisfactionTarget `json:"satisfactionTargets"`
	// The answer base (since the knowledge base; older files have none).
	// Open call-back requests carry the resident's contact details, which
	// the change log does not: the restore takes them from here.
	Answers          []*ent.Answer          `json:"answers,omitempty"`
	CallbackRequests []*ent.CallbackRequest `json:"callbackRequests,omitempty"`
	// Tests with residents (since the readiness checklist; older files have none).
	ResidentTests []*ent.ResidentTest `json:"residentTests,omitempty"`
	// Events is the change log, oldest first: the restore replays it.
	Events []Event `json:"events"`
	// PseudonymKey is the retention job's key, in hex, once it has run
	// (version 5). The restore needs it to tell the pseudonym the log gives
	// the filer of a request still open from a hand-edited filer, and keeps
	// it, so that people keep their pseudonyms in the restored database.
	PseudonymKey string `json:"pseudonymKey,omitempty"`
	// Digest is read from the file (version 6); Export writes it itself.
	Digest *Digest `json:"digest,omitempty"`
}

// Event is one change-log entry.
type Event struct {
	ID                  int                   `json:"id"`
	Entity              string                `json:"entity"`
	EntityID            int                   `json:"entityId"`
	Action              string                `json:"action"`
	Changes             []catalog.FieldChange `json:"changes"`
	Actor               string                `json:"actor"`
	ActorOrganizationID *int                  `json:"actorOrganizationId,omitempty"`
	RecordedAt          time.Time             `json:"recordedAt"`
	TxID                string                `json:"txId"`
}

func allow(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// Export writes the catalogue to w, sealed with its SHA-256 digest.
func Export(ctx context.Context, c *ent.Client, w io.Writer) error {
	return ExportWith(ctx, c, w, ExportOptions{})
}

// ExportOptions tune ExportWith.
type ExportOptions struct {
	// Key, when set, adds an HMAC-SHA-256 of the file under it to the digest.
	Key []byte
}

// ExportWith writes the catalogue to w, sealed with its digest.
func ExportWith(ctx context.Context, c *ent.Client, w io.Writer, opts ExportOptions) error {
	ctx = allow(ctx)
	f := File{Format: Format, Version: Version, ExportedAt: time.Now().UTC()}
	for _, load := range []func() error{
		func() (err error) {
			f.Organizations, err = c.Organization.Query().Order(ent.Asc("id")).All(ctx)
			return
		},
		func() (err error) { f.UPLEntries, err = c.UPLEntry.Query().Order(ent.Asc("id")).All(ctx); return },
		func() (err error) { f.Products, err = c.Product.Query().Order(ent.Asc("id")).All(ctx); return },
		func() (err error) { f.Channels, err = c.Channel.Query().Order(ent.Asc("id")).All(ctx); return },
		func() (err error) { f.Locations, err = c.Location.Query().Order(ent.Asc("id")).All(ctx); return },
		func() (err error) {
			f.Availabilities, err = c.Availability.Query().WithLocations().Order(ent.Asc("id")).All(ctx)
			return
		},
		func() (err error) { f.Targets, err = c.Target.Query().Order(ent.Asc("id")).All(ctx); return },
		func() (err error) {
			f.SurveyResults, err = c.SurveyResult.Query().Order(ent.Asc("id")).All(ctx)
			return
		},
		func() (err error) {
			f.ContactVolumes, err = c.ContactVolume.Query().Order(ent.Asc("id")).All(ctx)
			return
		},
		func() (err error) {
			f.SatisfactionTargets, err = c.SatisfactionTarget.Query().Order(ent.Asc("id")).All(ctx)
			return
		},
		func() (err error) {
			f.Answers, err = c.Answer.Query().WithProducts().Order(ent.Asc("id")).All(ctx)
			return
		},
		func() (err error) {
			f.CallbackRequests, err = c.CallbackRequest.Query().Order(ent.Asc("id")).All(ctx)
			return
		},
		func() (err error) {
			f.ResidentTests, err = c.ResidentTest.Query().Order(ent.Asc("id")).All(ctx)
			return
		},
	} {
		if err := load(); err != nil {
			return err
		}
	}
	key, err := retention.Key(ctx, c)
	if err != nil {
		return err
	}
	f.PseudonymKey = hex.EncodeToString(key)
	evs, err := c.ChangeEvent.Query().Order(ent.Asc(changeevent.FieldRecordedAt), ent.Asc(changeevent.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	for _, e := range evs {
		f.Events = append(f.Events, Event{ID: e.ID, Entity: e.Entity.String(), EntityID: e.EntityID, Action: e.Action.String(),
			Changes: e.Changes, Actor: e.Actor, ActorOrganizationID: e.ActorOrganizationID, RecordedAt: e.RecordedAt, TxID: e.TxID})
	}
	return Write(w, &f, opts)
}

// Write encodes f and seals it with its digest (the one f carries, if read
// from a file, is left out and made anew).
func Write(w io.Writer, f *File, opts ExportOptions) error {
	g := *f
	g.Digest = nil
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(g); err != nil {
		return err
	}
	// The digest goes in as the object's last member: the body is the
	// encoding without its closing "\n}\n".
	body, ok := bytes.CutSuffix(buf.Bytes(), []byte("\n}\n"))
	if !ok {
		return fmt.Errorf("backup: the encoder ended the file unexpectedly")
	}
	_, err := w.Write(seal(body, opts.Key))
	return err
}

// Options tune Restore.
type Options struct {
	Progress func(done, total int)
	// Key is the backup key: with it, a file must carry a matching HMAC.
	Key []byte
}

// Restore reads a backup from r into the empty database of c.
func Restore(ctx context.Context, c *ent.Client, r io.Reader, opts Options) error {
	f, err := Read(r, opts.Key)
	if err != nil {
		return err
	}
	return RestoreFile(ctx, c, f, opts)
}

// Read reads a backup whole and checks it before anything is written: its
// digest first (a damaged, edited or truncated file is refused as such),
// then that it is UTF-8 text and a catalogus backup of a version this binary
// knows. Files of version 5 and older carry no digest and are read as they
// are.
func Read(r io.Reader, key []byte) (*File, error) {
	// Text that is not UTF-8 fails the reading, before anything is written:
	// encoding/json would put U+FFFD in its place unasked.
	data, err := io.ReadAll(catalog.TextReader(r))
	if err != nil {
		if te, ok := errors.AsType[*catalog.TextError](err); ok {
			return nil, te
		}
		return nil, err
	}
	sealed, err := unseal(data, key)
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&f); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) && bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
			return nil, ErrTruncated
		}
		return nil, fmt.Errorf("the file is not a catalogus backup: %w", err)
	}
	if f.Format != Format || f.Version < 1 || f.Version > Version {
		return nil, fmt.Errorf("the file is not a catalogus backup of version 1 to %d (format %q, version %d)", Version, f.Format, f.Version)
	}
	if f.Version >= 6 && !sealed {
		return nil, fmt.Errorf("the backup (version %d) carries no digest: it was cut short or edited; restore another copy", f.Version)
	}
	if !sealed && len(key) > 0 {
		return nil, fmt.Errorf("the backup (version %d) predates digests and carries no HMAC, but a backup key is configured: restore it without CATALOGUS_BACKUP_KEY only if you trust where it came from", f.Version)
	}
	return &f, nil
}

// RestoreFile writes a backup that Read checked into the empty database of c,
// in one transaction: when it fails, nothing of it is written.
func RestoreFile(ctx context.Context, c *ent.Client, f *File, opts Options) error {
	ctx = allow(ctx)
	if f.Version == 1 {
		for _, e := range f.UPLEntries {
			e.InList = true
		}
	}
	if n, err := c.ChangeEvent.Query().Count(ctx); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("a backup is restored into an empty database; this one holds %d changes already", n)
	}
	rs := &restore{ids: map[int]int{}, callbacks: map[int]*ent.CallbackRequest{}}
	if f.PseudonymKey != "" {
		key, err := hex.DecodeString(f.PseudonymKey)
		if err != nil || len(key) == 0 {
			return fmt.Errorf("the backup's pseudonym key is not a hex key: %q", f.PseudonymKey)
		}
		rs.key = key
	}
	for _, r := range f.CallbackRequests {
		rs.callbacks[r.ID] = r
	}
	steps := rs.steps(*f)
	return changelog.Import(ctx, c, steps, changelog.ImportOptions{
		Progress: opts.Progress,
		Check: func(ctx context.Context, c *ent.Client) error {
			if rs.key != nil {
				if err := retention.SetKey(ctx, c, rs.key); err != nil {
					return err
				}
			}
			return rs.verify(ctx, c, *f)
		},
	})
}

type restore struct {
	// ids maps the backup's ids to the restored records' ids. Ids are
	// globally unique, so one map serves every type.
	ids map[int]int
	// callbacks are the file's call-back requests by id, for the personal
	// fields that the change log masks.
	callbacks map[int]*ent.CallbackRequest
	// key is the file's pseudonym key, nil if the retention job never ran.
	key []byte
}

// steps turns the log into history steps: one per original write.
func (rs *restore) steps(f File) []changelog.Step {
	var out []changelog.Step
	first := true
	for i := 0; i < len(f.Events); {
		j := i
		for j < len(f.Events) && f.Events[j].TxID == f.Events[i].TxID && f.Events[j].RecordedAt.Equal(f.Events[i].RecordedAt) {
			j++
		}
		group := f.Events[i:j]
		loadUPL := first
		first = false
		out = append(out, changelog.Step{
			At:    group[0].RecordedAt,
			Actor: changelog.Actor{Name: group[0].Actor, OrganizationID: nil},
			Apply: func(ctx context.Context, c *ent.Client) error {
				if loadUPL {
					if err := rs.upl(ctx, c, f.UPLEntries); err != nil {
						return err
					}
				}
				for _, e := range group {
					if err := rs.apply(ctx, c, e); err != nil {
						return fmt.Errorf("change %d (%s %s): %w", e.ID, strings.ToLower(e.Action), strings.ToLower(e.Entity), err)
					}
				}
				return nil
			},
			ActorOrganization: func() *int { return rs.mapped(group[0].ActorOrganizationID) },
		})
		i = j
	}
	return out
}

func (rs *restore) mapped(id *int) *int {
	if id == nil {
		return nil
	}
	if n, ok := rs.ids[*id]; ok {
		return &n
	}
	return nil
}

func (rs *restore) upl(ctx context.Context, c *ent.Client, entries []*ent.UPLEntry) error {
	for chunk := range slices.Chunk(entries, 100) {
		builders := make([]*ent.UPLEntryCreate, len(chunk))
		for i, e := range chunk {
			builders[i] = c.UPLEntry.Create().SetURI(e.URI).SetName(e.Name).SetMunicipal(e.Municipal).
				SetResidents(e.Residents).SetBusinesses(e.Businesses).SetRequest(e.Request).SetSdgCode(e.SdgCode).
				SetNational(e.National).SetProvincial(e.Provincial).SetWaterAuthority(e.WaterAuthority).
				SetServicesDirective(e.ServicesDirective).SetAutonomous(e.Autonomous).SetCoGovernance(e.CoGovernance).
				SetSubsidy(e.Subsidy).SetNotification(e.Notification).SetObligation(e.Obligation).
				SetDigidMandate(e.DigidMandate).SetInList(e.InList)
			if e.LegalBases != nil {
				builders[i].SetLegalBases(e.LegalBases)
			}
		}
		created, err := c.UPLEntry.CreateBulk(builders...).Save(ctx)
		if err != nil {
			return err
		}
		for i, e := range created {
			rs.ids[chunk[i].ID] = e.ID
		}
	}
	return nil
}

// models gives, per logged type, the struct whose JSON tags and field types
// say how to read a changed field's value.
var models = map[string]reflect.Type{
	"PRODUCT":             reflect.TypeFor[ent.Product](),
	"AVAILABILITY":        reflect.TypeFor[ent.Availability](),
	"CHANNEL":             reflect.TypeFor[ent.Channel](),
	"ORGANIZATION":        reflect.TypeFor[ent.Organization](),
	"LOCATION":            reflect.TypeFor[ent.Location](),
	"TARGET":              reflect.TypeFor[ent.Target](),
	"SURVEY_RESULT":       reflect.TypeFor[ent.SurveyResult](),
	"CONTACT_VOLUME":      reflect.TypeFor[ent.ContactVolume](),
	"SATISFACTION_TARGET": reflect.TypeFor[ent.SatisfactionTarget](),
	"ANSWER":              reflect.TypeFor[ent.Answer](),
	"CALLBACK_REQUEST":    reflect.TypeFor[ent.CallbackRequest](),
	"RESIDENT_TEST":       reflect.TypeFor[ent.ResidentTest](),
}

// references are the fields that hold another record's id.
var references = map[string]bool{
	"owner_id": true, "municipality_id": true, "parent_id": true, "upl_entry_id": true, "product_id": true, "channel_id": true,
	"organization_id": true, "reply_channel_id": true, "answer_id": true,
}

func (rs *restore) apply(ctx context.Context, c *ent.Client, e Event) error {
	model, ok := models[e.Entity]
	if !ok {
		return fmt.Errorf("unknown entity %q", e.Entity)
	}
	if e.Action == "DELETE" {
		id, ok := rs.ids[e.EntityID]
		if !ok {
			return fmt.Errorf("deletes record %d, which the backup never created", e.EntityID)
		}
		switch e.Entity {
		case "AVAILABILITY":
			return c.Availability.DeleteOneID(id).Exec(ctx)
		case "LOCATION":
			return c.Location.DeleteOneID(id).Exec(ctx)
		case "TARGET":
			return c.Target.DeleteOneID(id).Exec(ctx)
		case "SURVEY_RESULT":
			return c.SurveyResult.DeleteOneID(id).Exec(ctx)
		case "CONTACT_VOLUME":
			return c.ContactVolume.DeleteOneID(id).Exec(ctx)
		case "SATISFACTION_TARGET":
			return c.SatisfactionTarget.DeleteOneID(id).Exec(ctx)
		case "RESIDENT_TEST":
			return c.ResidentTest.DeleteOneID(id).Exec(ctx)
		}
		return fmt.Errorf("%s records are not deleted", strings.ToLower(e.Entity))
	}
	var (
		m    ent.Mutation
		save saver
	)
	if e.Action == "CREATE" {
		m, save = creator(c, e.Entity)
	} else {
		id, ok := rs.ids[e.EntityID]
		if !ok {
			return fmt.Errorf("changes record %d, which the backup never created", e.EntityID)
		}
		m, save = updater(c, e.Entity, id)
	}
	for _, ch := range e.Changes {
		if ch.Field == "locations" {
			if err := rs.locations(ctx, c, m, ch.New); err != nil {
				return err
			}
			continue
		}
		if ch.Field == "products" {
			if err := rs.answerProducts(ctx, c, m, ch.New); err != nil {
				return err
			}
			continue
		}
		if string(ch.New) == string(changelog.Masked) {
			// Personal data the log does not hold: the file's record has it
			// (a resident's details only while the request is open). Once
			// removed, a placeholder stands in until the replayed close
			// clears it.
			raw := json.RawMessage(`"(niet bewaard)"`)
			if r := rs.callbacks[e.EntityID]; r != nil {
				if v, ok := personal(r, ch.Field); ok {
					raw, _ = json.Marshal(v)
				}
			}
			ch.New = raw
		}
		if string(ch.New) == "null" {
			if err := m.ClearField(ch.Field); err != nil {
				return fmt.Errorf("clearing %s: %w", ch.Field, err)
			}
			continue
		}
		v, err := valueOf(model, ch.Field, ch.New)
		if err != nil {
			return err
		}
		if references[ch.Field] {
			old := v.(int)
			n, ok := rs.ids[old]
			if !ok {
				return fmt.Errorf("%s refers to record %d, which the backup never created", ch.Field, old)
			}
			v = n
		}
		if err := m.SetField(ch.Field, v); err != nil {
			return fmt.Errorf("setting %s: %w", ch.Field, err)
		}
	}
	saved, err := save(ctx)
	if err != nil {
		return err
	}
	if e.Action == "CREATE" {
		rs.ids[e.EntityID] = saved
		if e.Entity == "CALLBACK_REQUEST" {
			return rs.filer(ctx, c, e, saved)
		}
	}
	return nil
}

// filer gives the restored request id the filer of the file's record when
// the log's actor is that person's pseudonym. The hook takes the filer from
// the actor, which the retention job replaced after the period while the
// request, still open, kept the name. Plain SQL, like the job's own write:
// the log already holds the filing, and requested_by is immutable to Ent.
// Any other difference stays, for verify to refuse.
func (rs *restore) filer(ctx context.Context, c *ent.Client, e Event, id int) error {
	r := rs.callbacks[e.EntityID]
	if r == nil || rs.key == nil || r.RequestedBy == e.Actor || retention.Pseudonym(rs.key, r.RequestedBy) != e.Actor {
		return nil
	}
	if _, err := c.ExecContext(ctx, "UPDATE callback_requests SET requested_by = $1 WHERE id = $2", r.RequestedBy, id); err != nil {
		return fmt.Errorf("restoring the filer of call-back request %d: %w", e.EntityID, err)
	}
	return nil
}

func (rs *restore) locations(ctx context.Context, c *ent.Client, m ent.Mutation, raw json.RawMessage) error {
	var codes []string
	if err := json.Unmarshal(raw, &codes); err != nil {
		return err
	}
	am, ok := m.(*ent.AvailabilityMutation)
	if !ok {
		return fmt.Errorf("locations on %s", m.Type())
	}
	am.ClearLocations()
	if len(codes) == 0 {
		return nil
	}
	ids, err := c.Location.Query().Where(location.CodeIn(codes...)).IDs(ctx)
	if err != nil {
		return err
	}
	if len(ids) != len(codes) {
		return fmt.Errorf("locations %v are not all there", codes)
	}
	am.AddLocationIDs(ids...)
	return nil
}

// answerProducts sets an answer's products from their slugs, within the
// answer's municipality.
func (rs *restore) answerProducts(ctx context.Context, c *ent.Client, m ent.Mutation, raw json.RawMessage) error {
	var slugs []string
	if err := json.Unmarshal(raw, &slugs); err != nil {
		return err
	}
	am, ok := m.(*ent.AnswerMutation)
	if !ok {
		return fmt.Errorf("products on %s", m.Type())
	}
	mid, ok := am.MunicipalityID()
	if !ok {
		old, err := am.OldMunicipalityID(ctx)
		if err != nil {
			return err
		}
		mid = old
	}
	am.ClearProducts()
	if len(slugs) == 0 {
		return nil
	}
	ids, err := c.Product.Query().Where(product.MunicipalityID(mid), product.SlugIn(slugs...)).IDs(ctx)
	if err != nil {
		return err
	}
	if len(ids) != len(slugs) {
		return fmt.Errorf("products %v are not all there", slugs)
	}
	am.AddProductIDs(ids...)
	return nil
}

// personal reads a call-back request's personal field as the file holds it:
// its value at export, which the replay writes wherever the log has a mask
// (earlier values are not kept anywhere).
func personal(r *ent.CallbackRequest, field string) (string, bool) {
	var v *string
	switch field {
	case callbackrequest.FieldContactName:
		v = r.ContactName
	case callbackrequest.FieldContact:
		v = r.Contact
	case callbackrequest.FieldAssignee:
		v = r.Assignee
	case callbackrequest.FieldRequestedBy:
		v = &r.RequestedBy
	}
	if v == nil {
		return "", false
	}
	return *v, true
}

// valueOf reads a JSON value as the Go type of the model's field, the way
// the mutation's SetField wants it: the value itself, not a pointer.
func valueOf(model reflect.Type, field string, raw json.RawMessage) (any, error) {
	for i := 0; i < model.NumField(); i++ {
		sf := model.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name != field {
			continue
		}
		t := sf.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		v := reflect.New(t)
		if err := json.Unmarshal(raw, v.Interface()); err != nil {
			return nil, fmt.Errorf("field %s: %w", field, err)
		}
		return v.Elem().Interface(), nil
	}
	return nil, fmt.Errorf("%s has no field %s", model.Name(), field)
}

// saver saves a builder and returns the saved record's id.
type saver func(context.Context) (int, error)

func creator(c *ent.Client, entity string) (ent.Mutation, saver) {
	switch entity {
	case "PRODUCT":
		b := c.Product.Create()
		return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
	case "AVAILABILITY":
		b := c.Availability.Create()
		return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
	case "CHANNEL":
		b := c.Channel.Create()
		return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
	case "ORGANIZATION":
		b := c.Organization.Create()
		return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
	case "LOCATION":
		b := c.Location.Create()
		return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
	case "SURVEY_RESULT":
		b := c.SurveyResult.Create()
		return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
	case "CONTACT_VOLUME":
		b := c.ContactVolume.Create()
		return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
	case "SATISFACTION_TARGET":
		b := c.SatisfactionTarget.Create()
		return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
	case "ANSWER":
		b := c.Answer.Create()
		return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
	case "CALLBACK_REQUEST":
		b := c.CallbackRequest.Create()
		return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
	case "RESIDENT_TEST":
		b := c.ResidentTest.Create()
		return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
	}
	b := c.Target.Create()
	return b.Mutation(), func(ctx context.Context) (int, error) { v, err := b.Save(ctx); return idOf(v, err) }
}

func updater(c *ent.Client, entity string, id int) (ent.Mutation, saver) {
	done := func(err error) (int, error) { return id, err }
	switch entity {
	case "PRODUCT":
		b := c.Product.UpdateOneID(id)
		return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
	case "AVAILABILITY":
		b := c.Availability.UpdateOneID(id)
		return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
	case "CHANNEL":
		b := c.Channel.UpdateOneID(id)
		return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
	case "ORGANIZATION":
		b := c.Organization.UpdateOneID(id)
		return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
	case "LOCATION":
		b := c.Location.UpdateOneID(id)
		return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
	case "SURVEY_RESULT":
		b := c.SurveyResult.UpdateOneID(id)
		return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
	case "CONTACT_VOLUME":
		b := c.ContactVolume.UpdateOneID(id)
		return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
	case "SATISFACTION_TARGET":
		b := c.SatisfactionTarget.UpdateOneID(id)
		return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
	case "ANSWER":
		b := c.Answer.UpdateOneID(id)
		return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
	case "CALLBACK_REQUEST":
		b := c.CallbackRequest.UpdateOneID(id)
		return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
	case "RESIDENT_TEST":
		b := c.ResidentTest.UpdateOneID(id)
		return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
	}
	b := c.Target.UpdateOneID(id)
	return b.Mutation(), func(ctx context.Context) (int, error) { return done(b.Exec(ctx)) }
}

// identified is every generated entity: each has an int ID.
type identified interface {
	*ent.Product | *ent.Availability | *ent.Channel | *ent.Organization | *ent.Location | *ent.Target |
		*ent.SurveyResult | *ent.ContactVolume | *ent.SatisfactionTarget |
		*ent.Answer | *ent.CallbackRequest | *ent.ResidentTest
}

func idOf[T identified](v T, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return reflect.ValueOf(v).Elem().FieldByName("ID").Interface().(int), nil
}

// verify compares the restored catalogue with the backup's snapshot, record
// by record, with the backup's ids translated to the restored ones.
func (rs *restore) verify(ctx context.Context, c *ent.Client, f File) error {
	kinds := []struct {
		name string
		want any
		got  func() (any, error)
	}{
		{"organization", f.Organizations, func() (any, error) { return c.Organization.Query().All(ctx) }},
		{"UPL", f.UPLEntries, func() (any, error) { return c.UPLEntry.Query().All(ctx) }},
		{"product", f.Products, func() (any, error) { return c.Product.Query().All(ctx) }},
		{"channel", f.Channels, func() (any, error) { return c.Channel.Query().All(ctx) }},
		{"location", f.Locations, func() (any, error) { return c.Location.Query().All(ctx) }},
		{"availability", f.Availabilities, func() (any, error) { return c.Availability.Query().WithLocations().All(ctx) }},
		{"target", f.Targets, func() (any, error) { return c.Target.Query().All(ctx) }},
		{"survey result", f.SurveyResults, func() (any, error) { return c.SurveyResult.Query().All(ctx) }},
		{"contact volume", f.ContactVolumes, func() (any, error) { return c.ContactVolume.Query().All(ctx) }},
		{"satisfaction target", f.SatisfactionTargets, func() (any, error) { return c.SatisfactionTarget.Query().All(ctx) }},
		{"answer", f.Answers, func() (any, error) { return c.Answer.Query().WithProducts().All(ctx) }},
		{"call-back request", f.CallbackRequests, func() (any, error) { return c.CallbackRequest.Query().All(ctx) }},
		{"test with residents", f.ResidentTests, func() (any, error) { return c.ResidentTest.Query().All(ctx) }},
	}
	for _, k := range kinds {
		got, err := k.got()
		if err != nil {
			return err
		}
		want, err := asMaps(k.want)
		if err != nil {
			return err
		}
		have, err := asMaps(got)
		if err != nil {
			return err
		}
		if len(want) != len(have) {
			return fmt.Errorf("the backup holds %d %s records, but replaying its change log gives %d", len(want), k.name, len(have))
		}
		byID := make(map[int]map[string]any, len(have))
		for _, r := range have {
			byID[intOf(r["id"])] = r
		}
		for _, w := range want {
			id := intOf(w["id"])
			r := byID[rs.ids[id]]
			if r == nil {
				return fmt.Errorf("%s record %d of the backup is not in its change log", k.name, id)
			}
			if field := rs.differs(w, r); field != "" {
				return fmt.Errorf("%s record %d of the backup has another %s than its change log gives", k.name, id, field)
			}
		}
	}
	return nil
}

// asMaps gives records as their JSON objects.
func asMaps(records any) ([]map[string]any, error) {
	raw, err := json.Marshal(records)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	return out, json.Unmarshal(raw, &out)
}

func intOf(v any) int {
	f, _ := v.(float64)
	return int(f)
}

// differs names the first field in which the backup's record w and the
// restored record r differ, or returns "".
func (rs *restore) differs(w, r map[string]any) string {
	keys := make(map[string]bool)
	for k := range w {
		keys[k] = true
	}
	for k := range r {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		wv, rv := w[k], r[k]
		switch {
		case k == "id":
			continue
		case k == "version" && wv == nil:
			// A format that lacks a record's version (answers before
			// backup format 5 had them) leaves it to the change log, which
			// the replay counted it from.
			continue
		case k == "edges":
			wv, rv = edgeKeys(wv), edgeKeys(rv)
		case strings.HasSuffix(k, "_id") && wv != nil:
			wv = float64(rs.ids[intOf(wv)])
		}
		if !sameValue(wv, rv) {
			return k
		}
	}
	return ""
}

// edgeKeys reads the loaded edges that the backup compares: an
// availability's locations by code, an answer's products by slug.
func edgeKeys(edges any) []string {
	e, _ := edges.(map[string]any)
	var keys []string
	for _, edge := range []struct{ name, key string }{{"locations", "code"}, {"products", "slug"}} {
		list, _ := e[edge.name].([]any)
		for _, l := range list {
			if m, ok := l.(map[string]any); ok {
				keys = append(keys, edge.name+":"+fmt.Sprint(m[edge.key]))
			}
		}
	}
	slices.Sort(keys)
	return keys
}

// sameValue compares JSON values; moments compare as instants, since the two
// databases may give them in different zones.
func sameValue(a, b any) bool {
	as, aok := a.(string)
	bs, bok := b.(string)
	if aok && bok {
		at, aerr := time.Parse(time.RFC3339Nano, as)
		bt, berr := time.Parse(time.RFC3339Nano, bs)
		if aerr == nil && berr == nil {
			return at.Equal(bt)
		}
	}
	return reflect.DeepEqual(a, b)
}
