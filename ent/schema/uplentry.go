package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
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
