// Package replication holds the tests of read replicas on a real topology:
// a PostgreSQL primary and a streaming replica (internal/replicatest), the
// server in front of both. Its own test binary, so that the topology is
// started once for these tests and beside the other packages' tests.
package replication
