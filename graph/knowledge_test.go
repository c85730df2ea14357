package graph_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// gqlError is an error as the API gives it.
type gqlError struct {
	Message    string
	Extensions map[string]any
}

// runAs runs an operation as the viewer of ctx, through the API's error funnel.
func runAs(t testing.TB, ctx context.Context, r *graph.Resolver, q string, vars map[string]any, out any) []gqlError {
	t.Helper()
	exec := executor.New(graph.NewExecutableSchema(graph.Config{Resolvers: r}))
	exec.SetErrorPresenter(graph.ErrorPresenter(slog.New(slog.NewTextHandler(io.Discard, nil)), func(context.Context) string { return "test" }))
	ctx = graphql.StartOperationTrace(ctx)
	rc, errs := exec.CreateOperationContext(ctx, &graphql.RawParams{Query: q, Variables: vars})
	var resp *graphql.Response
	if errs != nil {
		resp = exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
	} else {
		handler, ctx := exec.DispatchOperation(ctx, rc)
		resp = handler(ctx)
	}
	var out2 []gqlError
	for _, e := range resp.Errors {
		out2 = append(out2, gqlError{Message: e.Message, Extensions: e.Extensions})
	}
	if len(out2) == 0 && out != nil {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			t.Fatalf("decoding %s: %v", resp.Data, err)
		}
	}
	return out2
}

// TestKnowledgeOnTheSeed: the look-up through the API, the product's
// answers, and the dashboard's figure.
func TestKnowledgeOnTheSeed(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		r := graph.NewResolver(db, "")
		var res struct {
			Answers struct {
				TotalCount int
				Edges      []struct {
					ChannelText string
					Variant     *struct{ Channel, Text string }
					Node        struct {
						Question, Text string
						Current        bool
						Variants       []struct{ Channel, Text string }
						Products       []struct{ Slug string }
					}
				}
			}
		}
		for _, ch := range []string{"telefoon", "chat", "webcare", "balie"} {
			if errs := runAs(t, context.Background(), r, `query($c: String) { answers(search: "kwijtgeraakt paspoort", channel: $c, first: 3) {
				totalCount edges { channelText variant { channel text } node { question text current variants { channel text } products { slug } } } } }`,
				map[string]any{"c": ch}, &res); len(errs) > 0 {
				t.Fatal(errs)
			}
			if len(res.Answers.Edges) == 0 {
				t.Fatalf("%s: nothing found", ch)
			}
			e := res.Answers.Edges[0]
			if e.Variant == nil || e.Variant.Channel != ch || e.ChannelText != e.Variant.Text || !e.Node.Current ||
				len(e.Node.Variants) < 4 || len(e.Node.Products) == 0 || e.Node.Products[0].Slug != "paspoort-aanvragen" {
				t.Errorf("%s: %+v", ch, e)
			}
		}
		var p struct {
			Product struct {
				Answers []struct {
					Question   string
					Visibility string
				}
			}
		}
		if errs := runAs(t, context.Background(), r, `{ product(slug: "paspoort-aanvragen") { answers { question visibility } } }`, nil, &p); len(errs) > 0 {
			t.Fatal(errs)
		}
		for _, a := range p.Product.Answers {
			if a.Visibility != "PUBLIC" {
				t.Errorf("an anonymous caller sees the %s answer %q", a.Visibility, a.Question)
			}
		}
		if len(p.Product.Answers) < 2 {
			t.Errorf("the passport has %d public answers, want 2", len(p.Product.Answers))
		}
		var k struct {
			Knowledge struct {
				Products, ProductsWithCurrentAnswer, OverdueAnswers, OpenCallbacks int
				TopUnansweredQuestions                                             []struct{ Question string }
			}
		}
		if errs := runAs(t, context.Background(), r, `{ knowledge { products productsWithCurrentAnswer overdueAnswers openCallbacks topUnansweredQuestions { question } } }`, nil, &k); len(errs) > 0 {
			t.Fatal(errs)
		}
		if k.Knowledge.ProductsWithCurrentAnswer < 1 || k.Knowledge.Products < k.Knowledge.ProductsWithCurrentAnswer || len(k.Knowledge.TopUnansweredQuestions) != 0 {
			t.Errorf("figures for an anonymous caller: %+v", k.Knowledge)
		}
		if errs := runAs(t, context.Background(), r, `{ callbackRequests { totalCount } }`, nil, nil); len(errs) != 1 || errs[0].Extensions["code"] != graph.CodeUnauthenticated {
			t.Errorf("anonymous call-back queue: %v", errs)
		}
	})
}

