package core

import (
	"context"
	"strings"
	"time"
	"unicode"
)

// ImportMapping is a named mapping of column headers onto fields (保存的映射),
// saved from the import page for the next file of the same source
// ("问政平台导出"). Text is a mapping file's text, as importer.ParseMapping
// reads it; the store keeps it as given.
type ImportMapping struct {
	Name string
	Text string
	// CreatedBy is the username of who saved the current text, UpdatedAt
	// when.
	CreatedBy string
	UpdatedAt time.Time
}

// Limits of an import mapping.
const (
	MaxMappingName = 100     // characters
	MaxMappingText = 1 << 20 // bytes
)

// ImportMappingStore keeps the named import mappings.
type ImportMappingStore interface {
	// PutImportMapping saves m under m.Name, replacing the mapping of that
	// name if there is one. An empty or overlong name or text is EINVALID.
	PutImportMapping(ctx context.Context, m ImportMapping) error
	// ImportMapping returns the mapping called name, or ENOTFOUND.
	ImportMapping(ctx context.Context, name string) (ImportMapping, error)
	// ImportMappings returns every mapping, by name.
	ImportMappings(ctx context.Context) ([]ImportMapping, error)
}

// CheckImportMapping returns why m cannot be stored, or nil.
func CheckImportMapping(m ImportMapping) error {
	switch n := len([]rune(m.Name)); {
	case m.Name == "" || n > MaxMappingName:
		return InvalidField("name", "映射名称不能为空，且不超过 %d 个字", MaxMappingName)
	case strings.IndexFunc(m.Name, unicode.IsControl) >= 0 || strings.TrimSpace(m.Name) != m.Name:
		return InvalidField("name", "映射名称不能以空格开头或结尾，也不能含控制字符")
	case m.Text == "":
		return InvalidField("text", "映射内容不能为空")
	case len(m.Text) > MaxMappingText:
		return InvalidField("text", "映射内容超过 %d MB", MaxMappingText>>20)
	}
	return nil
}
