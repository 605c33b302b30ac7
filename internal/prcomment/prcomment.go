// Package prcomment keeps one comment with a deployment's summary on its pull request or
// merge request: it finds the comment it posted before by a hidden marker, and edits it
// rather than adding another.
package prcomment

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Marker starts every comment this package writes; it does not show in the rendered text.
const Marker = "<!-- sf-async-deploy:summary -->"

// cutNote ends a summary cut to the platform's limit.
const cutNote = "\n\n_The summary is cut here: the full text is summary.md in the finish " +
	"job's artifacts._\n"

// Comment is one comment of a pull or merge request.
type Comment struct {
	ID   int64
	Body string
	URL  string
}

// API lists, creates and edits the comments of one pull or merge request.
type API interface {
	List(ctx context.Context) ([]Comment, error)
	Create(ctx context.Context, body string) (Comment, error)
	Edit(ctx context.Context, id int64, body string) (Comment, error)
	// MaxBody is the longest body the platform accepts, in characters.
	MaxBody() int
}

// Body is the comment's text: the marker, the summary and the footer, the summary cut at a
// line so that the whole stays within limit characters.
func Body(summary, footer string, limit int) string {
	summary = strings.TrimRight(summary, "\n") + "\n"
	footer = "\n" + strings.TrimSpace(footer) + "\n"
	head := Marker + "\n"
	whole := head + summary + footer
	if limit <= 0 || utf8.RuneCountInString(whole) <= limit {
		return whole
	}
	room := limit - utf8.RuneCountInString(head+cutNote+footer)
	return head + cutAtLine(summary, max(room, 0)) + cutNote + footer
}

// cutAtLine returns the longest run of whole lines of text within room characters.
func cutAtLine(text string, room int) string {
	runes := []rune(text)
	if len(runes) <= room {
		return text
	}
	kept := string(runes[:room])
	if i := strings.LastIndexByte(kept, '\n'); i >= 0 {
		return kept[:i]
	}
	return ""
}

// Post edits the comment that carries the marker, or creates one; it reports whether it
// created the comment.
func Post(ctx context.Context, api API, body string) (Comment, bool, error) {
	comments, err := api.List(ctx)
	if err != nil {
		return Comment{}, false, fmt.Errorf("list the comments: %w", err)
	}
	for _, c := range comments {
		if strings.HasPrefix(strings.TrimSpace(c.Body), Marker) {
			edited, err := api.Edit(ctx, c.ID, body)
			if err != nil {
				return Comment{}, false, fmt.Errorf("edit comment %d: %w", c.ID, err)
			}
			return edited, false, nil
		}
	}
	created, err := api.Create(ctx, body)
	if err != nil {
		return Comment{}, false, fmt.Errorf("create the comment: %w", err)
	}
	return created, true, nil
}
