package core

import (
	"errors"
	"fmt"
)

// Application error codes. Each maps to one HTTP status in the web layer.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	// ETOOMANY refuses a request for now: too many failed attempts (sign-in
	// throttling) or requests; the message says when to try again.
	ETOOMANY = "too_many_requests"
)

// Error is jiceng's application error: a machine code and a message that is
// safe to show to a user (in Chinese). The wrapped Err carries detail for
// logs and is never shown.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the Message of the first
// *Error in its chain, or a generic one.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "内部错误，请稍后重试或联系管理员。"
}

// FieldError is an invalid request parameter or form field: an EINVALID
// error that also names the field, for the "field" of an API error.
type FieldError struct {
	Field string
	Err   *Error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// InvalidField returns an EINVALID error about field. The message must not
// quote the field's value: it may be personal data.
func InvalidField(field, format string, args ...any) error {
	return &FieldError{Field: field, Err: Errorf(EINVALID, format, args...)}
}