// TestKnowledgeMutations: writing an answer and handling a call-back request
// through the API, with the error codes an editor sees.
func TestKnowledgeMutations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		k.Product(t, db.Client, "paspoort", k.DepartmentA1)
		r := graph.NewResolver(db, "testgemeente")
		scope := []int{k.ClusterA.ID, k.DepartmentA1.ID}
		editor := auth.NewContext(context.Background(), &auth.Viewer{Name: "editor-a", Role: auth.Editor, OrganizationID: &k.ClusterA.ID, Scope: scope})
		other := auth.NewContext(context.Background(), &auth.Viewer{Name: "editor-b", Role: auth.Editor, OrganizationID: &k.ClusterB.ID, Scope: []int{k.ClusterB.ID}})
		create := `mutation($in: CreateAnswerInput!) { createAnswer(input: $in) { id status current variants { channel text } } }`
		in := map[string]any{"owner": "afdeling-a1", "products": []string{"paspoort"}, "question": "Wat kost een paspoort?",
			"text": "Een paspoort kost € 84,70.", "status": "PUBLISHED",
			"variants": []map[string]any{{"channel": "balie", "text": "Het kost € 80."}}}
		errs := runAs(t, editor, r, create, map[string]any{"in": in}, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != graph.CodeBadUserInput || errs[0].Extensions["field"] != "variants[0].text" {
			t.Fatalf("a contradicting variant: %v", errs)
		}
		in["variants"] = []map[string]any{{"channel": "balie", "text": "Het kost € 84,70; pin aan de balie."}}
		if errs := runAs(t, other, r, create, map[string]any{"in": in}, nil); len(errs) != 1 || errs[0].Extensions["code"] != graph.CodeForbidden {
			t.Fatalf("another cluster's editor: %v", errs)
		}
		var created struct {
			CreateAnswer struct {
				ID      string
				Current bool
			}
		}
		if errs := runAs(t, editor, r, create, map[string]any{"in": in}, &created); len(errs) > 0 {
			t.Fatal(errs)
		}
		if !created.CreateAnswer.Current {
			t.Error("a new published answer is not current")
		}
		var filed struct {
			CreateCallbackRequest struct {
				ID, Status, Contact string
				Organization        struct{ Code string }
			}
		}
		if errs := runAs(t, other, r, `mutation { createCallbackRequest(input: {product: "paspoort", question: "Stemmen met verlopen paspoort?",
			channel: "balie", replyChannel: "website", contact: "a@example.nl"}) { id status contact organization { code } } }`, nil, &filed); len(errs) > 0 {
			t.Fatal(errs)
		}
		if c := filed.CreateCallbackRequest; c.Organization.Code != "afdeling-a1" || c.Status != "OPEN" || c.Contact != "a@example.nl" {
			t.Errorf("filed: %+v", c)
		}
		var closed struct {
			CloseCallbackRequest struct {
				Status  string
				Contact *string
				Answer  *struct{ ID string }
			}
		}
		if errs := runAs(t, editor, r, `mutation($id: ID!, $a: ID) { closeCallbackRequest(id: $id, answer: $a) { status contact answer { id } } }`,
			map[string]any{"id": filed.CreateCallbackRequest.ID, "a": created.CreateAnswer.ID}, &closed); len(errs) > 0 {
			t.Fatal(errs)
		}
		if c := closed.CloseCallbackRequest; c.Status != "CLOSED" || c.Contact != nil || c.Answer == nil {
			t.Errorf("closed: %+v", c)
		}
		var queue struct {
			CallbackRequests struct {
				TotalCount int
				Edges      []struct{ Node struct{ AgeHours int } }
			}
		}
		if errs := runAs(t, editor, r, `{ callbackRequests(organization: "cluster-a") { totalCount edges { node { ageHours } } } }`, nil, &queue); len(errs) > 0 {
			t.Fatal(errs)
		}
		if queue.CallbackRequests.TotalCount != 1 {
			t.Errorf("the owning cluster's queue holds %d requests, want 1", queue.CallbackRequests.TotalCount)
		}
	})
}

