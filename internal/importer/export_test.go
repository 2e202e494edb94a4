package importer

// WithHash returns opt with the hash of ticket numbers replaced, so that
// tests can force collisions.
func WithHash(opt Options, h func(string) uint64) Options {
	opt.hash = h
	return opt
}
