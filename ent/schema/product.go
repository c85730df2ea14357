package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/search"
)

// Product is a product or service (product of dienst) that residents,
// businesses or organizations can request from the municipality: a passport, a
// parking permit, help with debts. Its owner keeps it current; per contact
// channel an Availability says whether it can be requested there. Products are
// retired, never deleted, so their history stays readable.
type Product struct {
	ent.Schema
}

// Mixin of Product.
func (Product) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of Product.
func (Product) Fields() []ent.Field {
	return []ent.Field{
		field.String("slug").
			MaxLen(100).
			Match(regexp.MustCompile(catalog.SlugPattern)).
			Comment("The product's name in web addresses, unique within its municipality: paspoort-aanvragen."),
		field.String("name").
			NotEmpty().
			MaxLen(200).
			Annotations(entgql.OrderField("NAME")).
			Comment("Public title in Dutch, e.g. Paspoort aanvragen."),
		field.String("name_en").
			Optional().
			Nillable().
			MaxLen(200).
			Comment("Public title in English, where there is one."),
		field.Text("summary").
			Default("").
			Comment("One or two sentences in plain Dutch (B1): what it is and who it is for."),
		field.Text("description").
			Default("").
			Comment("The full explanation in plain Dutch."),
		field.Strings("keywords").
			Optional().
			Annotations(entgql.Skip(entgql.SkipWhereInput)).
			Comment("Other words residents use for the product (kwijt, verlopen, bankstel); search finds the product by them, after its name and before its summary."),
		field.JSON("audiences", []catalog.Audience{}).
			Annotations(entgql.Type("[Audience!]")).
			Comment("Who the product is for: residents, businesses, organizations (one or more)."),
		field.String("theme").
			NotEmpty().
			MaxLen(100).
			Comment("The theme websites group products by, e.g. Paspoort en identiteit, Parkeren, Afval."),
		field.Enum("status").
			Values("DRAFT", "PUBLISHED", "RETIRED").
			Default("DRAFT").
			Comment("DRAFT: being prepared, not public. PUBLISHED: offered and counted in coverage. RETIRED: no longer offered."),
		field.Int("version").
			Default(1).
			Comment("Goes up by one with every change to the product or its availability; editors send the version they saw so that nobody overwrites a newer change unseen."),
		field.Int("owner_id").
			Comment("The organization that owns the product."),
		field.Int("municipality_id").
			Comment("The municipality the product belongs to: the root above its owner, kept in step by a hook."),
		field.Int("upl_entry_id").
			Optional().
			Nillable().
			Comment("The product's name on the national UPL list, where it has one."),
		field.Strings("published_not_ready").
			Optional().
			Annotations(entgql.Skip(entgql.SkipWhereInput)).
			Comment("What the readiness checklist missed when the product was last published with force (publishProduct's force: true); empty when it was last published ready. The change log keeps each publication's list."),
	}
}

// Edges of Product.
func (Product) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("owner", Organization.Type).
			Ref("products").
			Unique().
			Required().
			Field("owner_id"),
		edge.To("municipality", Organization.Type).
			Unique().
			Required().
			Field("municipality_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("upl_entry", UPLEntry.Type).
			Ref("products").
			Unique().
			Field("upl_entry_id"),
		edge.To("availabilities", Availability.Type).
			Comment("Per channel, whether and how the product can be requested there."),
		edge.From("answers", Answer.Type).
			Ref("products").
			Annotations(entgql.Skip(entgql.SkipWhereInput)).
			Comment("The answers of the question-and-answer base about this product; changed from the answer's side."),
	}
}

// Indexes of Product.
func (Product) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("municipality_id", "slug").Unique(),
		index.Fields("municipality_id", "status"),
		index.Fields("owner_id"),
		index.Fields("upl_entry_id"),
	}
}

// Annotations of Product.
func (Product) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
	}
}

// Hooks of Product: its rules, then the change log, then the search index.
func (Product) Hooks() []ent.Hook {
	return []ent.Hook{
		productRules(),
		changelog.Hook(),
		search.IndexHook(),
	}
}

// Policy of Product: see internal/auth/rules.go.
func (Product) Policy() ent.Policy {
	return auth.ProductPolicy()
}
