package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

var reportCmd = command{
	name:     "report",
	synopsis: "[flags]",
	brief:    "print the coverage toward the 2026 target",
	summary:  "print the coverage toward the target: per channel, per cluster, and whether the pace meets the deadline",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		at := fs.String("at", "", "the moment to report on, RFC 3339 (2025-06-30T12:00:00Z) or a date (2025-06-30, end of that day); default now")
		municipality := fs.String("municipality", envOr("CATALOGUS_MUNICIPALITY", ""), "municipality code; default: the only one (env CATALOGUS_MUNICIPALITY)")
		org := fs.String("organization", "", "organization code: report on this unit and the units below it")
		format := fs.String("format", "table", "output: table, json (the GraphQL report's shape) or csv")
		return func(ctx context.Context, e *env) error {
			vars := map[string]any{}
			if *at != "" {
				t, err := parseMoment(*at)
				if err != nil {
					return err
				}
				vars["at"] = t.Format(time.RFC3339Nano)
			}
			if *municipality != "" {
				vars["municipality"] = *municipality
			}
			if *org != "" {
				vars["organization"] = *org
			}
			switch *format {
			case "table", "json", "csv":
			default:
				return fmt.Errorf("--format %q: use table, json or csv", *format)
			}
			db, err := openReading(ctx, e)
			if err != nil {
				return err
			}
			defer db.Close()
			resp := graph.Execute(ctx, graph.NewResolver(db, ""), reportQuery, vars)
			if len(resp.Errors) > 0 {
				return errors.New(resp.Errors[0].Message)
			}
			if *format == "json" {
				var data struct {
					Coverage json.RawMessage `json:"coverage"`
				}
				if err := json.Unmarshal(resp.Data, &data); err != nil {
					return err
				}
				var out bytes.Buffer
				if err := json.Indent(&out, data.Coverage, "", "  "); err != nil {
					return err
				}
				out.WriteByte('\n')
				_, err := out.WriteTo(e.stdout)
				return err
			}
			var r struct{ Coverage reportData }
			if err := json.Unmarshal(resp.Data, &r); err != nil {
				return err
			}
			if *format == "csv" {
				return writeReportCSV(e.stdout, r.Coverage)
			}
			writeReportTable(e.stdout, r.Coverage)
			return nil
		}
	},
}

// parseMoment reads RFC 3339, or a date meaning the end of that day in Amsterdam.
func parseMoment(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, s, catalog.Amsterdam); err == nil {
		return d.AddDate(0, 0, 1).Add(-time.Microsecond), nil
	}
	return time.Time{}, fmt.Errorf("--at %q: write a moment as 2025-06-30T12:00:00Z or a date as 2025-06-30", s)
}

// reportQuery is the query a dashboard would send; the report prints its answer.
const reportQuery = `query Report($at: Time, $municipality: String, $organization: String) {
  coverage(at: $at, municipality: $municipality, organization: $organization) {
    asOf products fullyCoveredProducts cells applicableCells availableCells partialCells plannedCells
    unavailableCells notApplicableCells notAssessedCells ratio
    byChannel { channel { code name } cells applicable available partial planned unavailable notApplicable notAssessed ratio }
    byOrganization { organization { code name } products fullyCoveredProducts cells applicable available partial planned unavailable notApplicable notAssessed ratio }
    byTheme { theme products fullyCoveredProducts cells applicable available partial planned unavailable notApplicable notAssessed ratio }
    groups { personalHelp otherLanguage youth digital }
    target { name deadline share daysLeft }
    projection { pacePerWeek requiredPacePerWeek cellsToGo projectedCompletion onTrack }
  }
}`

type counts struct {
	Cells, Applicable, Available, Partial, Planned, Unavailable, NotApplicable, NotAssessed int
	Ratio                                                                                   float64
}

type reportData struct {
	AsOf                                                                               time.Time
	Products, FullyCoveredProducts, Cells, ApplicableCells, AvailableCells             int
	PartialCells, PlannedCells, UnavailableCells, NotApplicableCells, NotAssessedCells int
	Ratio                                                                              float64
	ByChannel                                                                          []struct {
		Channel struct{ Code, Name string }
		counts
	}
	ByOrganization []struct {
		Organization                   struct{ Code, Name string }
		Products, FullyCoveredProducts int
		counts
	}
	ByTheme []struct {
		Theme                          string
		Products, FullyCoveredProducts int
		counts
	}
	Groups struct{ PersonalHelp, OtherLanguage, Youth, Digital int }
	Target *struct {
		Name, Deadline string
		Share          float64
		DaysLeft       int
	}
	Projection *struct {
		PacePerWeek         float64
		RequiredPacePerWeek *float64
		CellsToGo           int
		ProjectedCompletion *string
		OnTrack             bool
	}
}

func bar(ratio float64, width int) string {
	n := int(ratio*float64(width) + 0.5)
	return strings.Repeat("█", n) + strings.Repeat("░", width-n)
}

func pct(r float64) string { return strconv.FormatFloat(100*r, 'f', 1, 64) + "%" }