// TestStaleAnswerSaveIsRefused: two editors opened the same answer; the
// second save, made with the version both saw, is refused with CONFLICT, so
// that the first one's wording is not lost unseen. The refused save changes
// nothing and leaves no trace in the change log.
func TestStaleAnswerSaveIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		k.Product(t, db.Client, "paspoort", k.DepartmentA1)
		r := graph.NewResolver(db, "testgemeente")
		editor := auth.NewContext(context.Background(), &auth.Viewer{Name: "editor-a", Role: auth.Editor, OrganizationID: &k.ClusterA.ID,
			Scope: []int{k.ClusterA.ID, k.DepartmentA1.ID}})
		type answer struct {
			ID, Text, Status string
			Version          int
		}
		var created struct{ CreateAnswer answer }
		if errs := runAs(t, editor, r, `mutation { createAnswer(input: {owner: "afdeling-a1", products: ["paspoort"],
			question: "Wat kost een paspoort?", text: "Een paspoort kost € 84,70."}) { id text status version } }`, nil, &created); len(errs) > 0 {
			t.Fatal(errs)
		}
		a := created.CreateAnswer
		if a.Version != 1 {
			t.Fatalf("a new answer has version %d, want 1", a.Version)
		}
		update := `mutation($in: UpdateAnswerInput!) { updateAnswer(input: $in) { id text status version } }`
		var first struct{ UpdateAnswer answer }
		if errs := runAs(t, editor, r, update, map[string]any{"in": map[string]any{"id": a.ID, "expectedVersion": a.Version,
			"text": "Een paspoort kost € 84,70; voor wie jonger is dan 18 € 61,05."}}, &first); len(errs) > 0 {
			t.Fatal(errs)
		}
		if first.UpdateAnswer.Version != 2 {
			t.Errorf("after one save the answer has version %d, want 2", first.UpdateAnswer.Version)
		}
		for name, in := range map[string]map[string]any{
			"text":    {"text": "Een paspoort kost € 80."},
			"publish": {"status": "PUBLISHED"},
			"review":  {"reviewed": true},
		} {
			in["id"], in["expectedVersion"] = a.ID, a.Version
			errs := runAs(t, editor, r, update, map[string]any{"in": in}, nil)
			if len(errs) != 1 || errs[0].Extensions["code"] != graph.CodeConflict {
				t.Fatalf("%s with a stale version: %v, want one CONFLICT", name, errs)
			}
			if got := errs[0].Extensions["currentVersion"]; got != 2 && got != int64(2) && got != float64(2) {
				t.Errorf("%s: currentVersion = %v (%T), want 2", name, got, got)
			}
			if want := "answer " + a.ID + " changed since you opened it"; !strings.Contains(errs[0].Message, want) {
				t.Errorf("%s: message %q does not say %q", name, errs[0].Message, want)
			}
		}
		var now struct{ Node answer }
		if errs := runAs(t, editor, r, `query($id: ID!) { node(id: $id) { ... on Answer { id text status version } } }`,
			map[string]any{"id": a.ID}, &now); len(errs) > 0 {
			t.Fatal(errs)
		}
		if now.Node != first.UpdateAnswer {
			t.Errorf("after the refused saves the answer is %+v, want the first save's %+v", now.Node, first.UpdateAnswer)
		}
		id, _ := strconv.Atoi(a.ID)
		events := db.Client.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntityANSWER), changeevent.EntityID(id)).
			Order(ent.Asc(changeevent.FieldID)).AllX(fixture.Ctx())
		if len(events) != 2 || events[0].Action != changeevent.ActionCREATE || events[1].Action != changeevent.ActionUPDATE {
			t.Errorf("change log of the answer: %d events, want its creation and one update", len(events))
		}
		// Without expectedVersion nothing is checked: callers written before
		// answers had versions keep working.
		var unchecked struct{ UpdateAnswer answer }
		if errs := runAs(t, editor, r, update, map[string]any{"in": map[string]any{"id": a.ID, "status": "PUBLISHED"}}, &unchecked); len(errs) > 0 {
			t.Fatal(errs)
		}
		if unchecked.UpdateAnswer.Version != 3 || unchecked.UpdateAnswer.Status != "PUBLISHED" {
			t.Errorf("an update without expectedVersion: %+v", unchecked.UpdateAnswer)
		}
	})
}
