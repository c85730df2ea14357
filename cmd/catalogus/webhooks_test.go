package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// TestWebhooksCommands: an operator lists subscriptions, deliveries and dead
// letters, and queues a dead one again.
func TestWebhooksCommands(t *testing.T) {
	u := seededSQLite(t)
	db, err := store.Open(context.Background(), u, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := auth.Allow(context.Background())
	city, err := db.Client.Organization.Query().Where(organization.KindEQ(organization.KindMUNICIPALITY)).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	sub, err := db.Client.WebhookSubscription.Create().SetURL("https://hooks.example.org/catalogus").SetSecret("een-geheim-van-minstens-16").
		SetMunicipalityID(city.ID).SetCreatedBy("test").SetCreatedAt(now).SetUpdatedAt(now).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dead, err := db.Client.WebhookDelivery.Create().SetSubscription(sub).SetEventID(7).SetIdempotencyKey("catalogus-1-7").
		SetPayload(map[string]any{"kind": "PRODUCT_CHANGED", "slug": "paspoort"}).SetState("DEAD").SetAttempts(30).
		SetLastError("the receiver answered 500").SetNextAttemptAt(now).SetCreatedAt(now).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, stderr := runCLI(t, "webhooks", "list", "--database", u)
	if code != 0 || !strings.Contains(out, "https://hooks.example.org/catalogus") || !strings.Contains(out, city.Code) || strings.Contains(out, "geheim") {
		t.Errorf("list: %d %s %s", code, out, stderr)
	}
	code, out, stderr = runCLI(t, "webhooks", "dead", "--database", u)
	if code != 0 || !strings.Contains(out, "catalogus-1-7") || !strings.Contains(out, "paspoort") || !strings.Contains(out, "answered 500") {
		t.Errorf("dead: %d %s %s", code, out, stderr)
	}
	code, out, stderr = runCLI(t, "webhooks", "redeliver", "--database", u, fmt.Sprint(dead.ID))
	if code != 0 || !strings.Contains(out, "queued delivery") {
		t.Errorf("redeliver: %d %s %s", code, out, stderr)
	}
	code, out, _ = runCLI(t, "webhooks", "deliveries", "--database", u, "--state", "pending")
	if code != 0 || !strings.Contains(out, "catalogus-1-7") {
		t.Errorf("deliveries --state pending after the redelivery: %d %s", code, out)
	}
	for _, args := range [][]string{
		{"redeliver"},
		{"redeliver", "x"},
		{"redeliver", fmt.Sprint(dead.ID)}, // pending now
		{"deliveries", "--state", "lost"},
	} {
		full := append([]string{"webhooks", args[0], "--database", u}, args[1:]...)
		if code, _, stderr := runCLI(t, full...); code != 1 || stderr == "" {
			t.Errorf("%v: %d, want 1 and a message", args, code)
		} else {
			t.Logf("%v: %s", args, strings.TrimSpace(stderr))
		}
	}
}
