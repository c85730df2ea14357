package changelog

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/contactvolume"
	"github.com/gemeente-rotterdam/catalogus/ent/location"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/satisfactiontarget"
	"github.com/gemeente-rotterdam/catalogus/ent/surveyresult"
	"github.com/gemeente-rotterdam/catalogus/ent/target"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// entitySpec says how the log treats one logged type.
type entitySpec struct {
	entity changeevent.Entity
	// columns lists the type's fields in schema order.
	columns []string
	// edges may be changed through this type's mutations; each is recorded as
	// a field (foreign keys) or, for locations, as a list of codes. Changing
	// any other edge would change another record without its own log entry.
	edges []string
	// versioned types get their version raised on every change.
	versioned bool
	// bumpsProduct: a change also raises the version of the product it belongs to.
	bumpsProduct bool
	// noDelete, when set, explains why records of this type are never deleted.
	noDelete string
	// personal fields hold personal data (a resident's contact details, a
	// colleague's name): the log records that they changed, never their
	// values (see Masked).
	personal map[string]bool
	// describe tells which product, channel and municipality a record is
	// about, and its status after the change; municipality is passed in when
	// the caller already knows it.
	describe func(ctx context.Context, c *gen.Client, v ent.Value, municipality *int) (about, error)
}

// about is what an event says beyond the changed fields.
type about struct {
	productID, channelID, municipalityID *int
	state                                *string
	otherLanguage                        *bool
}