func writeReportTable(w io.Writer, r reportData) {
	fmt.Fprintf(w, "Coverage as of %s\n\n", r.AsOf.In(catalog.Amsterdam).Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "  %s of applicable cells available (%d of %d); %d of %d products fully covered\n",
		pct(r.Ratio), r.AvailableCells, r.ApplicableCells, r.FullyCoveredProducts, r.Products)
	fmt.Fprintf(w, "  %d partial, %d planned, %d unavailable, %d not assessed; %d not applicable\n",
		r.PartialCells, r.PlannedCells, r.UnavailableCells, r.NotAssessedCells, r.NotApplicableCells)
	if r.Target != nil {
		// The API's daysLeft (catalog.DaysLeft), as the dashboard shows it.
		days := r.Target.DaysLeft
		fmt.Fprintf(w, "  Target: %s — %s by %s", r.Target.Name, pct(r.Target.Share), r.Target.Deadline)
		switch {
		case days == 0:
			fmt.Fprintf(w, " (the deadline is today)\n")
		case days == 1:
			fmt.Fprintf(w, " (1 day left)\n")
		case days > 1:
			fmt.Fprintf(w, " (%d days left)\n", days)
		default:
			fmt.Fprintf(w, " (passed)\n")
		}
	}
	fmt.Fprintf(w, "\n%-26s %-30s %7s  %s\n", "Channel", "available of applicable", "ratio", "cells")
	for _, c := range r.ByChannel {
		fmt.Fprintf(w, "%-26s %-30s %7s  %d/%d\n", c.Channel.Name, bar(c.Ratio, 30), pct(c.Ratio), c.Available, c.Applicable)
	}
	if len(r.ByOrganization) > 0 {
		fmt.Fprintf(w, "\n%-44s %-20s %7s  %s\n", "Organization", "", "ratio", "products fully covered")
		for _, o := range r.ByOrganization {
			fmt.Fprintf(w, "%-44s %-20s %7s  %d of %d\n", o.Organization.Name, bar(o.Ratio, 20), pct(o.Ratio), o.FullyCoveredProducts, o.Products)
		}
	}
	fmt.Fprintf(w, "\nProducts residents can use through an available channel:\n")
	fmt.Fprintf(w, "  with personal help %d, in another language than Dutch %d, on a channel young people use %d, digitally %d (of %d)\n",
		r.Groups.PersonalHelp, r.Groups.OtherLanguage, r.Groups.Youth, r.Groups.Digital, r.Products)
	if p := r.Projection; p != nil {
		fmt.Fprintln(w)
		switch {
		case p.CellsToGo == 0:
			fmt.Fprintln(w, "The target is met.")
		case p.ProjectedCompletion != nil:
			fmt.Fprintf(w, "At the pace of the last 12 weeks (%+.1f cells a week) the target is reached on %s", p.PacePerWeek, *p.ProjectedCompletion)
		default:
			fmt.Fprintf(w, "At the pace of the last 12 weeks (%+.1f cells a week) the target is never reached", p.PacePerWeek)
		}
		if p.CellsToGo > 0 {
			if p.RequiredPacePerWeek != nil {
				fmt.Fprintf(w, "; %.1f a week are needed to make the deadline", *p.RequiredPacePerWeek)
			} else {
				fmt.Fprintf(w, "; the deadline has passed")
			}
			if p.OnTrack {
				fmt.Fprintln(w, ": on track.")
			} else {
				fmt.Fprintf(w, ": not on track (%d cells to go).\n", p.CellsToGo)
			}
		}
	}
}

func writeReportCSV(w io.Writer, r reportData) error {
	cw := csv.NewWriter(w)
	header := []string{"part", "code", "name", "products", "fully_covered", "cells", "applicable", "available", "partial", "planned", "unavailable", "not_applicable", "not_assessed", "ratio"}
	if err := cw.Write(header); err != nil {
		return err
	}
	row := func(part, code, name string, products, fully string, c counts) []string {
		return []string{part, code, name, products, fully, strconv.Itoa(c.Cells), strconv.Itoa(c.Applicable), strconv.Itoa(c.Available),
			strconv.Itoa(c.Partial), strconv.Itoa(c.Planned), strconv.Itoa(c.Unavailable), strconv.Itoa(c.NotApplicable),
			strconv.Itoa(c.NotAssessed), strconv.FormatFloat(c.Ratio, 'f', 4, 64)}
	}
	total := counts{r.Cells, r.ApplicableCells, r.AvailableCells, r.PartialCells, r.PlannedCells, r.UnavailableCells, r.NotApplicableCells, r.NotAssessedCells, r.Ratio}
	_ = cw.Write(row("total", "", "", strconv.Itoa(r.Products), strconv.Itoa(r.FullyCoveredProducts), total))
	for _, c := range r.ByChannel {
		_ = cw.Write(row("channel", c.Channel.Code, c.Channel.Name, "", "", c.counts))
	}
	for _, o := range r.ByOrganization {
		_ = cw.Write(row("organization", o.Organization.Code, o.Organization.Name, strconv.Itoa(o.Products), strconv.Itoa(o.FullyCoveredProducts), o.counts))
	}
	for _, t := range r.ByTheme {
		_ = cw.Write(row("theme", "", t.Theme, strconv.Itoa(t.Products), strconv.Itoa(t.FullyCoveredProducts), t.counts))
	}
	cw.Flush()
	return cw.Error()
}
