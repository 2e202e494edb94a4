package core

import (
	"context"
	"time"
)

// PolicyFile is one file of the street's policy base (政策知识库) as
// uploaded: a policy document (text, Markdown, HTML, DOCX, PDF) or a 问/答
// sheet. What it says (title, 文号, passages) is read from Content by
// package policy; the store keeps the file, so that the search index can
// always be rebuilt from it, and what staff said of it.
type PolicyFile struct {
	ID      string // chosen when uploaded; stable
	Name    string // the file's name, with its extension
	Content []byte
	// Validity, when staff set it, overrides what the text says (有效,
	// 废止, 被替代, 失效); SupersededBy names the document that replaced it.
	Validity     string
	SupersededBy string
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// PolicyStore keeps the policy base's files.
type PolicyStore interface {
	// PutPolicyFile stores f by its ID, replacing the file of that ID
	// (CreatedAt and CreatedBy of the first upload are kept).
	PutPolicyFile(ctx context.Context, f PolicyFile) error
	// PolicyFiles returns every file, by ID; with content false their
	// Content is nil.
	PolicyFiles(ctx context.Context, content bool) ([]PolicyFile, error)
	// PolicyFile returns one file with its content, or ENOTFOUND.
	PolicyFile(ctx context.Context, id string) (PolicyFile, error)
	// DeletePolicyFile removes a file; ENOTFOUND when there is none.
	DeletePolicyFile(ctx context.Context, id string) error
}