var entities = map[string]entitySpec{
	gen.TypeProduct: {
		entity:    changeevent.EntityPRODUCT,
		columns:   product.Columns,
		edges:     []string{product.EdgeOwner, product.EdgeMunicipality, product.EdgeUplEntry},
		versioned: true,
		noDelete:  "products are retired, not deleted, so that their history stays readable",
		describe: func(_ context.Context, _ *gen.Client, v ent.Value, _ *int) (about, error) {
			p, ok := v.(*gen.Product)
			if !ok {
				return about{}, unexpected(v)
			}
			return about{productID: &p.ID, municipalityID: &p.MunicipalityID, state: ptr(p.Status.String())}, nil
		},
	},
	gen.TypeAvailability: {
		entity:       changeevent.EntityAVAILABILITY,
		columns:      availability.Columns,
		edges:        []string{availability.EdgeProduct, availability.EdgeChannel, availability.EdgeLocations},
		bumpsProduct: true,
		describe: func(ctx context.Context, c *gen.Client, v ent.Value, mid *int) (about, error) {
			a, ok := v.(*gen.Availability)
			if !ok {
				return about{}, unexpected(v)
			}
			if mid == nil {
				m, err := c.Product.Query().Where(product.ID(a.ProductID)).Select(product.FieldMunicipalityID).Int(ctx)
				if err != nil {
					return about{}, fmt.Errorf("finding the municipality of product %d: %w", a.ProductID, err)
				}
				mid = &m
			}
			return about{productID: &a.ProductID, channelID: &a.ChannelID, municipalityID: mid,
				state: ptr(a.Status.String()), otherLanguage: ptr(catalog.OffersOtherLanguage(a.Languages))}, nil
		},
	},
	gen.TypeChannel: {
		entity:   changeevent.EntityCHANNEL,
		columns:  channel.Columns,
		noDelete: "channels are deactivated, not deleted, so that past coverage stays as it was",
		describe: func(_ context.Context, _ *gen.Client, v ent.Value, _ *int) (about, error) {
			ch, ok := v.(*gen.Channel)
			if !ok {
				return about{}, unexpected(v)
			}
			return about{channelID: &ch.ID, state: ptr(ChannelState(ch.Active))}, nil
		},
	},
	gen.TypeOrganization: {
		entity:   changeevent.EntityORGANIZATION,
		columns:  organization.Columns,
		edges:    []string{organization.EdgeParent},
		noDelete: "organizations are kept so that past changes and reports can still name them",
		describe: func(ctx context.Context, c *gen.Client, v ent.Value, _ *int) (about, error) {
			o, ok := v.(*gen.Organization)
			if !ok {
				return about{}, unexpected(v)
			}
			root, err := orgtree.Root(ctx, c, o.ID)
			if err != nil {
				return about{}, err
			}
			return about{municipalityID: &root}, nil
		},
	},
	gen.TypeLocation: {
		entity:  changeevent.EntityLOCATION,
		columns: location.Columns,
		edges:   []string{location.EdgeMunicipality},
		describe: func(_ context.Context, _ *gen.Client, v ent.Value, _ *int) (about, error) {
			l, ok := v.(*gen.Location)
			if !ok {
				return about{}, unexpected(v)
			}
			return about{municipalityID: &l.MunicipalityID}, nil
		},
	},
	gen.TypeTarget: {
		entity:  changeevent.EntityTARGET,
		columns: target.Columns,
		edges:   []string{target.EdgeMunicipality},
		describe: func(_ context.Context, _ *gen.Client, v ent.Value, _ *int) (about, error) {
			t, ok := v.(*gen.Target)
			if !ok {
				return about{}, unexpected(v)
			}
			return about{municipalityID: t.MunicipalityID}, nil
		},
	},
	// Measurements name only their municipality: a product's or channel's
	// id on their events would put survey figures into the product's
	// history and the coverage replay, which read events by those ids.
	gen.TypeSurveyResult: {
		entity:  changeevent.EntitySURVEY_RESULT,
		columns: surveyresult.Columns,
		edges: []string{surveyresult.EdgeMunicipality, surveyresult.EdgeChannel,
			surveyresult.EdgeProduct, surveyresult.EdgeOrganization},
		describe: func(_ context.Context, _ *gen.Client, v ent.Value, _ *int) (about, error) {
			r, ok := v.(*gen.SurveyResult)
			if !ok {
				return about{}, unexpected(v)
			}
			return about{municipalityID: &r.MunicipalityID}, nil
		},
	},
	gen.TypeContactVolume: {
		entity:  changeevent.EntityCONTACT_VOLUME,
		columns: contactvolume.Columns,
		edges: []string{contactvolume.EdgeMunicipality, contactvolume.EdgeChannel,
			contactvolume.EdgeProduct, contactvolume.EdgeOrganization},
		describe: func(_ context.Context, _ *gen.Client, v ent.Value, _ *int) (about, error) {
			r, ok := v.(*gen.ContactVolume)
			if !ok {
				return about{}, unexpected(v)
			}
			return about{municipalityID: &r.MunicipalityID}, nil
		},
	},
	gen.TypeSatisfactionTarget: {
		entity:  changeevent.EntitySATISFACTION_TARGET,
		columns: satisfactiontarget.Columns,
		edges:   []string{satisfactiontarget.EdgeMunicipality},
		describe: func(_ context.Context, _ *gen.Client, v ent.Value, _ *int) (about, error) {
			t, ok := v.(*gen.SatisfactionTarget)
			if !ok {
				return about{}, unexpected(v)
			}
			return about{municipalityID: t.MunicipalityID}, nil
		},
	},
}

// ChannelState is the state the log records for a channel.
func ChannelState(active bool) string {
	if active {
		return "ACTIVE"
	}
	return "INACTIVE"
}

// checkEdges refuses edge changes that would change other records unlogged,
// such as adding children to an organization (which sets their parent).
func checkEdges(m ent.Mutation, spec entitySpec) error {
	for _, list := range [][]string{m.AddedEdges(), m.RemovedEdges(), m.ClearedEdges()} {
		for _, e := range list {
			if !slices.Contains(spec.edges, e) {
				return fmt.Errorf("changelog: %s cannot be changed from the %s side; change those records themselves so that each change is logged",
					e, strings.ToLower(m.Type()))
			}
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

func unexpected(v ent.Value) error { return fmt.Errorf("unexpected value %T", v) }
