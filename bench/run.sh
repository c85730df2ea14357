#!/usr/bin/env bash
# The side-by-side measurement of docs/performance.md, in one run, one after
# another on one PostgreSQL database holding the seed (Rotterdam, 423
# products):
#
#   (a) the floor: the raw SQL of the same questions under pgbench;
#   (b) the peer: PostGraphile v4 (bench/postgraphile, pinned by its lock
#       file) serving the same tables, asked the same product page;
#   (c) Catalogus without and with its response cache, and a conditional GET.
#
#   bash bench/run.sh            # 15 s per measurement, concurrency 16
#   DURATION=30 CONCURRENCY=16 bash bench/run.sh
#
# A measurement to rerun by hand, not part of the tests. It needs PostgreSQL on
# 127.0.0.1:5432 (trust auth), Node 20 with npm, and installs wrk and pgbench
# from Debian's packages when they are missing. The database catalogus_bench
# is dropped and made again. Results: a Markdown table on standard output,
# the raw tool output in $OUT (default /tmp/catalogus-bench).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15}
CONCURRENCY=${CONCURRENCY:-16}
OUT=${OUT:-/tmp/catalogus-bench}
PGHOST=127.0.0.1
DB=catalogus_bench
URL="postgres://postgres@$PGHOST:5432/$DB?sslmode=disable"
CAT_PORT=8391
PG_PORT=5391
mkdir -p "$OUT"
log() { printf '==> %s\n' "$*" >&2; }

