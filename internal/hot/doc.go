// Package hot finds repeat requests (重复诉求) and hot issues (热点问题):
// tickets about the same problem at the same place.
//
// # Repeat requests
//
// An Index keeps each ticket as a bottom-k MinHash sketch (DefaultK = 64
// hashes) of the character bigrams of its normalised text (package text:
// folded, punctuation dropped, digit runs as one class), leaving out the
// bigrams common to a street's petitions (CommonShingles: 您好, 领导,
// 相关部门 ...), and as the place keys of the places it names (its Place
// field, and the compounds, roads, communities, towns and districts
// package extract finds in its text). Similar looks a new ticket up: the
// tickets sharing the most of the 32 smallest sketch hashes are scored
// with
//
//	Score = Jaccard + 0.05 (a shared compound, road, community or town)
//	                + 0.03 (a shared district only)
//	                − 0.10 (different districts)
//	                + 0.05 (same category)
//
// and a Score of DefaultThreshold (0.09) or more is a duplicate. The
// weights, the threshold and the bigrams were chosen by measurement on the
// dev half of 185 labelled pairs of real messages (testdata/pairs.jsonl):
// real repeats are written by different residents and share only 5–30% of
// their bigrams, so the evidence of place matters as much as the text.
// A bottom-k sketch with an inverted index of its smallest hashes finds
// such low-Jaccard pairs: 36 of the 40 labelled repeats are candidates of
// each other, where LSH banding of a MinHash signature would find 51% (32
// bands of 2 rows), 59% (64 × 2) or 29% (16 × 4) of them
// (TestCandidateRecall).
//
// # Hot issues and the heat index
//
// Clusters groups the tickets of a time window in one pass in time order:
// each ticket joins the issue whose representatives (its first three
// tickets) it matches best with a Score of at least 0.15 and a Jaccard of
// at least 0.08, in the same district and place and category, or it opens
// an issue. An issue's label is its place (the one its tickets name most,
// a compound counting more than a district) and its problem (the phrase of
// two to twelve characters that most of its tickets' titles share, places
// and common bigrams left out), e.g. "春江帝景湾小区 · 物业费".
//
// The heat index of an issue with V tickets from C distinct callers (a
// ticket without a caller counts as one caller), L supports or likes, the
// mean recency R = mean of 2^(−age/h) over its tickets (age from the end of
// the window, half-life h = 7 days), growth G = (tickets in the second
// half of the window + 1) / (tickets in the first half + 1), and spread S
// distinct places (communities) is
//
//	Heat = (C + 0.5·(V − C) + 0.2·L) × (0.25 + 0.75·R) × √clamp(G, 0.25, 4) × (1 + 0.1·min(S − 1, 5))
//
// so that a resident calling again counts half, a like a fifth of a call;
// an issue nobody raised for weeks keeps a quarter of its weight; an issue
// doubling from one half of the window to the next weighs 1.41 times more,
// one halving 0.71 times; and one spread over six communities or more 1.5
// times more. The parts are returned with the heat (HeatParts).
//
// Everything here is pure: values in, values out, no storage. An Index is
// safe for concurrent use.
package hot
