package cli

import (
	"errors"
	"fmt"
)

// Exit codes, fixed for every command.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitNotFinished = 3
	ExitRemote      = 4
)

// usageError is bad input or configuration; its message names the option and the fix.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError carries an exit code chosen by a command, with a message to print.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// exitCode maps an error to the exit code the contract gives it.
func exitCode(err error) int {
	var usage *usageError
	var coded *exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &usage):
		return ExitUsage
	case errors.As(err, &coded):
		return coded.code
	}
	return ExitRemote
}