need() {
	command -v "$1" >/dev/null && return
	log "installing $2"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
need wrk wrk
need pgbench postgresql-contrib
need node nodejs

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for() { # url
	for _ in $(seq 1 100); do
		curl -fsS -o /dev/null "$1" 2>/dev/null && return
		sleep 0.2
	done
	log "nothing answers at $1"
	exit 1
}

log "database $DB with the seed"
psql -h $PGHOST -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" postgres
go build -o "$OUT/catalogus" ./cmd/catalogus
"$OUT/catalogus" seed --database "$URL" --log-level warn
go run ./bench/floorsql -database "$URL" -municipality rotterdam -out "$OUT"
psql -h $PGHOST -U postgres -qc "VACUUM ANALYZE" "$DB"

# The questions. The page is the first 50 published products in id order with
# their availabilities' status, url, phone and channel code: the order both
# APIs use by default.
MID=$(psql -h $PGHOST -U postgres -Atc "SELECT id FROM organizations WHERE code = 'rotterdam'" "$DB")
CAT_PAGE='{"query":"{ products(first: 50) { edges { node { slug name summary availabilities { status url phone channel { code } } } } } }"}'
PEER_PAGE='{"query":"{ allProducts(first: 50, orderBy: PRIMARY_KEY_ASC, condition: {municipalityId: \"'$MID'\", status: \"PUBLISHED\"}) { nodes { slug name summary availabilitiesByProductId(orderBy: PRIMARY_KEY_ASC) { nodes { status url phone channelByChannelId { code } } } } } }"}'
CAT_SLUG='{"query":"{ product(slug: \"paspoort-aanvragen\") { slug name summary description theme availabilities { status plannedDate reason url phone instructions processingTime costCents channel { code name } locations { code name street postalCode city } } } }"}'
CAT_COVERAGE='{"query":"{ coverage { ratio availableCells applicableCells byChannel { channel { code } ratio } byOrganization { organization { code } ratio } projection { onTrack } } }"}'

cat >"$OUT/post.lua" <<'LUA'
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local errors = 0
response = function(status, headers, body)
	if status ~= 200 or string.find(body, '"errors"', 1, true) then errors = errors + 1 end
end
done = function(summary, latency, requests)
	io.write(string.format("bad answers: %d\n", errors))
end
LUA
cat >"$OUT/etag.lua" <<'LUA'
wrk.headers["If-None-Match"] = os.getenv("ETAG")
local other = 0
response = function(status) if status ~= 304 then other = other + 1 end end
done = function() io.write(string.format("bad answers: %d\n", other)) end
LUA

declare -A RPS P99 BAD
http() { # name url body-json [lua]
	local name=$1 url=$2 body=$3 lua=${4:-$OUT/post.lua}
	printf '%s' "$body" >"$OUT/$name.json"
	log "$name: wrk -c$CONCURRENCY -d${DURATION}s"
	BODY_FILE="$OUT/$name.json" wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" --latency -s "$lua" "$url" >"$OUT/$name.txt"
	RPS[$name]=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$OUT/$name.txt")
	P99[$name]=$(awk '$1 == "99%" {print $2}' "$OUT/$name.txt")
	BAD[$name]=$(awk '/^bad answers/ {print $3}' "$OUT/$name.txt")
}
sqlbench() { # name file
	log "$1: pgbench -c$CONCURRENCY -T$DURATION"
	pgbench -h $PGHOST -U postgres -n -c"$CONCURRENCY" -j2 -T"$DURATION" -f "$2" "$DB" >"$OUT/$1.txt" 2>&1
	RPS[$1]=$(awk '/^tps/ {printf "%.0f", $3; exit}' "$OUT/$1.txt")
	P99[$1]="-"
	BAD[$1]=$(awk '/failed transactions/ {print $5; exit}' "$OUT/$1.txt")
}
slugs() { grep -o '"slug"' | wc -l; }

# (a) the floor
sqlbench floor-page "$OUT/page.sql"
sqlbench floor-coverage "$OUT/coverage.sql"

# (b) the peer
log "PostGraphile (npm ci in bench/postgraphile)"
npm ci --prefix bench/postgraphile --no-audit --no-fund --silent
node bench/postgraphile/node_modules/.bin/postgraphile -c "$URL" -s public -n 127.0.0.1 -p $PG_PORT \
	--disable-query-log >"$OUT/postgraphile.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do
	n=$(curl -s -H 'Content-Type: application/json' -d "$PEER_PAGE" "http://127.0.0.1:$PG_PORT/graphql" | slugs) && [ "$n" = 50 ] && break
	sleep 0.2
done
[ "$n" = 50 ] || { log "PostGraphile's page holds $n products, not 50"; exit 1; }
http peer-page "http://127.0.0.1:$PG_PORT/graphql" "$PEER_PAGE"
kill "${pids[-1]}"

# (c) Catalogus, every request executed, then with the response cache
serve() { # extra flags
	"$OUT/catalogus" serve --database "$URL" --addr 127.0.0.1:$CAT_PORT --log-level warn "$@" >>"$OUT/catalogus.log" 2>&1 &
	pids+=($!)
	wait_for "http://127.0.0.1:$CAT_PORT/readyz"
	n=$(curl -s -H 'Content-Type: application/json' -d "$CAT_PAGE" "http://127.0.0.1:$CAT_PORT/graphql" | slugs)
	[ "$n" = 50 ] || { log "Catalogus's page holds $n products, not 50"; exit 1; }
}
serve --response-cache=false
http page-uncached "http://127.0.0.1:$CAT_PORT/graphql" "$CAT_PAGE"
http slug-uncached "http://127.0.0.1:$CAT_PORT/graphql" "$CAT_SLUG"
http coverage-uncached "http://127.0.0.1:$CAT_PORT/graphql" "$CAT_COVERAGE"
kill "${pids[-1]}"
wait "${pids[-1]}" 2>/dev/null || true

serve
http page-cached "http://127.0.0.1:$CAT_PORT/graphql" "$CAT_PAGE"
GET_URL=$(curl -s -G -o /dev/null -w '%{url_effective}' "http://127.0.0.1:$CAT_PORT/graphql" \
	--data-urlencode 'query={ products(first: 50) { edges { node { slug name summary availabilities { status url phone channel { code } } } } } }')
ETAG=$(curl -s -D - -o /dev/null "$GET_URL" | awk -F': ' 'tolower($1) == "etag" {print $2}' | tr -d '\r')
[ -n "$ETAG" ] || { log "no ETag on the GET"; exit 1; }
log "page-etag: wrk -c$CONCURRENCY -d${DURATION}s with If-None-Match"
ETAG="$ETAG" wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" --latency -s "$OUT/etag.lua" "$GET_URL" >"$OUT/page-etag.txt"
RPS[page-etag]=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$OUT/page-etag.txt")
P99[page-etag]=$(awk '$1 == "99%" {print $2}' "$OUT/page-etag.txt")
BAD[page-etag]=$(awk '/^bad answers/ {print $3}' "$OUT/page-etag.txt")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
{
	echo "Run $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, concurrency $CONCURRENCY, ${DURATION} s each, PostgreSQL $(psql -h $PGHOST -U postgres -Atc 'SHOW server_version' postgres), the seed."
	echo
	echo "| Measurement | req/s | p99 | bad answers | × floor | × PostGraphile |"
	echo "|---|---:|---:|---:|---:|---:|"
	for name in floor-page peer-page page-uncached page-cached page-etag slug-uncached floor-coverage coverage-uncached; do
		floor=${RPS[floor-page]}
		case $name in *coverage*) floor=${RPS[floor-coverage]} ;; esac
		peer=$(ratio "${RPS[$name]}" "${RPS[peer-page]}")
		vsfloor=$(ratio "${RPS[$name]}" "$floor")
		case $name in *coverage* | floor-*) peer="-" ;; esac
		case $name in slug-*) peer="-" vsfloor="-" ;; esac
		echo "| $name | ${RPS[$name]} | ${P99[$name]} | ${BAD[$name]} | $vsfloor | $peer |"
	done
} | tee "$OUT/table.md"
