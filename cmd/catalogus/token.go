package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

var tokenCreateCmd = command{
	name:     "token create",
	synopsis: "--name NAME --role admin|editor [--organization CODE]",
	brief:    "make an API token (printed once, on the last line)",
	summary:  "make an API token; it is printed once, on the last line, and stored only as a hash",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		name := fs.String("name", "", "who or what uses the token, e.g. website-rotterdam-nl (lower case, digits, hyphens)")
		role := fs.String("role", "", "admin (administers its organization and the units below it) or editor (keeps their products)")
		org := fs.String("organization", "", "organization code the token acts for; empty only for an admin of everything")
		return func(ctx context.Context, e *env) error {
			if *name == "" || *role == "" {
				return errors.New("--name and --role are required, e.g. --name website --role editor --organization publiekszaken")
			}
			db, err := openCatalogue(ctx, e)
			if err != nil {
				return err
			}
			defer db.Close()
			token, err := auth.Tokens{Client: db.Client, By: operator()}.Create(ctx, *name, auth.Role(strings.ToUpper(*role)), *org)
			if err != nil {
				return err
			}
			scope := "everything"
			if *org != "" {
				scope = *org + " and the units below it"
			}
			fmt.Fprintf(e.stdout, "Created %s token %q for %s. Keep it secret: it is not shown again.\n", strings.ToLower(*role), *name, scope)
			fmt.Fprintln(e.stdout, token)
			return nil
		}
	},
}

var tokenListCmd = command{
	name:     "token list",
	synopsis: "",
	brief:    "list the API tokens",
	summary:  "list the API tokens (never the tokens themselves)",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			db, err := openReading(ctx, e)
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := auth.Tokens{Client: db.Client}.List(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tROLE\tORGANIZATION\tCREATED\tREVOKED")
			for _, t := range list {
				org, revoked := "(everything)", "-"
				if t.Edges.Organization != nil {
					org = t.Edges.Organization.Code
				}
				if t.RevokedAt != nil {
					revoked = t.RevokedAt.Format(time.DateTime)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.Name, strings.ToLower(string(t.Role)), org, t.CreatedAt.Format(time.DateTime), revoked)
			}
			return w.Flush()
		}
	},
}

var tokenRevokeCmd = command{
	name:     "token revoke",
	synopsis: "NAME",
	brief:    "revoke an API token",
	args:     "NAME",
	summary:  "revoke an API token: from now on it is refused",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			if len(e.args) != 1 {
				return errors.New("name the token to revoke: catalogus token revoke NAME")
			}
			db, err := openCatalogue(ctx, e)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := (auth.Tokens{Client: db.Client, By: operator()}).Revoke(ctx, e.args[0]); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "revoked token %q\n", e.args[0])
			return nil
		}
	},
}

// operator names who runs the command, for the security log.
func operator() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	return "cli"
}
