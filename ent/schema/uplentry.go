package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// UPLEntry is a name on the national Uniforme Productnamenlijst (UPL), the
// list that Dutch government catalogues use to say which product they mean
// ("paspoort", "parkeervergunning"). Linking a product to its UPL name lets
// national portals and other municipalities recognise it.
type UPLEntry struct {
	ent.Schema
}

// Fields of UPLEntry.
func (UPLEntry) Fields() []ent.Field {
	return []ent.Field{
		field.String("uri").
			Unique().
			NotEmpty().
			MaxLen(300).
			Annotations(entgql.Type("String")).
			Comment("The UPL name's identifier, e.g. http://standaarden.overheid.nl/owms/terms/Paspoort."),
		field.String("name").
			NotEmpty().
			MaxLen(300).
			Comment("The uniform product name, lower case as the list writes it."),
		field.Bool("municipal").
			Default(false).
			Comment("Municipalities offer this product (Gemeente)."),
		field.Bool("residents").
			Default(false).
			Comment("Meant for residents (Burger)."),
		field.Bool("businesses").
			Default(false).
			Comment("Meant for businesses (Bedrijf)."),
		field.Bool("request").
			Default(false).
			Comment("It is something one requests (Aanvraag)."),
		field.String("sdg_code").
			Optional().
			MaxLen(10).
			Comment("Single Digital Gateway annex code (e.g. D1), where the EU regulation applies."),
		field.Bool("national").
			Default(false).
			Comment("The national government offers this product (Rijk)."),
		field.Bool("provincial").
			Default(false).
			Comment("Provinces offer this product (Provincie)."),
		field.Bool("water_authority").
			Default(false).
			Comment("Water authorities offer this product (Waterschap)."),
		field.Bool("services_directive").
			Default(false).
			Comment("The EU Services Directive applies (Dienstenwet)."),
		field.Bool("autonomous").
			Default(false).
			Comment("The government body sets its own rules for it (Autonomie)."),
		field.Bool("co_governance").
			Default(false).
			Comment("The body carries out rules set higher up (Medebewind)."),
		field.Bool("subsidy").
			Default(false).
			Comment("It is a grant (Subsidie)."),
		field.Bool("notification").
			Default(false).
			Comment("It is something one reports (Melding)."),
		field.Bool("obligation").
			Default(false).
			Comment("It is an obligation (Verplichting)."),
		field.Bool("digid_mandate").
			Default(false).
			Comment("Someone else may act for the resident through DigiD Machtigen (DigiDMacht)."),
		field.JSON("legal_bases", []catalog.LegalBasis{}).
			Optional().
			Annotations(entgql.Type("[LegalBasis!]")).
			Comment("The laws and articles the product rests on (Grondslag), as the list names and links them."),
		field.Bool("in_list").
			Default(true).
			Comment("Whether the name is on the list as last imported. Names that leave the list are kept, " +
				"so that products linked to them can be reviewed, and marked false."),
	}
}

// Edges of UPLEntry.
func (UPLEntry) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("products", Product.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations of UPLEntry.
func (UPLEntry) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Type("UPLEntry"),
	}
}

// Policy of UPLEntry: see internal/auth/rules.go.
func (UPLEntry) Policy() ent.Policy {
	return auth.UnlimitedAdminPolicy()
}
