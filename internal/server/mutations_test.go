package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestMutationsAnswerTheirSelectionAfterCommit runs every mutation that
// returns a record, selecting the record's edges: each answers its whole
// selection, read after the commit. On main createLocation { municipality },
// updateLocation, createOrganization/updateOrganization { parent children }
// and createTarget/updateTarget { municipality } answered
// INTERNAL_SERVER_ERROR ("transaction has already been committed") though
// the change was saved.
func TestMutationsAnswerTheirSelectionAfterCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newEditWorld(t, db)
		mun := fmt.Sprint(w.k.Municipality.ID)
		// run sends a mutation and returns its one field's answer, which
		// must hold every string of want.
		run := func(name, token, query string, vars map[string]any, want ...string) map[string]any {
			t.Helper()
			r := call(t, w.url, token, query, vars)
			if len(r.Errors) > 0 {
				t.Errorf("%s: %+v", name, r.Errors)
				return nil
			}
			var field string
			var data json.RawMessage
			for k, v := range r.Data {
				field, data = k, v
			}
			for _, s := range want {
				if !strings.Contains(string(data), s) {
					t.Errorf("%s: %s lacks %s", name, data, s)
				}
			}
			var out map[string]any
			_ = json.Unmarshal(r.Data[field], &out)
			return out
		}
		id := func(m map[string]any) string { s, _ := m["id"].(string); return s }

		// Admins' records: channels, organizations, locations, targets.
		ch := run("createChannel", w.root, `mutation($in: CreateChannelInput!) { createChannel(input: $in) { id code name } }`,
			map[string]any{"in": map[string]any{"code": "chat", "name": "Chat", "nameEn": "Chat"}}, `"chat"`)
		run("updateChannel", w.root, `mutation($id: ID!) { updateChannel(id: $id, input: {name: "Chatten"}) { id code name } }`,
			map[string]any{"id": id(ch)}, `"Chatten"`)
		org := run("createOrganization", w.adminMun, `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id code parent { code children { code } } children { code } } }`,
			map[string]any{"in": map[string]any{"code": "afdeling-a2", "name": "Afdeling A2", "kind": "DEPARTMENT", "parentID": fmt.Sprint(w.k.ClusterA.ID)}},
			`"cluster-a"`, `"afdeling-a1"`, `"afdeling-a2"`)
		run("updateOrganization", w.adminMun, `mutation($id: ID!) { updateOrganization(id: $id, input: {name: "Cluster A, vernieuwd"}) { name parent { code } children { code } } }`,
			map[string]any{"id": fmt.Sprint(w.k.ClusterA.ID)}, `"testgemeente"`, `"afdeling-a1"`, `"afdeling-a2"`)
		run("updateOrganization of the new one", w.adminMun, `mutation($id: ID!) { updateOrganization(id: $id, input: {name: "Afdeling A twee"}) { parent { code } children { code } } }`,
			map[string]any{"id": id(org)}, `"cluster-a"`)
		loc := run("createLocation", w.adminMun, `mutation($in: CreateLocationInput!) { createLocation(input: $in) { id code municipality { code children { code } } } }`,
			map[string]any{"in": map[string]any{"code": "stadswinkel-test", "name": "Stadswinkel Test", "kind": "CITY_OFFICE", "street": "Coolsingel 40",
				"postalCode": "3011 AD", "city": "Rotterdam", "visit": "APPOINTMENT", "municipalityID": mun}}, `"testgemeente"`, `"cluster-b"`)
		run("updateLocation", w.adminMun, `mutation($id: ID!) { updateLocation(id: $id, input: {name: "Stadswinkel Centrum"}) { name municipality { code } } }`,
			map[string]any{"id": id(loc)}, `"testgemeente"`)
		target := run("createTarget", w.adminMun, `mutation($in: CreateTargetInput!) { createTarget(input: $in) { id name municipality { code } } }`,
			map[string]any{"in": map[string]any{"name": "Alles", "deadline": "2026-12-31", "share": 1.0, "municipalityID": mun}}, `"testgemeente"`)
		run("updateTarget", w.adminMun, `mutation($id: ID!) { updateTarget(id: $id, input: {share: 0.9}) { share municipality { code } } }`,
			map[string]any{"id": id(target)}, `"testgemeente"`)

		// Products and their channels.
		const product = `slug version owner { code parent { code } } municipality { code } availabilities { status channel { code } locations { code municipality { code } } product { slug } } answers { id }`
		run("createProduct", w.editorA, `mutation { createProduct(input: {slug: "rijbewijs", name: "Rijbewijs", theme: "Vervoer", audiences: [RESIDENT], owner: "cluster-a"}) { `+product+` } }`,
			nil, `"rijbewijs"`, `"cluster-a"`, `"testgemeente"`)
		run("updateProduct", w.editorA, `mutation { updateProduct(input: {product: "rijbewijs", expectedVersion: 1, summary: "Verlengen."}) { `+product+` } }`,
			nil, `"cluster-a"`)
		run("setAvailability", w.editorA, `mutation($in: SetAvailabilityInput!) { setAvailability(input: $in) { `+product+` } }`,
			map[string]any{"in": map[string]any{"product": "rijbewijs", "expectedVersion": 2, "channel": "balie", "status": "AVAILABLE", "locations": []string{"stadswinkel-test"}}},
			`"stadswinkel-test"`, `"balie"`)
		run("setAvailabilities", w.editorA, `mutation($in: SetAvailabilitiesInput!) { setAvailabilities(input: $in) { `+product+` } }`,
			map[string]any{"in": map[string]any{"product": "rijbewijs", "expectedVersion": 3, "cells": []map[string]any{{"channel": "website", "status": "AVAILABLE", "url": "https://www.rotterdam.nl/rijbewijs"}}}},
			`"website"`)
		run("publishProduct", w.editorA, `mutation { publishProduct(input: {product: "rijbewijs", expectedVersion: 4, force: true}) { `+product+` } }`, nil, `"rijbewijs"`)
		run("clearAvailability", w.editorA, `mutation { clearAvailability(input: {product: "rijbewijs", expectedVersion: 5, channel: "balie"}) { `+product+` } }`, nil, `"website"`)
		run("setChannelForProducts", w.editorA, `mutation($in: SetChannelForProductsInput!) { setChannelForProducts(input: $in) { `+product+` } }`,
			map[string]any{"in": map[string]any{"products": []map[string]any{{"product": "rijbewijs", "expectedVersion": 6}, {"product": "paspoort", "expectedVersion": 1}},
				"cell": map[string]any{"channel": "balie", "status": "AVAILABLE"}}}, `"paspoort"`, `"rijbewijs"`)

		// The answer base and call-back requests.
		answer := run("createAnswer", w.editorA, `mutation { createAnswer(input: {owner: "cluster-a", products: ["rijbewijs"], question: "Hoe verleng ik mijn rijbewijs?", text: "Online met DigiD.", status: PUBLISHED}) { id version owner { code children { code } } products { slug owner { code } } } }`,
			nil, `"rijbewijs"`, `"afdeling-a1"`)
		run("updateAnswer", w.editorA, `mutation($id: ID!) { updateAnswer(input: {id: $id, expectedVersion: 1, products: ["rijbewijs", "paspoort"]}) { owner { code } products { slug answers { id } } } }`,
			map[string]any{"id": id(answer)}, `"paspoort"`, id(answer))
		run("retireProduct", w.editorA, `mutation { retireProduct(input: {product: "rijbewijs", expectedVersion: 7}) { `+product+` } }`, nil, `"rijbewijs"`)
		cb := run("createCallbackRequest", w.editorA, `mutation { createCallbackRequest(input: {product: "paspoort", question: "Kan het sneller?", channel: "balie", replyChannel: "website", contactName: "A. Inwoner", contact: "06 12345678"}) { id product { slug owner { code } } channel { code } replyChannel { code } organization { code } answer { id } } }`,
			nil, `"paspoort"`, `"balie"`, `"website"`)
		run("assignCallbackRequest", w.editorA, `mutation($id: ID!) { assignCallbackRequest(id: $id, assignee: "Rita") { assignee product { slug } organization { code } } }`,
			map[string]any{"id": id(cb)}, `"Rita"`, `"paspoort"`)
		run("closeCallbackRequest", w.editorA, `mutation($id: ID!, $a: ID) { closeCallbackRequest(id: $id, answer: $a) { status product { slug } answer { question products { slug } } } }`,
			map[string]any{"id": id(cb), "a": id(answer)}, `"CLOSED"`, "Hoe verleng ik")

		// Measurements: records without edges, read after the commit too.
		run("setSurveyResult", w.adminMun, `mutation { setSurveyResult(input: {key: {channel: "balie", period: QUARTER, periodStart: "2025-01-01"}, respondents: 100, dissatisfiedGeneral: 10, dissatisfiedClarity: 9, dissatisfiedFriendliness: 8, dissatisfiedTimeliness: 7}) { id period respondents } }`,
			nil, `"QUARTER"`)
		run("setContactVolume", w.adminMun, `mutation { setContactVolume(input: {key: {channel: "balie", period: MONTH, periodStart: "2025-01-01"}, contacts: 50}) { id period contacts } }`,
			nil, `"MONTH"`)
		run("setSatisfactionTarget", w.adminMun, `mutation { setSatisfactionTarget(input: {municipality: "testgemeente", name: "30% minder", baselineFrom: "2022-01-01", baselineTo: "2022-12-31", reduction: 0.3, deadline: "2026-12-31"}) { name reduction } }`,
			nil, `"30% minder"`)
	})
}
