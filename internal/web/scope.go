package web

import (
	"jiceng/internal/casework"
)

// cases returns the casework service of the server's current settings:
// the one path from a user to tickets (scope, masking, permissions).
func (s *Server) cases() *casework.Service {
	svc := &casework.Service{Store: s.Store, Fields: s.Fields, Dictionary: s.dictionary(), Workflow: s.workflow(),
		Clock: s.Clock, Location: s.Location, Changed: s.ticketsChanged, Audit: s.Store, Policies: s.policies.Load()}
	if u := s.understander(); u != nil {
		svc.Predictor = u
	}
	return svc
}

// ticketsChanged drops what the caches hold after a change to tickets.
func (s *Server) ticketsChanged() {
	s.ratesCache.changed()
	s.boardCache.changed()
	s.forgetTasks()
}
