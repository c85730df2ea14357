package coverage

// Counted is how many aggregates s counted rather than reused.
func (s *Service) Counted() int {
	s.kept.mu.Lock()
	defer s.kept.mu.Unlock()
	return s.kept.counted
}

// Tallied is how many aggregates s counted from the kept rows.
func (s *Service) Tallied() int { return int(s.tallied.Load()) }
