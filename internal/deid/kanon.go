package deid

import (
	"fmt"
	"strings"
)

// Classes counts the equivalence classes of a stream of records over a
// list of quasi-identifiers, for data sets too large to hold (an export):
// Add each record's values, then read K and Len. It gives the same figures
// as KAnonymity. The zero value is not usable; call NewClasses.
type Classes struct {
	counts map[string]int
	n      int
	b      strings.Builder
}

// NewClasses returns an empty count.
func NewClasses() *Classes { return &Classes{counts: map[string]int{}} }

// Add counts one record, given by its quasi-identifier values in a fixed
// order.
func (c *Classes) Add(values ...string) {
	c.b.Reset()
	for _, v := range values {
		// Length-prefixed, so that no value can fake a separator.
		fmt.Fprintf(&c.b, "%d:%s|", len(v), v)
	}
	c.counts[c.b.String()]++
	c.n++
}

// Records returns the number of records added.
func (c *Classes) Records() int { return c.n }

// Len returns the number of equivalence classes.
func (c *Classes) Len() int { return len(c.counts) }

// K returns the size of the smallest class, or 0 without records.
func (c *Classes) K() int {
	k := c.n
	for _, n := range c.counts {
		k = min(k, n)
	}
	return k
}

// Small returns the number of records in classes smaller than k: the
// records a reader could single out at that threshold.
func (c *Classes) Small(k int) int {
	s := 0
	for _, n := range c.counts {
		if n < k {
			s += n
		}
	}
	return s
}
